import * as path from 'node:path';
import type { FileSource } from '../fileSource';
import type { DbtNode, DbtProjectFacts } from '../../model/dbt';
import type { Diagnostic } from '../../model/diagnostic';
import { ZERO_RANGE } from '../../model/location';
import { readManifest, readScannedManifest, relocateManifestNodes, type ManifestReadResult, type ScannedPart } from './manifest';
import { FileScanMemo } from './scanMemo';
import type { KeptManifestRead } from './manifestReadCodec';
import { DEFAULT_MAX_FILE_BYTES, DbtResolver, readDbtProjectFiles } from './projectFiles';
import { fullFileState, snapshotOf, updatedFileState, walkProject, type ManifestBaseline, type ProjectFileState } from './projectFileState';
import { isInside, relPosix } from './paths';

export interface LoadDbtProjectOptions {
  /** default `<root>/target/manifest.json` */
  manifestPath?: string;
  /** wait before re-reading a half-written manifest (default 200 ms) */
  retryDelayMs?: number;
  /** project files (SQL/YAML) above this size are skipped; default 20 MB */
  maxFileBytes?: number;
  /** a manifest above this size is skipped; default DEFAULT_MAX_MANIFEST_BYTES */
  maxManifestBytes?: number;
  /** what an earlier load of the same project read, reused for what has not changed */
  cache?: DbtProjectCache;
  /**
   * the files that changed since the cache's last load (watcher events, editor
   * buffers), when that is known: with an unchanged manifest, only they are
   * looked at, not every file of the project
   */
  changedFiles?: readonly string[];
  /**
   * A scan of the manifest already under way elsewhere (the workspace starts
   * one on a thread when discovery meets the project); taken once, by the
   * first read of the manifest. Undefined: the manifest is read here.
   */
  scannedElsewhere?: (manifestPath: string) => AsyncIterable<ScannedPart> | undefined;
}

/**
 * Kept by the caller between loads of one project: saving a model reloads the
 * project, and neither the manifest (unchanged on disk) nor the files that did
 * not change need reading again.
 */
export class DbtProjectCache {
  readonly scans = new FileScanMemo();
  /** the last manifest read, with the project files as they were when it located its nodes (file → size and mtime) */
  manifest?: KeptManifestRead;
  /** which project files differ from that read, as of the last load */
  fileState?: ProjectFileState;
}

/**
 * 10–100 MB manifests are common and the scanner reads them without building
 * one big string. The cap stays below V8's longest string (~536 M chars) so
 * the JSON.parse fallback can always decode what was accepted.
 */
export const DEFAULT_MAX_MANIFEST_BYTES = 500 * 1024 * 1024;

const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function shortDbtVersion(v: string | undefined): string {
  const m = v ? /^(\d+)\.(\d+)/.exec(v) : null;
  return m ? `${m[1]}.${m[2]}` : (v ?? 'unknown');
}

function countLabel(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

// Loops rather than callbacks in the passes over every node below: a reload of a 50k-node manifest makes several.

function touches(node: DbtNode, files: ReadonlySet<string>): boolean {
  if (placedIn(node, files)) return true;
  for (const r of node.refs) if (r.location !== undefined && files.has(r.location.file)) return true;
  for (const r of node.sources) if (r.location !== undefined && files.has(r.location.file)) return true;
  return false;
}

function placedIn(node: DbtNode, files: ReadonlySet<string>): boolean {
  for (const l of node.locations) if (files.has(l.file)) return true;
  return false;
}

/**
 * The manifest's checksum of each node's file, by that file: of every file,
 * or of `files` alone (a reload from the changed files looks up only those).
 */
function checksumsOf(nodes: readonly DbtNode[], files?: ReadonlySet<string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const n of nodes) {
    if (n.checksum === undefined) continue;
    const file = n.locations[0]?.file;
    if (file !== undefined && (!files || files.has(file))) out.set(file, n.checksum);
  }
  return out;
}

function summary(nodes: readonly DbtNode[]): string {
  const count = new Map<string, number>();
  for (const n of nodes) count.set(n.resourceType, (count.get(n.resourceType) ?? 0) + 1);
  const c = (t: string): number => count.get(t) ?? 0;
  const parts = [countLabel(c('model'), 'model', 'models'), countLabel(c('source'), 'source', 'sources')];
  if (c('seed')) parts.push(countLabel(c('seed'), 'seed', 'seeds'));
  if (c('snapshot')) parts.push(countLabel(c('snapshot'), 'snapshot', 'snapshots'));
  return parts.join(', ');
}

/** A copy of a manifest read whose node list and log can be changed (the overlay does) without touching the original. */
function reuse(r: ManifestReadResult): ManifestReadResult {
  return r.facts ? { ...r, facts: { ...r.facts, nodes: [...r.facts.nodes], log: [...r.facts.log] }, diagnostics: [...r.diagnostics] } : r;
}

/**
 * Loads one dbt project: its manifest when there is a usable one (overlaid with
 * SQL/YAML files edited since the manifest was written), else its files.
 * A half-written manifest is re-read once after a short wait. Never throws.
 */
export async function loadDbtProject(
  root: string,
  fs: FileSource,
  opts: LoadDbtProjectOptions = {},
): Promise<{ facts: DbtProjectFacts; diagnostics: Diagnostic[] }> {
  const manifestPath = opts.manifestPath ?? path.join(root, 'target', 'manifest.json');
  const maxBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const maxManifestBytes = opts.maxManifestBytes ?? DEFAULT_MAX_MANIFEST_BYTES;
  const shown = isInside(root, manifestPath) ? relPosix(root, manifestPath) : manifestPath;
  const diagnostics: Diagnostic[] = [];
  const log: string[] = [];

  const fromFiles = (): { facts: DbtProjectFacts; diagnostics: Diagnostic[] } => {
    // what a manifest read knew of the files no longer describes the project
    if (opts.cache) opts.cache.fileState = undefined;
    const files = readDbtProjectFiles(root, fs, { maxFileBytes: maxBytes, memo: opts.cache?.scans });
    files.facts.log.unshift(...log);
    return { facts: files.facts, diagnostics: [...diagnostics, ...files.diagnostics] };
  };

  const st = fs.stat(manifestPath);
  if (!st || !st.isFile) {
    log.push(`no manifest at ${shown}; reading project files`);
    return fromFiles();
  }
  if (st.size > maxManifestBytes) {
    const mb = (st.size / 1024 / 1024).toFixed(1);
    const limit = Math.round(maxManifestBytes / 1024 / 1024);
    log.push(`skipped ${shown} (${mb} MB, over the ${limit} MB limit); reading project files`);
    diagnostics.push({
      location: { file: manifestPath, range: ZERO_RANGE },
      severity: 'info',
      code: 'file-skipped',
      message: `manifest skipped: ${mb} MB is over the ${limit} MB size limit; using project files`,
    });
    return fromFiles();
  }

  const cached = opts.cache?.manifest;
  const unchanged = cached && cached.path === manifestPath && cached.size === st.size && cached.mtimeMs === st.mtimeMs && !st.isOverlay;
  // A reload after known files changed starts from the last load's file state; any other load
  // stats every project file. In a workspace's first pass discovery took those stats while a
  // thread began reading the manifest: either order is safe, as a file is newer when its mtime
  // is past the manifest's stat, and a change during the pass starts another through its watcher.
  const lastState = unchanged && opts.changedFiles && opts.cache?.fileState?.baseline === cached ? opts.cache.fileState : undefined;
  const walked = lastState ? undefined : walkProject(root, fs);
  const attempt = async (): Promise<ManifestReadResult | undefined> => {
    const elsewhere = opts.scannedElsewhere?.(manifestPath);
    const scanned = elsewhere && (await readScannedManifest(elsewhere, manifestPath, root, fs));
    if (scanned) return scanned;
    const bytes = fs.readBytes(manifestPath);
    return bytes === undefined ? undefined : readManifest(bytes, manifestPath, root, fs);
  };
  let result = unchanged ? reuse(cached.result) : await attempt();
  if (result?.invalidJsonAt !== undefined) {
    // dbt may still be writing it
    await delay(opts.retryDelayMs ?? 200);
    result = await attempt();
  }
  if (!result) {
    log.push(`manifest ${shown} could not be read; reading project files`);
    return fromFiles();
  }
  if (result.invalidJsonAt !== undefined) {
    diagnostics.push({
      location: { file: manifestPath, range: ZERO_RANGE },
      severity: 'error',
      code: 'manifest-invalid',
      message: `manifest.json is not valid JSON at byte ${result.invalidJsonAt}; using project files`,
    });
    log.push(`manifest ${shown} is not valid JSON at byte ${result.invalidJsonAt}; reading project files`);
    return fromFiles();
  }
  if (!result.facts) {
    diagnostics.push(...result.diagnostics);
    log.push(`manifest ${shown} not used (${result.diagnostics.map((d) => d.message).join('; ')}); reading project files`);
    return fromFiles();
  }

  const facts = result.facts;
  const recordedNow = !unchanged && !!opts.cache && !st.isOverlay && !!walked;
  if (recordedNow) opts.cache!.manifest = { path: manifestPath, size: st.size, mtimeMs: st.mtimeMs, result: reuse(result), files: snapshotOf(walked.stats) };
  // what the files are compared with: the read kept in the cache (just made, or still current), else the manifest's time alone
  const baseline: ManifestBaseline = unchanged || recordedNow ? opts.cache!.manifest! : { mtimeMs: st.mtimeMs };
  // checksums by the file each node was read from: taken before the places below are found again (a node
  // whose file is gone loses that place, and its checksum must not move to its properties file)
  const state =
    (lastState && updatedFileState(lastState, root, opts.changedFiles!, fs, checksumsOf(facts.nodes, new Set(opts.changedFiles)))) ??
    fullFileState(walked ?? walkProject(root, fs), fs, baseline, checksumsOf(facts.nodes), { recordedNow });
  // a state against anything else (a manifest held by an editor) is not kept: what it says of the files would go stale
  if (opts.cache) opts.cache.fileState = state.baseline === opts.cache.manifest ? state : undefined;
  if (unchanged) {
    // The kept read's places may have found their ranges in the files as they
    // were then: the nodes whose files changed or went since get new places
    // (the overlay below replaces most of them; a removed YAML entry or a
    // binary file would not be).
    const changed = state.changed;
    const stale: number[] = [];
    if (changed.size) for (let i = 0; i < facts.nodes.length; i++) if (touches(facts.nodes[i], changed)) stale.push(i);
    const located = relocateManifestNodes(stale.map((i) => facts.nodes[i]), fs, root, facts.name);
    stale.forEach((i, k) => (facts.nodes[i] = located[k]));
  }
  diagnostics.push(...result.diagnostics);
  const newer = state.newer;
  let overlaid = 0;
  if (newer.size > 0) {
    // The newer files, and the properties files of their manifest nodes (a model's config,
    // meta and version live there): nothing else can change what the overlay replaces.
    const only = new Set(newer);
    for (const n of facts.nodes) if (n.locations.length > 1 && newer.has(n.locations[0].file)) for (const l of n.locations) only.add(l.file);
    const files = readDbtProjectFiles(root, fs, { maxFileBytes: maxBytes, memo: opts.cache?.scans, only });
    diagnostics.push(...files.diagnostics);
    // each newer node in its manifest node's place, or after them (a unique id read twice: the last)
    const replaced: DbtNode[] = [];
    const fresh = new Map<string, DbtNode>();
    for (const node of files.facts.nodes) {
      if (!placedIn(node, newer)) continue;
      fresh.set(node.uniqueId, node);
      replaced.push(node);
    }
    const placed = new Set<string>();
    if (fresh.size) {
      for (let i = 0; i < facts.nodes.length; i++) {
        const node = fresh.get(facts.nodes[i].uniqueId);
        if (!node) continue;
        facts.nodes[i] = node;
        placed.add(node.uniqueId);
      }
    }
    for (const [id, node] of fresh) if (!placed.has(id)) facts.nodes.push(node);
    if (replaced.length) {
      new DbtResolver(facts.nodes, facts.name, replaced).link(replaced);
      facts.origin = 'manifest+files';
    }
    overlaid = newer.size;
  }
  const schema = result.schemaVersion !== undefined ? `, v${result.schemaVersion}` : '';
  const memo = opts.cache?.scans;
  const rescanned = overlaid && memo?.hits ? ` (${memo.misses} scanned, ${memo.hits} unchanged since the last read)` : '';
  const tail = overlaid ? `; ${countLabel(overlaid, 'newer file', 'newer files')} overlaid${rescanned}` : '';
  facts.log.unshift(...log, `manifest ${shown} (dbt ${shortDbtVersion(result.dbtVersion)}${schema}): ${summary(facts.nodes)}${tail}`);
  return { facts, diagnostics };
}
