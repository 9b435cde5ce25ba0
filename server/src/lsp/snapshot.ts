/**
 * What the LSP handlers read: one immutable index snapshot from the
 * workspace, plus lookups over it that several handlers share (dbt nodes by
 * ref()/source(), the asset behind a dbt node). Lookup tables are built once
 * per snapshot and cached on it.
 */
import { sep } from 'node:path';
import type { AssetGraph } from '../model/graph';
import type { Asset } from '../model/asset';
import type { Diagnostic } from '../model/diagnostic';
import type { DbtNode, DbtProjectFacts } from '../model/dbt';
import type { DbtRefTarget, DbtSourceTarget } from '../model/reference';
import type { CodeFileFacts } from '../model/code';
import { keyId } from '../model/keys';
import type { Location, Range } from '../model/location';

/** Structurally the workspace's Snapshot; only what the handlers need. */
export interface IndexSnapshot {
  version: number;
  graph: AssetGraph;
  diagnostics: ReadonlyMap<string, readonly Diagnostic[]>;
  dbtProjects: DbtProjectFacts[];
  edgeProblems: Map<string, string>;
  /** per-file facts of Python/TS files, when the workspace keeps them (for definition extents) */
  codeFiles?: Map<string, CodeFileFacts>;
}

export interface DefinitionSite {
  asset: Asset;
  /** where the name is (go-to-definition target) */
  name: Location;
  /** decorator + function (or the whole call), when known; else the name */
  extent: Range;
}

/**
 * The asset definitions in a file with their full extents: Python/TS facts
 * know the decorator + function span, other assets (dbt) only their locations.
 */
export function definitionSites(s: IndexSnapshot, file: string): DefinitionSite[] {
  const out: DefinitionSite[] = [];
  const facts = s.codeFiles?.get(file);
  const covered = new Set<string>();
  for (const fact of facts?.assets ?? []) {
    if (!fact.key) continue;
    const asset = s.graph.get(keyId(fact.key));
    if (!asset) continue;
    out.push({ asset, name: fact.location, extent: fact.extent.range });
    covered.add(`${asset.id}@${fact.location.range.start.line}:${fact.location.range.start.character}`);
  }
  for (const asset of s.graph.assetsIn(file)) {
    for (const l of asset.locations) {
      if (l.file !== file || covered.has(`${asset.id}@${l.range.start.line}:${l.range.start.character}`)) continue;
      out.push({ asset, name: l, extent: l.range });
    }
  }
  out.sort((a, b) => a.extent.start.line - b.extent.start.line || a.extent.start.character - b.extent.start.character);
  return out;
}

interface Lookups {
  assetByDbtId: Map<string, Asset>;
  /** `source_name.table` → the asset its resolved references name (a translator may map a source onto a Python asset) */
  assetBySource: Map<string, Asset>;
}
const cache = new WeakMap<object, Lookups>();

function lookups(s: IndexSnapshot): Lookups {
  let l = cache.get(s);
  if (!l) {
    const assetByDbtId = new Map<string, Asset>();
    for (const a of s.graph.assets.values()) if (a.dbtUniqueId) assetByDbtId.set(a.dbtUniqueId, a);
    const assetBySource = new Map<string, Asset>();
    for (const r of s.graph.references()) {
      if (r.target.kind !== 'dbt_source' || !r.target.table || !r.resolved) continue;
      const a = s.graph.get(r.resolved);
      if (a) assetBySource.set(`${r.target.sourceName}.${r.target.table}`, a);
    }
    l = { assetByDbtId, assetBySource };
    cache.set(s, l);
  }
  return l;
}

/** The asset behind a dbt node: its own (dbtUniqueId), or for a source the asset a translator mapped it onto. */
export function assetForDbtNode(s: IndexSnapshot, uniqueId: string, node?: DbtNode): Asset | undefined {
  const l = lookups(s);
  const own = l.assetByDbtId.get(uniqueId);
  if (own) return own;
  if (node?.resourceType === 'source' && node.sourceName) return l.assetBySource.get(`${node.sourceName}.${node.name}`);
  return undefined;
}

export function isInsideDir(dir: string, file: string): boolean {
  return file === dir || file.startsWith(dir.endsWith(sep) ? dir : dir + sep);
}

/** The dbt project whose directory holds `file` (the deepest one), if any. */
export function projectOf(s: IndexSnapshot, file: string): DbtProjectFacts | undefined {
  let best: DbtProjectFacts | undefined;
  for (const p of s.dbtProjects) {
    if (isInsideDir(p.root, file) && (!best || p.root.length > best.root.length)) best = p;
  }
  return best;
}

export const REFABLE = new Set(['model', 'seed', 'snapshot']);

/** Projects in preference order: the one holding `fromFile` first. */
function projectsFrom(s: IndexSnapshot, fromFile: string | undefined): DbtProjectFacts[] {
  const own = fromFile ? projectOf(s, fromFile) : undefined;
  return own ? [own, ...s.dbtProjects.filter((p) => p !== own)] : s.dbtProjects;
}

/** The node a `ref()` names, as dbt resolves it (latest version unless one is pinned). */
export function findRefNode(s: IndexSnapshot, target: DbtRefTarget, fromFile?: string): DbtNode | undefined {
  for (const p of projectsFrom(s, fromFile)) {
    const candidates = p.nodes.filter(
      (n) => REFABLE.has(n.resourceType) && n.name === target.name && (!target.package || n.packageName === target.package),
    );
    if (!candidates.length) continue;
    if (target.version !== undefined) {
      const v = candidates.find((n) => String(n.version) === String(target.version));
      if (v) return v;
      continue;
    }
    return (
      candidates.find((n) => n.version !== undefined && String(n.version) === String(n.latestVersion)) ??
      candidates.find((n) => n.version === undefined) ??
      candidates[0]
    );
  }
  return undefined;
}

export function findSourceNode(s: IndexSnapshot, target: DbtSourceTarget, fromFile?: string): DbtNode | undefined {
  for (const p of projectsFrom(s, fromFile)) {
    const n = p.nodes.find(
      (x) => x.resourceType === 'source' && x.sourceName === target.sourceName && (target.table === undefined || x.name === target.table),
    );
    if (n) return n;
  }
  return undefined;
}

/** Every dbt node of every project, de-duplicated by unique id (a package can appear in several projects). */
export function allDbtNodes(s: IndexSnapshot, fromFile?: string): DbtNode[] {
  const seen = new Set<string>();
  const out: DbtNode[] = [];
  for (const p of projectsFrom(s, fromFile)) {
    for (const n of p.nodes) {
      if (seen.has(n.uniqueId)) continue;
      seen.add(n.uniqueId);
      out.push(n);
    }
  }
  return out;
}
