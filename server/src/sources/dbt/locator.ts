import * as path from 'node:path';
import type { FileSource } from '../fileSource';
import { ZERO_RANGE, type Range } from '../../model/location';
import { baseInsideRoots, PackageDirs, resolveInside } from './paths';

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
 * Resolves dbt's package-relative paths to local files inside the project
 * (and its installed packages), and tells which exist. Where in a file a node
 * is written is found later, when asked (places.ts).
 */
export class DbtFileLocator {
  readonly packageDirs: PackageDirs;
  private readonly allowedRoots: string[];

  constructor(
    private readonly fs: FileSource,
    readonly projectRoot: string,
    readonly projectName: string,
    readonly packagesDir: string | undefined,
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

  private readonly existing = new Map<string, boolean>();
  /** Whether the file exists (a stat the index pass has mostly made already). */
  exists(file: string): boolean {
    let e = this.existing.get(file);
    if (e === undefined) this.existing.set(file, (e = this.fs.stat(file)?.isFile === true));
    return e;
  }

  isYamlPath(p: string): boolean {
    const ext = path.extname(p).toLowerCase();
    return ext === '.yml' || ext === '.yaml';
  }
}
