import * as path from 'node:path';
import { createHash } from 'node:crypto';
import type { FileSource } from '../fileSource';
import type { DbtNode, DbtProjectFacts } from '../../model/dbt';
import type { Diagnostic } from '../../model/diagnostic';
import type { DbtRefTarget, DbtSourceTarget } from '../../model/reference';
import type { Location } from '../../model/location';
import { ZERO_RANGE } from '../../model/location';
import { jsonErrorOffset } from './jsonError';
import { DbtFileLocator, yamlSectionOf } from './locator';
import { CallPlace, EntryPlace, FilePlace, PlaceFinder } from './places';
import { decodeLocatedNodes, scanManifest, SCANNED_COLLECTIONS, type LocatedNodes, type NodeTaker } from './manifestScan';
import { parseDbtProjectYml } from './projectYml';
import { projectDir } from './paths';
import { isObj, MAX_MANIFEST_VERSION, MIN_MANIFEST_VERSION, manifestSchemaVersion, readsNodesAsMet } from './manifestVersion';

/** Hex digits of a node's sha256 checksum the reader keeps. */
export const CHECKSUM_PREFIX = 16;

export { MIN_MANIFEST_VERSION, MAX_MANIFEST_VERSION, manifestSchemaVersion } from './manifestVersion';

/** Top-level manifest collections whose entries become DbtNodes (the scanner keeps exactly these). */
const COLLECTIONS = SCANNED_COLLECTIONS;

type Json = Record<string, unknown>;

export interface ManifestReadOptions {
  /** the size from which the skipping scanner reads the bytes (SCAN_MIN_BYTES; tests lower it) */
  scanFromBytes?: number;
}

export interface ManifestReadResult {
  facts?: DbtProjectFacts;
  diagnostics: Diagnostic[];
  /** set when the bytes are not valid JSON (the caller may retry a half-written file) */
  invalidJsonAt?: number;
  schemaVersion?: number;
  dbtVersion?: string;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
function nonEmptyStr(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}
function strList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}
function versionValue(v: unknown): string | number | undefined {
  return typeof v === 'string' || typeof v === 'number' ? v : undefined;
}

/** refs as `[["m"]]`, `[["pkg","m"]]` (≤v8) or `[{name, package, version}]` (v9+); duplicates removed. */
export function parseManifestRefs(v: unknown): DbtRefTarget[] {
  const out: DbtRefTarget[] = [];
  const seen = new Set<string>();
  if (!Array.isArray(v)) return out;
  for (const r of v) {
    let t: DbtRefTarget | undefined;
    if (Array.isArray(r)) {
      const parts = r.filter((x): x is string => typeof x === 'string');
      if (parts.length === 1) t = { kind: 'dbt_ref', name: parts[0] };
      else if (parts.length >= 2) t = { kind: 'dbt_ref', package: parts[0], name: parts[1] };
    } else if (isObj(r) && typeof r.name === 'string') {
      t = { kind: 'dbt_ref', name: r.name };
      const pkg = nonEmptyStr(r.package);
      if (pkg) t.package = pkg;
      const ver = versionValue(r.version);
      if (ver !== undefined) t.version = ver;
    }
    if (!t) continue;
    const id = `${t.package ?? ''}\u0000${t.name}\u0000${t.version ?? ''}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(t);
  }
  return out;
}

export function parseManifestSources(v: unknown): DbtSourceTarget[] {
  const out: DbtSourceTarget[] = [];
  const seen = new Set<string>();
  if (!Array.isArray(v)) return out;
  for (const s of v) {
    if (!Array.isArray(s) || typeof s[0] !== 'string') continue;
    const t: DbtSourceTarget = { kind: 'dbt_source', sourceName: s[0] };
    if (typeof s[1] === 'string') t.table = s[1];
    const id = `${t.sourceName}\u0000${t.table ?? ''}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(t);
  }
  return out;
}

/** The project's name: metadata (v10+), dbt_project.yml, or the package whose md5 is `project_id`. */
function projectNameOf(manifest: Json, localName: string | undefined): string {
  const meta = isObj(manifest.metadata) ? manifest.metadata : {};
  const fromMeta = nonEmptyStr(meta.project_name);
  if (fromMeta) return fromMeta;
  // before v10: an extra pass over the nodes for their package names
  const packages = new Set<string>();
  for (const c of COLLECTIONS) {
    const coll = manifest[c];
    if (!isObj(coll)) continue;
    for (const raw of Object.values(coll)) if (isObj(raw) && typeof raw.package_name === 'string') packages.add(raw.package_name);
  }
  const projectId = str(meta.project_id);
  if (projectId) {
    for (const p of packages) if (createHash('md5').update(p).digest('hex') === projectId) return p;
  }
  if (localName && packages.has(localName)) return localName;
  return localName ?? packages.values().next().value ?? 'unknown';
}

function diag(file: string, code: Diagnostic['code'], severity: Diagnostic['severity'], message: string): Diagnostic {
  return { location: { file, range: ZERO_RANGE }, severity, code, message };
}

/**
 * Reads a dbt manifest.json (schema v4–v12) into DbtProjectFacts in one pass
 * over the parsed JSON. Code, compiled code and columns are never copied.
 * Locations come from files under the LOCAL project root (never `root_path`).
 */
export function readManifest(bytes: Uint8Array, manifestPath: string, projectRoot: string, fs: FileSource, opts: ManifestReadOptions = {}): ManifestReadResult {
  const diagnostics: Diagnostic[] = [];
  // A large manifest's nodes are read as the scanner meets them, once its metadata
  // (first in dbt's files) names the project: each node's scanned object then dies
  // young. Scanned in full first, fifty thousand of them lived until the scan ended,
  // were promoted and copied by the collector, then marked dead.
  let early: NodeReader | null | undefined;
  const take = (collection: string, id: string, raw: unknown, metadata: unknown): boolean => {
    if (early === undefined) early = earlyReader(metadata, projectRoot, fs, opts) ?? null;
    if (early === null) return false;
    early.add(collection, id, raw);
    return true;
  };
  const parsed = manifestObject(bytes, opts.scanFromBytes ?? SCAN_MIN_BYTES, take);
  if (!('manifest' in parsed)) {
    diagnostics.push(diag(manifestPath, 'manifest-invalid', 'error', `manifest.json is not valid JSON at byte ${parsed.invalidJsonAt}`));
    return { diagnostics, invalidJsonAt: parsed.invalidJsonAt };
  }
  // nodes read from a scan that then gave up (JSON.parse read the file instead) are dropped
  return readParsedManifest(parsed.manifest, manifestPath, projectRoot, fs, opts, parsed.scanned ? (early ?? undefined) : undefined);
}

/**
 * What a scan of a manifest done elsewhere (a thread: see
 * workspace/manifestScanThread.ts) hands over, in order: the manifest's
 * bytes (memory both threads see); tables of the nodes it met, saying where
 * their kept values start (locateManifest), which this thread decodes while
 * the scan goes on; then the rest of the scan's object (the metadata). The
 * scan locates nodes only where readsNodesAsMet allows. `gaveUp`: the bytes
 * need the usual read (the scanner does not read them, they could not be
 * read, the thread failed), which also says what is wrong with them.
 */
export type ScannedPart = { bytes: Uint8Array } | { located: LocatedNodes; metadata: unknown } | { rest: Json } | { gaveUp: string };

/**
 * readManifest over a scan done elsewhere: each table of located nodes
 * becomes DbtNodes as it arrives. Undefined when the scan gave up or a value
 * does not parse: the caller reads the bytes (nodes taken so far are dropped).
 */
export async function readScannedManifest(
  parts: AsyncIterable<ScannedPart>,
  manifestPath: string,
  projectRoot: string,
  fs: FileSource,
  opts: ManifestReadOptions = {},
): Promise<ManifestReadResult | undefined> {
  let bytes: Uint8Array | undefined;
  let early: NodeReader | undefined;
  for await (const part of parts) {
    if ('bytes' in part) {
      bytes = part.bytes;
    } else if ('located' in part) {
      early ??= earlyReader(part.metadata, projectRoot, fs, opts);
      const reader = early;
      // the scan locates nodes only where readsNodesAsMet allows: never without a reader or the bytes
      if (!reader || !bytes) return undefined;
      if (!decodeLocatedNodes(bytes, part.located, (collection, id, raw) => reader.add(collection, id, raw))) return undefined;
    } else if ('rest' in part) {
      return readParsedManifest(part.rest, manifestPath, projectRoot, fs, opts, early);
    } else {
      return undefined;
    }
  }
  return undefined;
}

/** A reader for the nodes of a manifest whose metadata names its project and has a version read here; else undefined. */
function earlyReader(metadata: unknown, projectRoot: string, fs: FileSource, opts: ManifestReadOptions): NodeReader | undefined {
  if (!readsNodesAsMet(metadata)) return undefined;
  const settings = projectSettings(fs, projectRoot);
  const projectName = projectNameOf({ metadata }, settings?.name);
  return new NodeReader(projectName, projectLocator(fs, projectRoot, projectName, settings), new PlaceFinder(fs));
}

/**
 * Turns manifest nodes into DbtNodes, collection by collection, in the order
 * JSON.parse gives them (a repeated id keeps its first place and last value).
 */
class NodeReader {
  private readonly byCollection = new Map<string, Map<string, DbtNode>>();
  /** some id is an array index, which an object lists first */
  private indexKeys = false;
  // One copy of each repeated string (package names, tags, fqn parts, the ids
  // in depends_on): every occurrence in the manifest is otherwise its own
  // string, and they are most of what a large index keeps.
  private readonly pool = new Map<string, string>();
  private readonly intern = (v: string): string => {
    const had = this.pool.get(v);
    if (had !== undefined) return had;
    this.pool.set(v, v);
    return v;
  };

  constructor(
    readonly projectName: string,
    private readonly locator: DbtFileLocator,
    private readonly finder: PlaceFinder,
  ) {}

  add(collection: string, id: string, raw: unknown): void {
    let nodes = this.byCollection.get(collection);
    if (!nodes) this.byCollection.set(collection, (nodes = new Map()));
    if (!isObj(raw)) {
      nodes.delete(id);
      return;
    }
    if (!this.indexKeys && isArrayIndex(id)) this.indexKeys = true;
    let node: DbtNode;
    try {
      node = toNode(id, raw, this.locator, this.finder, this.intern);
    } catch {
      // one odd node never hides the others
      nodes.delete(id);
      return;
    }
    nodes.set(id, node);
  }

  nodes(): DbtNode[] {
    const out: DbtNode[] = [];
    for (const c of COLLECTIONS) {
      const nodes = this.byCollection.get(c);
      if (!nodes) continue;
      if (!this.indexKeys) {
        for (const n of nodes.values()) out.push(n);
        continue;
      }
      const keys = [...nodes.keys()];
      const index = keys.filter(isArrayIndex).sort((a, b) => Number(a) - Number(b));
      for (const k of [...index, ...keys.filter((k) => !isArrayIndex(k))]) out.push(nodes.get(k)!);
    }
    return out;
  }
}

/** An object key JavaScript lists before the others, in numeric order. */
function isArrayIndex(key: string): boolean {
  return /^(?:0|[1-9]\d{0,9})$/.test(key) && Number(key) < 4294967295;
}

/**
 * readManifest after the bytes became an object (exported so tests can feed it
 * JSON.parse's result). `early`: the nodes the scan already read.
 */
export function readParsedManifest(manifest: Json, manifestPath: string, projectRoot: string, fs: FileSource, opts: ManifestReadOptions = {}, early?: NodeReader): ManifestReadResult {
  const diagnostics: Diagnostic[] = [];
  const metadata = isObj(manifest.metadata) ? manifest.metadata : {};
  const schemaVersion = manifestSchemaVersion(metadata);
  const dbtVersion = str(metadata.dbt_version);
  if (schemaVersion !== undefined && schemaVersion < MIN_MANIFEST_VERSION) {
    diagnostics.push(
      diag(
        manifestPath,
        'unsupported-manifest-version',
        'error',
        `unsupported manifest version v${schemaVersion} (dbt ${dbtVersion ?? 'unknown'}); Asset Lens reads v${MIN_MANIFEST_VERSION}–v${MAX_MANIFEST_VERSION}`,
      ),
    );
    return { diagnostics, schemaVersion, dbtVersion };
  }

  let reader = early;
  if (!reader) {
    const settings = projectSettings(fs, projectRoot);
    const projectName = projectNameOf(manifest, settings?.name);
    reader = new NodeReader(projectName, projectLocator(fs, projectRoot, projectName, settings), new PlaceFinder(fs));
  }
  const projectName = reader.projectName;
  // what the scan did not hand over already (with `early`, nothing)
  for (const c of COLLECTIONS) {
    const coll = manifest[c];
    if (!isObj(coll)) continue;
    for (const [key, raw] of Object.entries(coll)) reader.add(c, key, raw);
  }
  const nodes = reader.nodes();
  const facts: DbtProjectFacts = {
    root: projectRoot,
    name: projectName,
    manifestPath,
    origin: 'manifest',
    nodes,
    log: [],
  };
  if (schemaVersion !== undefined && schemaVersion > MAX_MANIFEST_VERSION) {
    facts.log.push(`manifest schema v${schemaVersion} is newer than v${MAX_MANIFEST_VERSION}; read as v${MAX_MANIFEST_VERSION}`);
  }
  return { facts, diagnostics, schemaVersion, dbtVersion };
}

/**
 * From this size on the skipping scanner reads a manifest; below it JSON.parse
 * does. Measured in a fresh process (the index's first read is always cold):
 * the scanner is JavaScript that starts unoptimised, 3–4× slower than the
 * native parser on a 0.4–4 MB manifest, equal around 12 MB, and 1.8× faster
 * at 54 MB, where it also never builds the file as one string.
 */
export const SCAN_MIN_BYTES = 12 * 1024 * 1024;

/**
 * The manifest as an object: JSON.parse for small files, the skipping scanner
 * (only the fields the reader uses) for large ones, with JSON.parse again when
 * the scanner gives up. Bytes that cannot start a JSON object are reported
 * without decoding them, so a large garbage file fails in microseconds instead
 * of being turned into text. The scanner does not validate the values it
 * skips (code, columns): a large manifest broken only inside those is read.
 */
export function manifestObject(
  bytes: Uint8Array,
  scanFrom = SCAN_MIN_BYTES,
  take?: NodeTaker,
): { manifest: Json; scanned?: true } | { invalidJsonAt: number } {
  // a UTF-8 byte order mark is skipped, as TextDecoder does for JSON.parse
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  let first = bom;
  while (first < bytes.length && (bytes[first] === 0x20 || bytes[first] === 0x0a || bytes[first] === 0x0d || bytes[first] === 0x09)) first++;
  if (bytes[first] !== 0x7b) {
    const at = jsonErrorOffset(bytes);
    // valid JSON that is not an object (`[]`, `3`): not a manifest, reported at its start
    return { invalidJsonAt: at >= bytes.length && first < bytes.length ? first : at };
  }
  let errorAt: number | undefined;
  if (bytes.length >= scanFrom) {
    const scanned = scanManifest(bom ? bytes.subarray(bom) : bytes, take);
    if (scanned) return { manifest: scanned, scanned: true };
    // Invalid, or a shape the scanner leaves to JSON.parse (a "__proto__" id): the
    // byte-level check tells which without turning hundreds of MB into a string.
    errorAt = jsonErrorOffset(bytes);
    if (errorAt < bytes.length) return { invalidJsonAt: errorAt };
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(new TextDecoder('utf-8').decode(bytes));
  } catch {
    return { invalidJsonAt: errorAt ?? jsonErrorOffset(bytes) };
  }
  return isObj(manifest) ? { manifest } : { invalidJsonAt: 0 };
}

/*
 * Most nodes have no tags, no meta, no sources: one shared, frozen empty
 * value instead of ten thousand (each empty array or object costs 30-40
 * bytes). Nothing mutates a node read from a manifest; frozen makes sure.
 */
const EMPTY_LIST: readonly never[] = Object.freeze([]);
const EMPTY_OBJECT: Json = Object.freeze({});
export function orShared<T>(list: T[]): T[] {
  return list.length === 0 ? (EMPTY_LIST as unknown as T[]) : list;
}
export function orSharedObject(value: Json): Json {
  for (const _ in value) return value;
  return EMPTY_OBJECT;
}

function toNode(key: string, raw: Json, locator: DbtFileLocator, finder: PlaceFinder, intern: (v: string) => string): DbtNode {
  const config = isObj(raw.config) ? raw.config : {};
  const resourceType = intern(str(raw.resource_type) ?? key.split('.')[0]);
  const packageName = intern(str(raw.package_name) ?? '');
  const dependsOnRaw = isObj(raw.depends_on) ? raw.depends_on.nodes : undefined;
  const node: DbtNode = {
    uniqueId: intern(str(raw.unique_id) ?? key),
    resourceType,
    name: intern(str(raw.name) ?? ''),
    packageName,
    tags: orShared(strList(raw.tags ?? config.tags).map(intern)),
    fqn: strList(raw.fqn).map(intern),
    dependsOn: orShared([...new Set(strList(dependsOnRaw))].map(intern)),
    refs: orShared(parseManifestRefs(raw.refs).map((target) => ({ target }))),
    sources: orShared(parseManifestSources(raw.sources).map((target) => ({ target }))),
    locations: [],
  };
  const sourceName = str(raw.source_name);
  if (sourceName !== undefined) node.sourceName = intern(sourceName);
  const configSchema = str(config.schema);
  if (configSchema !== undefined) node.configSchema = intern(configSchema);
  const alias = str(raw.alias) ?? str(config.alias);
  if (alias !== undefined) node.alias = alias;
  const version = versionValue(raw.version);
  if (version !== undefined) node.version = version;
  const latest = versionValue(raw.latest_version);
  if (latest !== undefined) node.latestVersion = latest;
  const materialized = str(config.materialized);
  if (materialized !== undefined) node.materialized = intern(materialized);
  if (isObj(config.meta)) node.configMeta = orSharedObject(config.meta);
  if (isObj(raw.meta)) node.meta = orSharedObject(raw.meta);
  const ofp = nonEmptyStr(raw.original_file_path);
  if (ofp !== undefined) node.originalFilePath = ofp;
  if (isObj(raw.checksum) && raw.checksum.name === 'sha256') {
    const sum = nonEmptyStr(raw.checksum.checksum);
    // 64 bits tell an edited file from the one the manifest was built from; 80 bytes a node less
    // (a copy through a Buffer: V8's slice of 13+ characters keeps the whole string alive)
    if (sum !== undefined) node.checksum = sum.length > CHECKSUM_PREFIX ? Buffer.from(sum.slice(0, CHECKSUM_PREFIX).toLowerCase(), 'latin1').toString('latin1') : sum;
  }
  const description = nonEmptyStr(raw.description);
  if (description !== undefined) node.description = description;
  const group = nonEmptyStr(raw.group) ?? nonEmptyStr(config.group);
  if (group !== undefined) node.group = group;
  node.locations = locationsOf(node, str(raw.patch_path), locator, finder);
  placeCalls(node, finder);
  return node;
}

/**
 * The manifest names a node's ref() / source() targets but not where they
 * are written: each gets a place in the node's SQL, found when first asked
 * (places.ts), so go-to-definition, hover and find-references work on them
 * as on a project read from files.
 */
function placeCalls(node: DbtNode, finder: PlaceFinder): void {
  if (node.refs.length === 0 && node.sources.length === 0) return;
  const file = node.locations[0]?.file;
  if (!file || !file.endsWith('.sql')) return;
  for (const r of node.refs) r.location = new CallPlace(file, finder, node);
  for (const c of node.sources) c.location = new CallPlace(file, finder, node);
}

function projectSettings(fs: FileSource, projectRoot: string) {
  const t = fs.readText(path.join(projectRoot, 'dbt_project.yml'));
  return t === undefined ? undefined : parseDbtProjectYml(t);
}

function projectLocator(
  fs: FileSource,
  projectRoot: string,
  projectName: string,
  settings: ReturnType<typeof projectSettings>,
): DbtFileLocator {
  const packagesDir = projectDir(projectRoot, settings?.packagesInstallPath ?? 'dbt_packages');
  return new DbtFileLocator(fs, projectRoot, projectName, packagesDir);
}

/**
 * Copies of manifest nodes with new places: a manifest read kept across
 * reloads placed its nodes in files that may have changed or gone since.
 * The nodes given are not modified.
 */
export function relocateManifestNodes(nodes: DbtNode[], fs: FileSource, projectRoot: string, projectName: string): DbtNode[] {
  const locator = projectLocator(fs, projectRoot, projectName, projectSettings(fs, projectRoot));
  const finder = new PlaceFinder(fs);
  return nodes.map((n) => {
    const patchFile = n.locations.slice(1).find((l) => locator.isYamlPath(l.file))?.file;
    const copy: DbtNode = {
      ...n,
      refs: n.refs.map((r) => ({ target: r.target })),
      sources: n.sources.map((x) => ({ target: x.target })),
    };
    copy.locations = locationsOf(copy, undefined, locator, finder, patchFile);
    placeCalls(copy, finder);
    return copy;
  });
}

function locationsOf(node: DbtNode, patchPath: string | undefined, locator: DbtFileLocator, finder: PlaceFinder, patchFile?: string): Location[] {
  const out: Location[] = [];
  const file = locator.resolve(node.packageName, node.originalFilePath);
  if (file && locator.exists(file)) {
    // a node defined in a properties file (a source, an exposure…) is its `- name:` entry; any other, its whole file
    out.push(locator.isYamlPath(file) ? new EntryPlace(file, finder, node) : new FilePlace(file, finder));
  }
  if (patchPath || patchFile) {
    const m = patchPath ? /^([^:]*):\/\/(.*)$/.exec(patchPath) : null;
    const pkg = m ? m[1] : node.packageName;
    const rel = m ? m[2] : patchPath;
    const yamlFile = patchFile ?? locator.resolve(pkg, rel);
    const section = yamlSectionOf(node.resourceType);
    if (yamlFile && section && yamlFile !== file && locator.exists(yamlFile)) out.push(new EntryPlace(yamlFile, finder, node));
  }
  // an array grown by push keeps spare room for 16 more: exact size, for ten thousand nodes
  return out.slice();
}
