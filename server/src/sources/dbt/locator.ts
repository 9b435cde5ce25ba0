import * as path from 'node:path';
import type { FileSource } from '../fileSource';
import type { DbtNode } from '../../model/dbt';
import { ZERO_RANGE, type Location, type Range } from '../../model/location';
import { indexSchemaYaml, findEntryRange, type SchemaYaml } from './schemaYaml';
import { fastEntryRange, fastYamlNames, type FastYamlNames } from './yamlNames';
import { baseInsideRoots, PackageDirs, resolveInside } from './paths';
import { scanSqlReferences, type SqlScan } from './sqlScan';

/** YAML section holding entries of a resource type, when it is defined in a properties file. */
export function yamlSectionOf(resourceType: string): string | undefined {
  switch (resourceType) {
    case 'model':
      return 'models';
    case 'seed':
      return 'seeds';
    case 'snapshot':
      return 'snapshots';
    case 'analysis':
      return 'analyses';
    case 'source':
      return 'sources';
    case 'exposure':
      return 'exposures';
    case 'unit_test':
      return 'unit_tests';
    case 'metric':
      return 'metrics';
    case 'semantic_model':
      return 'semantic_models';
    case 'saved_query':
      return 'saved_queries';
    default:
      return undefined;
  }
}

/** Range of the first line holding anything but whitespace (trimmed), 0:0 for an empty file. */
export function firstContentRange(text: string): Range {
  let line = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const content = text.slice(start, end).replace(/\r$/, '');
    const lead = content.length - content.trimStart().length;
    if (content.trim().length > 0) {
      return { start: { line, character: lead }, end: { line, character: content.trimEnd().length } };
    }
    if (end >= text.length) break;
    start = end + 1;
    line++;
  }
  return ZERO_RANGE;
}

/**
 * Resolves dbt's package-relative paths to local files and finds ranges in
 * them. Files are read at most once per locator (one reader pass).
 */
export class DbtFileLocator {
  private readonly texts = new Map<string, string | undefined>();
  private readonly yamls = new Map<string, SchemaYaml | undefined>();
  /** line-scanner index per properties file; null when the file needs the full YAML parser */
  private readonly fastYamls = new Map<string, FastYamlNames | null>();
  readonly packageDirs: PackageDirs;
  private readonly allowedRoots: string[];

  constructor(
    private readonly fs: FileSource,
    readonly projectRoot: string,
    readonly projectName: string,
    readonly packagesDir: string | undefined,
    /** files above this size are never read: their location is the file at 0:0 */
    private readonly maxBytes = 20 * 1024 * 1024,
    /** model files unchanged since an earlier read, with the node located in each (see ManifestReadOptions) */
    private readonly previous?: ReadonlyMap<string, DbtNode>,
  ) {
    this.packageDirs = new PackageDirs(packagesDir, fs);
    this.allowedRoots = packagesDir === undefined ? [projectRoot] : [projectRoot, packagesDir];
  }

  packageRoot(pkg: string): string | undefined {
    if (!pkg || pkg === this.projectName) return this.projectRoot;
    return this.packageDirs.dirOf(pkg);
  }

  /** Absolute local path of a package-relative path, or undefined when unknown / outside the project. */
  resolve(pkg: string, rel: string | undefined): string | undefined {
    if (!rel) return undefined;
    // one string per file: a properties file is the location of hundreds of nodes
    const key = `${pkg}\u0000${rel}`;
    if (this.resolved.has(key)) return this.resolved.get(key);
    const base = this.packageRoot(pkg);
    let inside = base === undefined ? false : this.basesInside.get(base);
    if (base !== undefined && inside === undefined) this.basesInside.set(base, (inside = baseInsideRoots(base, this.allowedRoots)));
    const file = base ? resolveInside(base, rel, this.allowedRoots, inside) : undefined;
    this.resolved.set(key, file);
    return file;
  }
  private readonly resolved = new Map<string, string | undefined>();
  /** package roots known to be inside the allowed roots (see resolveInside) */
  private readonly basesInside = new Map<string, boolean>();

  /** Text of a file; undefined when missing or too big to read (see `exists`). */
  text(file: string): string | undefined {
    if (!this.texts.has(file)) {
      const st = this.fs.stat(file);
      this.texts.set(file, st && st.isFile && st.size <= this.maxBytes ? this.fs.readText(file) : undefined);
    }
    return this.texts.get(file);
  }

  private readonly existing = new Map<string, boolean>();
  exists(file: string): boolean {
    let e = this.existing.get(file);
    if (e === undefined) this.existing.set(file, (e = this.fs.stat(file)?.isFile === true));
    return e;
  }

  yaml(file: string): SchemaYaml | undefined {
    if (!this.yamls.has(file)) {
      const t = this.text(file);
      this.yamls.set(file, t === undefined ? undefined : indexSchemaYaml(t, file));
    }
    return this.yamls.get(file);
  }

  private readonly sqlScans = new Map<string, SqlScan | undefined>();
  /** The ref()/source() calls of a SQL file; undefined when unreadable or unscannable. */
  sqlScan(file: string): SqlScan | undefined {
    if (!this.sqlScans.has(file)) {
      const t = this.text(file);
      let scan: SqlScan | undefined;
      try {
        scan = t === undefined ? undefined : scanSqlReferences(t, file);
      } catch {
        // odd text costs this file its call ranges, nothing else
      }
      this.sqlScans.set(file, scan);
    }
    return this.sqlScans.get(file);
  }

  /** The node an earlier read located in this file, when the file has not changed since. */
  previousNode(file: string): DbtNode | undefined {
    return this.previous?.get(file);
  }

  /** The file at its first content line; undefined when the file does not exist. */
  fileLocation(file: string): Location | undefined {
    const before = this.previous?.get(file);
    if (before) return { file, range: before.locations[0].range };
    const t = this.text(file);
    if (t === undefined) return this.exists(file) ? { file, range: ZERO_RANGE } : undefined;
    return { file, range: firstContentRange(t) };
  }

  /**
   * A `- name:` entry in a properties file; the file at 0:0 when the entry is
   * not found; undefined when no file. Plain block YAML (nearly every dbt
   * project) is answered by the line scanner, which gives the parser's ranges
   * at a fraction of its cost; anything else goes to the full YAML parser.
   */
  yamlEntryLocation(file: string, section: string, name: string, table?: string, version?: string | number): Location | undefined {
    let fast = this.fastYamls.get(file);
    if (fast === undefined) {
      const text = this.text(file);
      fast = text === undefined ? null : (fastYamlNames(text) ?? null);
      this.fastYamls.set(file, fast);
    }
    // a covered file has no `versions:` under models, so a version never selects a `- v:` range there
    if (fast) return { file, range: fastEntryRange(fast, section, name, table) ?? ZERO_RANGE };
    const idx = this.yaml(file);
    if (!idx) return this.exists(file) ? { file, range: ZERO_RANGE } : undefined;
    if (version !== undefined && version !== null && section === 'models') {
      const entry = idx.sections.get('models')?.find((e) => e.name === name);
      const v = entry?.versions?.find((x) => String(x.v) === String(version));
      if (v) return { file, range: v.range };
    }
    const r = findEntryRange(idx, section, name, table);
    return { file, range: r ?? ZERO_RANGE };
  }

  isYamlPath(p: string): boolean {
    const ext = path.extname(p).toLowerCase();
    return ext === '.yml' || ext === '.yaml';
  }
}
