import * as path from 'node:path';
import type { FileSource } from '../fileSource';
import type { DbtNode, DbtProjectFacts } from '../../model/dbt';
import type { Diagnostic } from '../../model/diagnostic';
import type { DbtRefTarget, DbtSourceTarget } from '../../model/reference';
import { ZERO_RANGE, type Location } from '../../model/location';
import { parseDbtProjectYml, resolveTreeConfig, mergeConfig, type DbtProjectSettings } from './projectYml';
import { indexSchemaYaml, type SchemaYaml, type YamlNamedEntry } from './schemaYaml';
import { firstContentRange } from './locator';
import type { FileScanMemo } from './scanMemo';
import { projectDir, relPosix } from './paths';
import { scanSqlReferences, type SqlScan } from './sqlScan';
import { scanPythonModel } from './pythonModelScan';
import { walk, walkOnly, type WalkedFile } from './projectWalk';

export { scanSqlReferences } from './sqlScan';
export type { SqlScan, SqlConfig } from './sqlScan';

/** Files above this size are skipped (with a log line and a `file-skipped` diagnostic). */
export const DEFAULT_MAX_FILE_BYTES = 20 * 1024 * 1024;

export interface ReadOptions {
  maxFileBytes?: number;
  /** scans of unchanged files from an earlier read of the same project */
  memo?: FileScanMemo;
  /**
   * read only these files (the manifest overlay: the files newer than the
   * manifest and the properties files of their nodes); default all
   */
  only?: ReadonlySet<string>;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const strList = (v: unknown): string[] =>
  typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

interface Ctx {
  fs: FileSource;
  memo?: FileScanMemo;
  only?: ReadonlySet<string>;
  maxBytes: number;
  diagnostics: Diagnostic[];
  log: string[];
  /** the root project's config trees also configure package nodes */
  rootSettings: DbtProjectSettings;
  rootName: string;
  /** `${pkgRoot}\0${rel}` of dbt_project.yml paths already reported as outside their package */
  ignoredPaths: Set<string>;
}

/** One log line and one info diagnostic for a file that was not indexed. */
function skippedFile(ctx: Ctx, file: string, why: string): void {
  ctx.log.push(`${file}: ${why}`);
  ctx.diagnostics.push({ location: { file, range: ZERO_RANGE }, severity: 'info', code: 'file-skipped', message: `file ${why}` });
}

/** Reads a file unless it is missing or too big (the latter is reported). */
function readText(ctx: Ctx, file: string): string | undefined {
  const st = ctx.fs.stat(file);
  if (!st || !st.isFile) return undefined;
  if (st.size > ctx.maxBytes) {
    const mb = (st.size / 1024 / 1024).toFixed(1);
    ctx.log.push(`skipped ${file} (${mb} MB, over the ${Math.round(ctx.maxBytes / 1024 / 1024)} MB limit)`);
    ctx.diagnostics.push({
      location: { file, range: ZERO_RANGE },
      severity: 'info',
      code: 'file-skipped',
      message: `file skipped: ${mb} MB is over the size limit`,
    });
    return undefined;
  }
  return ctx.fs.readText(file);
}

/**
 * A file's scan, from the memo while its text is unchanged; undefined when the
 * file cannot be read or its scan threw.
 */
function scanned<T>(ctx: Ctx, file: string, kind: string, scan: (text: string) => T): T | undefined {
  const text = readText(ctx, file);
  if (text === undefined) return undefined;
  const compute = (t: string): T | undefined => guarded(ctx, file, () => scan(t));
  return ctx.memo ? ctx.memo.through(kind, file, text, compute) : compute(text);
}

/** Runs one file's scan: a reader bug on odd input costs that file (logged), never the whole project. */
function guarded<T>(ctx: Ctx, file: string, scan: () => T): T | undefined {
  try {
    return scan();
  } catch (e) {
    ctx.log.push(`${file}: not indexed (${e instanceof Error ? e.message : String(e)})`);
    return undefined;
  }
}

const emptyScan = (): SqlScan => ({ refs: [], sources: [], snapshots: [] });

/** The files of `dir` the read looks at: all of them, or only those in `ctx.only` (without walking the tree). */
function filesIn(ctx: Ctx, dir: string, exts: string[]): WalkedFile[] {
  return ctx.only ? walkOnly(ctx.fs, dir, exts, ctx.only) : walk(ctx.fs, dir, exts);
}

function stem(file: string): string {
  return path.basename(file).replace(/\.[^.]*$/, '');
}

interface YamlModelEntry {
  file: string;
  entry: YamlNamedEntry;
}

function entryConfig(value: Obj | undefined): Obj {
  return isObj(value?.config) ? (value!.config as Obj) : {};
}

function applyAll(into: Obj, cfg: Obj): void {
  for (const [k, v] of Object.entries(cfg)) mergeConfig(into, k.startsWith('+') ? k.slice(1) : k, v);
}

/** Config from dbt_project.yml trees: the package's own, then the root project's. */
function treeConfig(ctx: Ctx, settings: DbtProjectSettings, section: 'models' | 'seeds' | 'snapshots', pkg: string, parts: string[]): Obj {
  const out: Obj = {};
  applyAll(out, resolveTreeConfig(settings.configs[section], pkg, parts));
  if (settings !== ctx.rootSettings) applyAll(out, resolveTreeConfig(ctx.rootSettings.configs[section], pkg, parts));
  return out;
}

function commonFields(node: DbtNode, cfg: Obj, yamlValue: Obj | undefined): void {
  if (typeof cfg.schema === 'string') node.configSchema = cfg.schema;
  if (typeof cfg.materialized === 'string') node.materialized = cfg.materialized;
  if (typeof cfg.alias === 'string') node.alias = cfg.alias;
  if (typeof cfg.group === 'string') node.group = cfg.group;
  else if (typeof yamlValue?.group === 'string') node.group = yamlValue.group as string;
  const meta = isObj(yamlValue?.meta) ? (yamlValue!.meta as Obj) : {};
  node.meta = meta;
  node.configMeta = { ...(isObj(cfg.meta) ? (cfg.meta as Obj) : {}), ...meta };
  node.tags = [...new Set([...strList(cfg.tags), ...strList(yamlValue?.tags)])];
  const description = str(yamlValue?.description);
  if (description) node.description = description;
}

/** The package's directories for `rels`, without those outside it (logged once per package). */
function packageDirs(ctx: Ctx, pkgRoot: string, rels: string[]): string[] {
  const out: string[] = [];
  for (const rel of rels) {
    const dir = projectDir(pkgRoot, rel);
    if (dir !== undefined) out.push(dir);
    else if (!ctx.ignoredPaths.has(`${pkgRoot}\u0000${rel}`)) {
      ctx.ignoredPaths.add(`${pkgRoot}\u0000${rel}`);
      ctx.log.push(`ignored path "${rel}" in ${path.join(pkgRoot, 'dbt_project.yml')}: outside the project`);
    }
  }
  return out;
}

/** Reads one package (the root project or an installed package). */
function scanPackage(ctx: Ctx, pkgRoot: string, settings: DbtProjectSettings, pkg: string): DbtNode[] {
  const nodes: DbtNode[] = [];
  const yamlFiles: SchemaYaml[] = [];
  const yamlFolders = new Map<string, string[]>();
  const modelDirs = packageDirs(ctx, pkgRoot, settings.modelPaths);
  const seedDirs = packageDirs(ctx, pkgRoot, settings.seedPaths);
  const snapshotDirs = packageDirs(ctx, pkgRoot, settings.snapshotPaths);
  const analysisDirs = packageDirs(ctx, pkgRoot, settings.analysisPaths);
  for (const dir of [...new Set([...modelDirs, ...seedDirs, ...snapshotDirs, ...analysisDirs])]) {
    for (const [file, folders] of filesIn(ctx, dir, ['.yml', '.yaml'])) {
      const y = scanned(ctx, file, 'yaml', (text) => indexSchemaYaml(text, file));
      if (!y) continue;
      if (y.skipped) skippedFile(ctx, file, y.skipped);
      yamlFiles.push(y);
      yamlFolders.set(file, folders);
    }
  }
  const yamlEntries = (section: string): Map<string, YamlModelEntry> => {
    const m = new Map<string, YamlModelEntry>();
    for (const y of yamlFiles) for (const e of y.sections.get(section) ?? []) if (!m.has(e.name)) m.set(e.name, { file: y.file, entry: e });
    return m;
  };
  const modelYaml = yamlEntries('models');
  const seedYaml = yamlEntries('seeds');
  const snapshotYaml = yamlEntries('snapshots');

  const modelFiles = modelDirs.flatMap((dir) => filesIn(ctx, dir, ['.sql', '.py']));
  const modelStems = new Set(modelFiles.map(([f]) => stem(f)));

  // versioned models: file stem → (model name, version entry). A version lives in
  // `defined_in`, else `<name>_v<v>`, else (for one version) the unsuffixed `<name>`.
  const versionByStem = new Map<string, { name: string; y: YamlModelEntry; v: NonNullable<YamlNamedEntry['versions']>[number]; latest: string | number | undefined }>();
  for (const y of modelYaml.values()) {
    const versions = y.entry.versions;
    if (!versions || versions.length === 0) continue;
    const latestRaw = y.entry.value.latest_version;
    let latest: string | number | undefined = typeof latestRaw === 'string' || typeof latestRaw === 'number' ? latestRaw : undefined;
    if (latest === undefined) {
      const nums = versions.map((v) => Number(v.v)).filter((n) => !Number.isNaN(n));
      latest = nums.length ? Math.max(...nums) : versions[versions.length - 1].v;
    }
    for (const v of versions) {
      let definedIn = str(v.value.defined_in) ?? `${y.entry.name}_v${v.v}`;
      if (!modelStems.has(definedIn) && modelStems.has(y.entry.name) && !versionByStem.has(y.entry.name)) definedIn = y.entry.name;
      versionByStem.set(definedIn, { name: y.entry.name, y, v, latest });
    }
  }

  const yamlLoc = (y: YamlModelEntry | undefined, range = y?.entry.nameRange): Location[] =>
    y && range ? [{ file: y.file, range }] : [];

  // models
  {
    for (const [file, folders] of modelFiles) {
      const read = scanned(ctx, file, 'model', (text) => ({
        // a model whose text could not be scanned still exists, without its refs
        scan: guarded(ctx, file, () => (file.endsWith('.py') ? scanPythonModel(text, file) : scanSqlReferences(text, file))) ?? emptyScan(),
        firstContent: firstContentRange(text),
      }));
      if (!read) continue;
      const scan = read.scan;
      const s = stem(file);
      const ver = versionByStem.get(s);
      const name = ver ? ver.name : s;
      const y = ver ? ver.y : modelYaml.get(s);
      const cfg = treeConfig(ctx, settings, 'models', pkg, [...folders, s]);
      applyAll(cfg, entryConfig(y?.entry.value));
      if (ver) applyAll(cfg, entryConfig(ver.v.value));
      if (scan.config) applyAll(cfg, scan.config.values);
      const node: DbtNode = {
        uniqueId: ver ? `model.${pkg}.${name}.v${ver.v.v}` : `model.${pkg}.${name}`,
        resourceType: 'model',
        name,
        packageName: pkg,
        tags: [],
        fqn: ver ? [pkg, ...folders, name, `v${ver.v.v}`] : [pkg, ...folders, name],
        originalFilePath: relPosix(pkgRoot, file),
        dependsOn: [],
        refs: scan.refs,
        sources: scan.sources.map((x) => ({ target: x.target, location: x.location })),
        locations: [{ file, range: read.firstContent }, ...yamlLoc(y, ver ? ver.v.range : undefined)],
      };
      const yamlValue: Obj | undefined = ver ? { ...y!.entry.value, ...ver.v.value } : y?.entry.value;
      commonFields(node, cfg, yamlValue);
      if (!node.materialized) node.materialized = 'view';
      if (ver) {
        node.version = ver.v.v;
        node.latestVersion = ver.latest;
        if (!node.alias) node.alias = `${name}_v${ver.v.v}`;
      }
      if (!node.alias) node.alias = name;
      nodes.push(node);
    }
  }

  // seeds
  for (const dir of seedDirs) {
    for (const [file, folders] of filesIn(ctx, dir, ['.csv'])) {
      const st = ctx.fs.stat(file);
      if (!st) continue;
      const name = stem(file);
      const y = seedYaml.get(name);
      const cfg = treeConfig(ctx, settings, 'seeds', pkg, [...folders, name]);
      applyAll(cfg, entryConfig(y?.entry.value));
      // only the first line is needed for the range; a huge seed is not read whole
      const text = st.size <= ctx.maxBytes ? ctx.fs.readText(file) : undefined;
      const node: DbtNode = {
        uniqueId: `seed.${pkg}.${name}`,
        resourceType: 'seed',
        name,
        packageName: pkg,
        tags: [],
        fqn: [pkg, ...folders, name],
        originalFilePath: relPosix(pkgRoot, file),
        dependsOn: [],
        refs: [],
        sources: [],
        locations: [{ file, range: text !== undefined ? firstContentRange(text) : ZERO_RANGE }, ...yamlLoc(y)],
      };
      commonFields(node, cfg, y?.entry.value);
      node.materialized = node.materialized ?? 'seed';
      node.alias = node.alias ?? name;
      nodes.push(node);
    }
  }

  // snapshots ({% snapshot %} blocks)
  for (const dir of snapshotDirs) {
    for (const [file, folders] of filesIn(ctx, dir, ['.sql'])) {
      const scan = scanned(ctx, file, 'sql', (text) => guarded(ctx, file, () => scanSqlReferences(text, file)) ?? emptyScan());
      if (!scan) continue;
      for (const block of scan.snapshots) {
        const y = snapshotYaml.get(block.name);
        const cfg = treeConfig(ctx, settings, 'snapshots', pkg, [...folders, stem(file), block.name]);
        applyAll(cfg, entryConfig(y?.entry.value));
        if (scan.config) applyAll(cfg, scan.config.values);
        const node: DbtNode = {
          uniqueId: `snapshot.${pkg}.${block.name}`,
          resourceType: 'snapshot',
          name: block.name,
          packageName: pkg,
          tags: [],
          fqn: [pkg, ...folders, stem(file), block.name],
          originalFilePath: relPosix(pkgRoot, file),
          dependsOn: [],
          refs: scan.refs,
          sources: scan.sources.map((x) => ({ target: x.target, location: x.location })),
          locations: [block.location, ...yamlLoc(y)],
        };
        commonFields(node, cfg, y?.entry.value);
        node.materialized = 'snapshot';
        node.alias = node.alias ?? block.name;
        nodes.push(node);
      }
    }
  }

  // snapshots defined in YAML (dbt 1.9+): `snapshots: - name: x / relation: ref('y')`
  for (const y of yamlFiles) {
    if (!snapshotDirs.some((d) => y.file.startsWith(d + path.sep))) continue;
    for (const entry of y.sections.get('snapshots') ?? []) {
      const relation = str(entry.value.relation);
      if (relation === undefined || nodes.some((n) => n.uniqueId === `snapshot.${pkg}.${entry.name}`)) continue;
      const folders = yamlFolders.get(y.file) ?? [];
      const rel = scanSqlReferences(`{{ ${relation} }}`, y.file);
      const cfg = treeConfig(ctx, settings, 'snapshots', pkg, [...folders, entry.name]);
      applyAll(cfg, entryConfig(entry.value));
      const node: DbtNode = {
        uniqueId: `snapshot.${pkg}.${entry.name}`,
        resourceType: 'snapshot',
        name: entry.name,
        packageName: pkg,
        tags: [],
        fqn: [pkg, ...folders, entry.name],
        originalFilePath: relPosix(pkgRoot, y.file),
        dependsOn: [],
        // ranges inside the `relation:` string are not tracked
        refs: rel.refs.map((r) => ({ target: r.target })),
        sources: rel.sources.map((r) => ({ target: r.target })),
        locations: [{ file: y.file, range: entry.nameRange }],
      };
      commonFields(node, cfg, entry.value);
      node.materialized = 'snapshot';
      node.alias = node.alias ?? entry.name;
      nodes.push(node);
    }
  }

  // analyses
  for (const dir of analysisDirs) {
    for (const [file, folders] of filesIn(ctx, dir, ['.sql'])) {
      const read = scanned(ctx, file, 'analysis', (text) => ({
        scan: guarded(ctx, file, () => scanSqlReferences(text, file)) ?? emptyScan(),
        firstContent: firstContentRange(text),
      }));
      if (!read) continue;
      const scan = read.scan;
      const name = stem(file);
      nodes.push({
        uniqueId: `analysis.${pkg}.${name}`,
        resourceType: 'analysis',
        name,
        packageName: pkg,
        tags: [],
        fqn: [pkg, 'analysis', ...folders, name],
        originalFilePath: relPosix(pkgRoot, file),
        dependsOn: [],
        refs: scan.refs,
        sources: scan.sources.map((x) => ({ target: x.target, location: x.location })),
        locations: [{ file, range: read.firstContent }],
      });
    }
  }

  // sources (properties files under the model paths)
  for (const y of yamlFiles) {
    if (!modelDirs.some((d) => y.file.startsWith(d + path.sep))) continue;
    const folders = yamlFolders.get(y.file) ?? [];
    for (const src of y.sources) {
      for (const table of src.tables) {
        const srcCfg = entryConfig(src.value);
        const tableCfg = entryConfig(table.value);
        const node: DbtNode = {
          uniqueId: `source.${pkg}.${src.name}.${table.name}`,
          resourceType: 'source',
          name: table.name,
          packageName: pkg,
          sourceName: src.name,
          tags: [...new Set([...strList(src.value.tags), ...strList(table.value.tags), ...strList(srcCfg.tags), ...strList(tableCfg.tags)])],
          fqn: [pkg, ...folders, src.name, table.name],
          originalFilePath: relPosix(pkgRoot, y.file),
          dependsOn: [],
          refs: [],
          sources: [],
          locations: [{ file: y.file, range: table.nameRange }],
        };
        const meta = isObj(table.value.meta) ? (table.value.meta as Obj) : {};
        node.meta = meta;
        node.configMeta = {
          ...(isObj(srcCfg.meta) ? (srcCfg.meta as Obj) : {}),
          ...(isObj(src.value.meta) ? (src.value.meta as Obj) : {}),
          ...(isObj(tableCfg.meta) ? (tableCfg.meta as Obj) : {}),
          ...meta,
        };
        const description = str(table.value.description);
        if (description) node.description = description;
        nodes.push(node);
      }
    }
  }
  return nodes;
}

function sourceKey(sourceName: string | undefined, table: string): string {
  return `${sourceName}\u0000${table}`;
}

/** ref() / source() → unique id, dbt's way: own package first, then the root project, then any. */
export class DbtResolver {
  private readonly byName = new Map<string, DbtNode[]>();
  private readonly sources = new Map<string, DbtNode[]>();
  /**
   * `calling`: the nodes that will be linked, when only they will (an
   * overlay of a few files over a manifest of 50k nodes): only the names
   * their calls use are indexed.
   */
  constructor(
    nodes: DbtNode[],
    private readonly rootName: string,
    calling?: readonly DbtNode[],
  ) {
    const names = calling && new Set(calling.flatMap((n) => n.refs.map((r) => r.target.name)));
    const tables = calling && new Set(calling.flatMap((n) => n.sources.map((s) => sourceKey(s.target.sourceName, s.target.table ?? ''))));
    for (const n of nodes) {
      if (n.resourceType === 'source') {
        const k = sourceKey(n.sourceName, n.name);
        if (!tables || tables.has(k)) (this.sources.get(k) ?? this.sources.set(k, []).get(k)!).push(n);
      } else if (n.resourceType === 'model' || n.resourceType === 'seed' || n.resourceType === 'snapshot') {
        if (!names || names.has(n.name)) (this.byName.get(n.name) ?? this.byName.set(n.name, []).get(n.name)!).push(n);
      }
    }
  }

  private prefer(cands: DbtNode[], fromPackage: string): DbtNode | undefined {
    return cands.find((c) => c.packageName === fromPackage) ?? cands.find((c) => c.packageName === this.rootName) ?? cands[0];
  }

  ref(target: DbtRefTarget, fromPackage: string): DbtNode | undefined {
    let cands = this.byName.get(target.name) ?? [];
    if (target.package) cands = cands.filter((c) => c.packageName === target.package);
    if (cands.length === 0) return undefined;
    if (target.version !== undefined && target.version !== null) {
      cands = cands.filter((c) => c.version !== undefined && String(c.version) === String(target.version));
    } else if (cands.some((c) => c.version !== undefined)) {
      const latest = cands.filter((c) => c.version !== undefined && String(c.version) === String(c.latestVersion ?? c.version));
      if (latest.length) cands = latest;
    }
    return this.prefer(cands, fromPackage);
  }

  source(target: DbtSourceTarget, fromPackage: string): DbtNode | undefined {
    const cands = this.sources.get(sourceKey(target.sourceName, target.table ?? '')) ?? [];
    return this.prefer(cands, fromPackage);
  }

  /** Fills `dependsOn` from refs and sources (unresolved ones are left to the analysis layer to report). */
  link(nodes: DbtNode[]): void {
    for (const n of nodes) {
      const deps: string[] = [];
      for (const r of n.refs) {
        const t = this.ref(r.target, n.packageName);
        if (t && t.uniqueId !== n.uniqueId) deps.push(t.uniqueId);
      }
      for (const s of n.sources) {
        const t = this.source(s.target, n.packageName);
        if (t) deps.push(t.uniqueId);
      }
      n.dependsOn = [...new Set(deps)];
    }
  }
}

/**
 * Reads a dbt project from its files (no manifest): dbt_project.yml, SQL
 * models, seeds, snapshots, analyses and properties YAML, plus every package
 * installed under `packages-install-path`. Never throws.
 */
export function readDbtProjectFiles(root: string, fs: FileSource, opts: ReadOptions = {}): { facts: DbtProjectFacts; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const log: string[] = [];
  const projectYml = fs.readText(path.join(root, 'dbt_project.yml'));
  const settings = parseDbtProjectYml(projectYml ?? '');
  const name = settings.name ?? path.basename(root);
  if (projectYml === undefined) log.push(`no dbt_project.yml in ${root}; using default paths`);
  const ctx: Ctx = { fs, memo: opts.memo, only: opts.only, maxBytes: opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES, diagnostics, log, rootSettings: settings, rootName: name, ignoredPaths: new Set() };
  opts.memo?.beginPass();
  if (settings.skipped) skippedFile(ctx, path.join(root, 'dbt_project.yml'), `${settings.skipped}; using default paths`);
  const nodes: DbtNode[] = [];
  try {
    nodes.push(...scanPackage(ctx, root, settings, name));
    const packagesDir = packageDirs(ctx, root, [settings.packagesInstallPath])[0];
    for (const entry of packagesDir === undefined ? [] : (fs.list(packagesDir) ?? []).sort()) {
      const pkgRoot = path.join(packagesDir, entry);
      const text = fs.readText(path.join(pkgRoot, 'dbt_project.yml'));
      if (text === undefined) continue;
      const pkgSettings = parseDbtProjectYml(text);
      nodes.push(...scanPackage(ctx, pkgRoot, pkgSettings, pkgSettings.name ?? entry));
    }
  } catch (e) {
    log.push(`dbt project files: stopped early (${e instanceof Error ? e.message : String(e)})`);
  }
  if (opts.memo) {
    opts.memo.endPass();
    if (opts.memo.hits) log.push(`project files: ${opts.memo.misses} scanned, ${opts.memo.hits} unchanged since the last read`);
  }
  new DbtResolver(nodes, name).link(nodes);
  const count = (t: string): number => nodes.filter((n) => n.resourceType === t).length;
  log.unshift(`project files ${root}: ${count('model')} models, ${count('source')} sources, ${count('seed')} seeds, ${count('snapshot')} snapshots`);
  return { facts: { root, name, origin: 'files', nodes, log }, diagnostics };
}

