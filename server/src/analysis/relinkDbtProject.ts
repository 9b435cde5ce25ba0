import type { Asset, DbtNode, DbtProjectFacts, Edge, Location } from '../model';
import { LayeredMap } from '../model/layeredMap';
import {
  dbtAsset,
  dbtSourceAsset,
  finishLink,
  linkSqlReferences,
  type AnalysisResult,
  type LinkContext,
  type LinkParts,
  type WorkspaceFacts,
} from './buildGraph';
import { carrySelections, moveNodesById, recordInPlaceOf, recordOfId, selectionOf, selectOf, type DbtAssetRecord, type ResolvedBinding } from './dbtAssets';
import { isNonAssetNode } from './dbtKeys';
import { selectsAlike, walksGraph } from './dbtSelect';
import { recheckEdges } from './partitionChecks';
import type { DbtLookup, DbtTarget } from './resolve';
import { SymbolIndex } from './symbols';

/**
 * Where each field of a dbt node reaches a link, so that a patch knows what
 * a change to it asks (a field added to DbtNode fails to compile until it is
 * placed here):
 * - 'same': must not change. Names, package and versions are how `ref()` and
 *   `get_asset_key_for_model` find a node.
 * - 'edges': what the node depends on and its calls. They may change for a
 *   node dagster-dbt does not walk through (an ephemeral model's change moves
 *   its children's edges); the node's edges and references are made again,
 *   and a `select=` of the project that walks depends_on is evaluated again.
 * - 'checked': read by the translator, by `select=` or for asset-ness; the
 *   patch works those out again for the node and compares.
 * - 'shown': on the asset or its places; the asset is made again.
 * - 'unread': not read by a link.
 */
const NODE_FIELDS: Record<keyof DbtNode, 'same' | 'edges' | 'checked' | 'shown' | 'unread'> = {
  uniqueId: 'same',
  resourceType: 'same',
  name: 'same',
  packageName: 'same',
  sourceName: 'same',
  version: 'same',
  latestVersion: 'same',
  dependsOn: 'edges',
  refs: 'edges',
  sources: 'edges',
  configSchema: 'checked',
  alias: 'checked',
  materialized: 'checked',
  configMeta: 'checked',
  meta: 'checked',
  tags: 'checked',
  fqn: 'checked',
  originalFilePath: 'checked',
  group: 'checked',
  description: 'shown',
  locations: 'shown',
  checksum: 'unread',
};
const SAME_FIELDS = (Object.keys(NODE_FIELDS) as (keyof DbtNode)[]).filter((f) => NODE_FIELDS[f] === 'same');

/** Past this share of a project's nodes changed (and this many), a full link costs about what the patch would. */
const MOST_CHANGED_SHARE = 1 / 4;
const MOST_CHANGED_AT_LEAST = 64;

/**
 * Re-links after one dbt project was read again (a model's SQL or a YAML file
 * saved, the manifest unchanged) by patching the previous result: the nodes
 * that are new objects get their asset, their ref()/source() references and
 * the edges those make again; everything else is kept. A save of a model in a
 * 50k-node project then costs what the model holds, not a link of every node
 * and code file.
 *
 * Only when no changed node can change anything else (see `changedNodes`):
 * the same nodes in the same order, each with the same names and
 * asset-ness, keyed as before, and with its places in the same files; what
 * it depends on may change unless other nodes' edges go through it. Every
 * `select=` of the project must pick the same nodes: known when each
 * criterion matches the changed nodes alike and none walks a changed
 * depends_on, else evaluated again (about 0.2 s at 50k nodes, against
 * about 1.4 s for a full link with 5,000 code files). A key of a changed
 * node that code also defines, or one that two sources share, takes the
 * full link too. Otherwise undefined: the caller links the whole workspace.
 *
 * `facts` are the workspace's facts now; they must differ from the ones of
 * `prev` in `next` (which replaces `before`) only.
 */
export function relinkDbtProject(prev: AnalysisResult, facts: WorkspaceFacts, before: DbtProjectFacts, next: DbtProjectFacts, now: number = Date.now()): AnalysisResult | undefined {
  const parts = prev.link;
  const plan = changedNodes(before, next, prev.bindings);
  if (!plan) return undefined;
  const { changed, reselect } = plan;
  moveNodesById(before, next, changed.map((c) => c.node));
  const bindings: ResolvedBinding[] = [];
  for (const b of prev.bindings) {
    if (b.project !== before) {
      bindings.push(b);
      continue;
    }
    // a selection that changes makes other nodes assets or not: the full link (which reads it from the cache)
    const selected = reselect ? selectionOf(next, b.fact) : b.selected;
    if (selected !== b.selected && !sameMembers(selected, b.selected)) return undefined;
    bindings.push({ ...b, project: next, selected });
  }

  // 1. The changed nodes' records, each in its old one's place in the lookup (the same key)
  const lookup = new LookupPatch(parts.dbt);
  const records: { was: DbtNode; record: DbtAssetRecord; sameDependsOn: boolean }[] = [];
  for (const { was, node, sameDependsOn } of changed) {
    const record = recordInPlaceOf(was, before, node, next, bindings, sameDependsOn);
    // neither an asset nor a source (a test, an ephemeral model): nothing of it is in the graph
    if (!record) continue;
    if (!lookup.replace(was, record)) return undefined;
    records.push({ was, record, sameDependsOn });
  }

  // 2. Their assets, references and edges
  const graph = prev.graph.derive();
  const unknownByFile = new Map(parts.unknownByFile);
  const edgeChecks = new LayeredMap(parts.edgeChecks);
  let sourceLocations = parts.sourceLocations;
  const dbt = lookup.result();
  const ctx: LinkContext = {
    graph,
    assetIds: parts.assetIds,
    dbt,
    modelNames: parts.modelNames,
    sourceNames: parts.sourceNames,
    symbols: new SymbolIndex(facts.codeFiles),
    bindings,
    bindingKeys: parts.bindingKeys,
    unknownByFile,
  };
  /** assets whose own places or whose edges' places changed: the partition checks of their edges run again */
  const affected = new Set<string>();

  for (const { was, record, sameDependsOn } of records) {
    const node = record.node;
    if (record.isAsset) {
      if (!patchAsset(graph, parts, was, record)) return undefined;
      if (!relinkCalls(ctx, prev, was, record, sameDependsOn, bindings)) return undefined;
      affected.add(record.id);
    } else if (node.resourceType === 'source') {
      if (!patchSource(graph, parts, was, record)) return undefined;
      if (sourceLocations === parts.sourceLocations) sourceLocations = new Map(sourceLocations);
      sourceLocations.set(record.id, node.locations);
      affected.add(record.id);
    }
    // a model no `@dbt_assets` selects is only in the lookup
  }

  // 3. The partition checks of the edges into the patched assets and out of them (their places are in the messages)
  recheckEdges(graph, affected, parts.origins, edgeChecks, now);

  // the project's nodes are picked as before, so a later full link need not evaluate `select=` again
  // (when they were evaluated again above, the new project has them already)
  carrySelections(before, next);
  const link: LinkParts = { ...parts, facts, dbt, sourceLocations, unknownByFile, edgeChecks };
  return finishLink(graph, facts.readerDiagnostics, link, bindings, now);
}

/** A node read again as a new object, with the one it replaces. */
interface ChangedNode {
  was: DbtNode;
  node: DbtNode;
  sameDependsOn: boolean;
}

/**
 * The nodes that are new objects, and whether the
 * project's `select=` may pick others now; undefined when a change reaches
 * further than a patch does (see relinkDbtProject).
 */
function changedNodes(before: DbtProjectFacts, next: DbtProjectFacts, bindings: ResolvedBinding[]): { changed: ChangedNode[]; reselect: boolean } | undefined {
  if (before.root !== next.root || before.nodes.length !== next.nodes.length) return undefined;
  const most = Math.max(MOST_CHANGED_AT_LEAST, next.nodes.length * MOST_CHANGED_SHARE);
  const changed: ChangedNode[] = [];
  for (let i = 0; i < next.nodes.length; i++) {
    const was = before.nodes[i];
    const node = next.nodes[i];
    if (was === node) continue;
    if (was.uniqueId !== node.uniqueId || changed.push({ was, node, sameDependsOn: sameValue(was.dependsOn, node.dependsOn) }) > most) return undefined;
  }
  const own = bindings.filter((b) => b.project === before);
  const walked = own.some((b) => walksGraph(selectOf(b.fact), b.fact.exclude));
  let reselect = false;
  for (const { was, node, sameDependsOn } of changed) {
    for (const f of SAME_FIELDS) if (!sameValue(was[f], node[f])) return undefined;
    // the resource type is the same: an ephemeral model made a table (or back) changes the upstream of its children
    if (isNonAssetNode(was) !== isNonAssetNode(node)) return undefined;
    const edges = sameDependsOn && sameTargets(was.refs, node.refs) && sameTargets(was.sources, node.sources);
    if (!edges && isNonAssetNode(node)) return undefined;
    if (!edges && walked) reselect = true;
    for (const b of own) if (!reselect && !selectsAlike(was, node, selectOf(b.fact), b.fact.exclude)) reselect = true;
  }
  return { changed, reselect };
}

function sameMembers(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || (typeof a === 'object' && typeof b === 'object' && JSON.stringify(a) === JSON.stringify(b));
}

/** The same calls, in the same order, to the same targets (wherever they are written). */
function sameTargets(a: readonly { target: unknown }[], b: readonly { target: unknown }[]): boolean {
  return a.length === b.length && a.every((call, i) => sameValue(call.target, b[i].target));
}

/** The same files, in the same order: the per-file lists of the graph then hold the asset where a full link puts it. */
function sameFiles(a: readonly Location[], b: readonly Location[]): boolean {
  return a.length === b.length && a.every((loc, i) => loc.file === b[i].file);
}

/** Puts the asset of the node's new record where the old one was; false when that is not the node's asset alone. */
function patchAsset(graph: LinkContext['graph'], parts: LinkParts, was: DbtNode, record: DbtAssetRecord): boolean {
  const old: Asset | undefined = graph.get(record.id);
  if (!old || old.dbtUniqueId !== was.uniqueId || parts.duplicateIds.has(record.id)) return false;
  if (!sameFiles(old.locations, record.node.locations)) return false;
  graph.replaceAsset(old, dbtAsset(record));
  return true;
}

/**
 * Puts the source's new places on its asset: its own, or the code asset with
 * its key, which is shown at the source's YAML too (withSourceLocations).
 * False when another source has the key as well (they share the places).
 */
function patchSource(graph: LinkContext['graph'], parts: LinkParts, was: DbtNode, record: DbtAssetRecord): boolean {
  const old = graph.get(record.id);
  if (!old || parts.sourceLocations.get(record.id) !== was.locations) return false;
  let next: Asset;
  if (old.kind === 'dbt_source') {
    if (old.dbtUniqueId !== was.uniqueId) return false;
    next = dbtSourceAsset(record);
  } else {
    const own = old.locations.filter((loc) => !was.locations.includes(loc));
    next = { ...old, locations: [...own, ...record.node.locations.filter((loc) => !own.includes(loc))] };
  }
  if (!sameFiles(old.locations, next.locations)) return false;
  graph.replaceAsset(old, next);
  return true;
}

/**
 * Links the node's ref() and source() calls again where they now are, with
 * the edges into its asset: those of depends_on first (kept when it is the
 * same), then those only a call makes, as a full link orders them. False
 * when the files of its calls hold references of anything else.
 */
function relinkCalls(ctx: LinkContext, prev: AnalysisResult, was: DbtNode, record: DbtAssetRecord, sameDependsOn: boolean, bindings: ResolvedBinding[]): boolean {
  const { graph, unknownByFile } = ctx;
  const id = record.id;
  const files = new Set<string>();
  for (const calls of [was.refs, was.sources, record.node.refs, record.node.sources]) for (const c of calls) if (c.location) files.add(c.location.file);
  for (const f of files) if (prev.graph.referencesIn(f).some((r) => r.owner !== id)) return false;
  if (graph.upstream(id).some((e) => e.via && e.via.form !== 'sql_ref' && e.via.form !== 'sql_source')) return false;
  const kept = sameDependsOn ? graph.upstream(id).filter((e) => !e.via) : dependsOnEdges(ctx, record, bindings);
  for (const f of files) {
    graph.removeReferencesIn(f);
    unknownByFile.delete(f);
  }
  graph.removeEdgesInto(id);
  for (const e of kept) graph.addEdge(e);
  linkSqlReferences(ctx, record.node, id);
  return true;
}

/** The edges into a dbt asset from what it depends on (ephemeral models walked through), as a full link makes them. */
function dependsOnEdges(ctx: LinkContext, record: DbtAssetRecord, bindings: ResolvedBinding[]): Edge[] {
  const out: Edge[] = [];
  for (const up of record.upstream) {
    const from = recordOfId(up, record.project, bindings)?.id;
    if (from !== undefined && ctx.graph.get(from)) out.push({ from, to: record.id });
  }
  return out;
}

/** The dbt lookup with changed nodes in their places, its maps derived when first written. */
class LookupPatch {
  private models?: LayeredMap<string, DbtTarget[]>;
  private sources?: LayeredMap<string, DbtTarget[]>;

  constructor(private readonly from: DbtLookup) {}

  /** False when `was` is not where its name says (the lookup was not built from its project). */
  replace(was: DbtNode, record: DbtAssetRecord): boolean {
    const isSource = was.resourceType === 'source';
    const name = isSource ? (was.sourceName ?? '') : was.name;
    const map = isSource ? (this.sources ??= new LayeredMap(this.from.sources)) : (this.models ??= new LayeredMap(this.from.models));
    const list = map.get(name);
    const at = list ? list.findIndex((t) => t.node === was) : -1;
    // the key is the same too: references that resolved to it still do
    if (!list || at < 0 || list[at].id !== record.id) return false;
    const copy = [...list];
    copy[at] = { node: record.node, id: record.id };
    map.set(name, copy);
    return true;
  }

  result(): DbtLookup {
    return { models: this.models ?? this.from.models, sources: this.sources ?? this.from.sources };
  }
}
