import { dirname, relative, isAbsolute, sep } from 'node:path';
import type {
  AssetKey,
  CodeFileFacts,
  DbtAssetsBindingFact,
  DbtNode,
  DbtProjectFacts,
  Location,
  PartitionsDef,
  TranslatorFact,
} from '../model';
import { keyId } from '../model';
import { applyTranslator, effectiveUpstream, isAssetNode } from './dbtKeys';
import { selectDbtNodes } from './dbtSelect';
import type { SymbolIndex } from './symbols';

/** A `@dbt_assets` function or component with its names resolved. */
export interface ResolvedBinding {
  fact: DbtAssetsBindingFact;
  file: CodeFileFacts;
  project?: DbtProjectFacts;
  partitions?: PartitionsDef;
  translator?: TranslatorFact;
  /** unique ids of the asset nodes it selects */
  selected: Set<string>;
}

/** One dbt node that becomes (or feeds) an asset. */
export interface DbtAssetRecord {
  node: DbtNode;
  project: DbtProjectFacts;
  key: AssetKey;
  /** keyId(key), computed once */
  id: string;
  /** false for a node that exists only as an upstream (source, or unselected model) */
  isAsset: boolean;
  binding?: ResolvedBinding;
  partitions?: PartitionsDef;
  /** upstream unique ids with ephemeral models walked through */
  upstream: string[];
}

function within(dir: string, file: string): boolean {
  const rel = relative(dir, file);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

function commonPrefixLength(a: string, b: string): number {
  const pa = a.split(sep);
  const pb = b.split(sep);
  let i = 0;
  while (i < pa.length && i < pb.length && pa[i] === pb[i]) i++;
  return i;
}

/** Which dbt project a binding means: its explicit project dir, else the nearest one. */
function projectFor(binding: DbtAssetsBindingFact, file: string, projects: DbtProjectFacts[]): DbtProjectFacts | undefined {
  if (projects.length === 0) return undefined;
  if (binding.projectDir) {
    const hit = projects.find((p) => within(p.root, binding.projectDir!) || within(binding.projectDir!, p.root));
    if (hit) return hit;
  }
  if (projects.length === 1) return projects[0];
  const dir = dirname(file);
  return [...projects].sort((a, b) => commonPrefixLength(b.root, dir) - commonPrefixLength(a.root, dir))[0];
}

const byIdCache = new WeakMap<DbtProjectFacts, Map<string, DbtNode>>();
function nodesById(project: DbtProjectFacts): Map<string, DbtNode> {
  let m = byIdCache.get(project);
  if (!m) {
    m = new Map(project.nodes.map((n) => [n.uniqueId, n] as const));
    byIdCache.set(project, m);
  }
  return m;
}

/**
 * Selections evaluated per project facts object: a save of a Python file
 * re-links with the same dbt facts, and evaluating `select=` over every node
 * was most of that re-link in a large project. The sets are never mutated.
 */
const selectionCache = new WeakMap<DbtProjectFacts, Map<string, Set<string>>>();
function selectedAssets(project: DbtProjectFacts, select: string, exclude: string | undefined): Set<string> {
  let byExpr = selectionCache.get(project);
  if (!byExpr) selectionCache.set(project, (byExpr = new Map()));
  const k = `${select}\u0000${exclude ?? ''}`;
  let selected = byExpr.get(k);
  if (!selected) {
    selected = new Set<string>();
    const byId = nodesById(project);
    for (const id of selectDbtNodes(project.nodes, select, exclude)) {
      const n = byId.get(id);
      if (n && isAssetNode(n)) selected.add(id);
    }
    byExpr.set(k, selected);
  }
  return selected;
}

/** Per node: its key under the last translator cases it was keyed with, and its upstream ids. */
const nodeKeys = new WeakMap<DbtNode, { cases: unknown; key: AssetKey; id: string }>();
const nodeUpstream = new WeakMap<DbtNode, string[]>();

function keyOf(node: DbtNode, cases: TranslatorFact['cases'] | undefined): { key: AssetKey; id: string } {
  const prev = nodeKeys.get(node);
  if (prev && prev.cases === cases) return prev;
  const key = applyTranslator(node, cases);
  const next = { cases, key, id: keyId(key) };
  nodeKeys.set(node, next);
  return next;
}

function upstreamOf(node: DbtNode, byId: Map<string, DbtNode>): string[] {
  let up = nodeUpstream.get(node);
  if (!up) nodeUpstream.set(node, (up = effectiveUpstream(node, byId)));
  return up;
}

export function resolveBindings(codeFiles: CodeFileFacts[], projects: DbtProjectFacts[], symbols: SymbolIndex): ResolvedBinding[] {
  const out: ResolvedBinding[] = [];
  for (const file of codeFiles) {
    for (const fact of file.dbtBindings) {
      const project = projectFor(fact, file.file, projects);
      let translator: TranslatorFact | undefined;
      if (fact.translator?.kind === 'inline') translator = fact.translator.fact;
      else if (fact.translator?.kind === 'name') translator = symbols.resolveTranslator(file, fact.translator.name);
      const selected = project ? selectionOf(project, fact) : new Set<string>();
      out.push({ fact, file, project, partitions: symbols.resolvePartitions(file, fact.partitions), translator, selected });
    }
  }
  return out;
}

/**
 * Turns dbt nodes into asset records as dagster-dbt would: a project with
 * `@dbt_assets` bindings has exactly the nodes they select as assets, keyed
 * by their translator; a project no Python code loads yet shows every
 * model/seed/snapshot with the default keys, which is what a user opening a
 * plain dbt project expects.
 */
export function buildDbtRecords(projects: DbtProjectFacts[], bindings: ResolvedBinding[]): Map<string, DbtAssetRecord> {
  const records = new Map<string, DbtAssetRecord>();
  for (const project of projects) {
    const own = bindings.filter((b) => b.project === project);
    const byId = nodesById(project);
    const fallback = fallbackTranslator(own);
    for (const node of project.nodes) {
      const r = recordOf(node, project, own, fallback, () => upstreamOf(node, byId));
      if (r) records.set(node.uniqueId, r);
    }
  }
  return records;
}

/** The translator of a project's nodes that no binding selects: its first binding's that has one. */
function fallbackTranslator(own: ResolvedBinding[]): TranslatorFact | undefined {
  return own.find((b) => b.translator)?.translator;
}

/** A node's record under the bindings of its project (`own`); undefined for a node that is neither an asset nor a source. */
function recordOf(
  node: DbtNode,
  project: DbtProjectFacts,
  own: ResolvedBinding[],
  fallback: TranslatorFact | undefined,
  upstream: () => string[],
): DbtAssetRecord | undefined {
  const asset = isAssetNode(node);
  if (!asset && node.resourceType !== 'source') return undefined;
  const binding = asset ? own.find((b) => b.selected.has(node.uniqueId)) : undefined;
  const isAsset = asset && (own.length === 0 || binding !== undefined);
  const translator = binding?.translator ?? fallback;
  const { key, id } = keyOf(node, translator?.cases);
  return { node, project, key, id, isAsset, binding, partitions: binding?.partitions, upstream: asset ? upstream() : [] };
}

/**
 * The record `node` has in place of `was` (relinkDbtProject.ts): the same
 * unique id and asset-ness. With the same depends_on (`sameDependsOn`) its
 * upstream is the one `was` had (no node it walks through changed:
 * relinkDbtProject checks).
 */
export function recordInPlaceOf(
  was: DbtNode,
  wasProject: DbtProjectFacts,
  node: DbtNode,
  project: DbtProjectFacts,
  bindings: ResolvedBinding[],
  sameDependsOn: boolean,
): DbtAssetRecord | undefined {
  const own = bindings.filter((b) => b.project === project);
  return recordOf(node, project, own, fallbackTranslator(own), () => {
    if (!sameDependsOn) return upstreamOf(node, nodesById(project));
    // kept from the link `was` was in; made again only if that was lost
    const up = nodeUpstream.get(was) ?? upstreamOf(was, nodesById(wasProject));
    nodeUpstream.set(node, up);
    return up;
  });
}

/** The record of the node `uniqueId` of `project` (one a changed node now depends on), under its bindings. */
export function recordOfId(uniqueId: string, project: DbtProjectFacts, bindings: ResolvedBinding[]): DbtAssetRecord | undefined {
  const byId = nodesById(project);
  const node = byId.get(uniqueId);
  if (!node) return undefined;
  const own = bindings.filter((b) => b.project === project);
  return recordOf(node, project, own, fallbackTranslator(own), () => upstreamOf(node, byId));
}

/**
 * `to` is `from` with the nodes `changed` in place of theirs (same unique
 * ids, same order): its index by unique id is `from`'s with those set, moved
 * rather than built again (50k nodes: ~10 ms a save). `from` builds its own
 * again if ever asked.
 */
export function moveNodesById(from: DbtProjectFacts, to: DbtProjectFacts, changed: readonly DbtNode[]): void {
  const byId = byIdCache.get(from);
  if (!byId || byIdCache.has(to)) return;
  byIdCache.delete(from);
  for (const n of changed) byId.set(n.uniqueId, n);
  byIdCache.set(to, byId);
}

/** The selections evaluated over `from` stand for `to` too: a patch found they pick the same nodes (relinkDbtProject.ts). */
export function carrySelections(from: DbtProjectFacts, to: DbtProjectFacts): void {
  const byExpr = selectionCache.get(from);
  if (byExpr && !selectionCache.has(to)) selectionCache.set(to, byExpr);
}

/** The `select=` a binding means: dagster-dbt's default is every node. */
export function selectOf(fact: DbtAssetsBindingFact): string {
  return fact.select || 'fqn:*';
}

/** The asset nodes of `project` a binding picks (kept per project: a later link over it reads them again). */
export function selectionOf(project: DbtProjectFacts, fact: DbtAssetsBindingFact): Set<string> {
  return selectedAssets(project, selectOf(fact), fact.exclude);
}

export function kindOfNode(node: DbtNode): 'dbt_model' | 'dbt_seed' | 'dbt_snapshot' | 'dbt_source' {
  switch (node.resourceType) {
    case 'seed':
      return 'dbt_seed';
    case 'snapshot':
      return 'dbt_snapshot';
    case 'source':
      return 'dbt_source';
    default:
      return 'dbt_model';
  }
}

/** Where a dbt asset's partitions were declared (for diagnostics). */
export function partitionsOrigin(record: DbtAssetRecord): Location | undefined {
  return record.binding?.fact.location;
}
