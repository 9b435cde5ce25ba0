import type { Asset, CodeFileFacts } from '../model';
import { keyId } from '../model';
import { LayeredMap } from '../model/layeredMap';
import {
  byDefinitionName,
  codeAsset,
  finishLink,
  linkReference,
  selectionGroupsOf,
  type AnalysisResult,
  type LinkContext,
  type LinkParts,
  type WorkspaceFacts,
} from './buildGraph';
import { checkEdgesInto, type SelectionGroup } from './partitionChecks';
import { SymbolIndex } from './symbols';

/**
 * Re-links after one Python/TypeScript file changed by patching the previous
 * result: that file's assets, references, edges and diagnostics are replaced,
 * everything else is kept. A save then costs what the file holds, not what
 * the workspace holds (issue 6: save → diagnostics on 5,000 files).
 *
 * Only when the change cannot alter how any *other* file resolves: the file
 * defines the same asset ids in the same order, none of them twice in the
 * workspace, exports the same module symbols, and has no dbt bindings or
 * translators (those re-key the dbt project). Anything else returns
 * undefined and the caller links the whole workspace. The partition checks
 * are run again for the edges into and out of the file's assets.
 *
 * `facts` are the workspace's facts now; they must differ from the ones of
 * `prev` in `next` (the new facts of that file) only.
 */
export function relinkCodeFile(prev: AnalysisResult, facts: WorkspaceFacts, next: CodeFileFacts, now: number = Date.now()): AnalysisResult | undefined {
  const parts = prev.link;
  const before = parts.facts.codeFiles.find((f) => f.file === next.file);
  if (!before || !sameOutside(before, next, prev)) return undefined;
  const file = next.file;
  const ids = assetIdsOf(next);

  const graph = prev.graph.derive();
  const symbols = new SymbolIndex(facts.codeFiles);
  const origins = new LayeredMap(parts.origins);

  // 1. The file's assets, each in the place of the old one (in the id order and in every per-file list).
  const fresh: { asset: Asset; deps: CodeFileFacts['assets'][number]['deps'] }[] = [];
  for (const fact of next.assets) {
    if (!fact.key || fact.key.length === 0) continue;
    const id = keyId(fact.key);
    const partitions = symbols.resolvePartitions(next, fact.partitions);
    const asset = codeAsset(fact, id, partitions);
    graph.removeEdgesInto(id);
    origins.delete(id);
    if (fact.partitions?.kind === 'name') origins.set(id, fact.partitions.location);
    else if (partitions?.location) origins.set(id, partitions.location);
    // a code asset that is also a dbt source is shown at the source's YAML too, as a full link does
    const yaml = parts.sourceLocations.get(id)?.filter((loc) => !asset.locations.includes(loc));
    graph.replaceAsset(graph.get(id)!, yaml?.length ? { ...asset, locations: [...asset.locations, ...yaml] } : asset);
    fresh.push({ asset, deps: fact.deps });
  }

  // 2. Its references (the dependencies of its assets first, as in a full link).
  graph.removeReferencesIn(file);
  const unknownByFile = new Map(parts.unknownByFile);
  unknownByFile.delete(file);
  const ctx: LinkContext = {
    graph,
    assetIds: parts.assetIds,
    dbt: parts.dbt,
    modelNames: parts.modelNames,
    sourceNames: parts.sourceNames,
    symbols,
    bindings: prev.bindings,
    bindingKeys: parts.bindingKeys,
    unknownByFile,
  };
  fresh.forEach(({ deps }, i) => {
    for (const dep of deps) {
      const ref = byDefinitionName(dep, next, symbols);
      if (ref) linkReference(ctx, ref, ids[i]);
    }
  });
  const groups = new Map<string, SelectionGroup>();
  for (const ref of next.references) linkReference(ctx, ref, undefined, groups);
  selectionGroupsOf(ctx, next, groups);
  const selectionsByFile = new Map(parts.selectionsByFile);
  if (groups.size) selectionsByFile.set(file, [...groups.values()]);
  else selectionsByFile.delete(file);

  // 3. Partition checks of the edges whose ends changed: into the file's assets, and out of them.
  const edgeChecks = new LayeredMap(parts.edgeChecks);
  const affected = new Set(ids);
  for (const id of ids) for (const e of graph.downstream(id)) affected.add(e.to);
  for (const id of affected) {
    const found = checkEdgesInto(graph, graph.get(id)!, origins, now);
    if (found) edgeChecks.set(id, found);
    else edgeChecks.delete(id);
  }

  const link: LinkParts = { ...parts, facts, origins, unknownByFile, selectionsByFile, edgeChecks };
  return finishLink(graph, facts.readerDiagnostics, link, prev.bindings, now);
}

function assetIdsOf(f: CodeFileFacts): string[] {
  const out: string[] = [];
  for (const a of f.assets) if (a.key && a.key.length) out.push(keyId(a.key));
  return out;
}

/** True when `next` changes nothing another file's resolution depends on (see relinkCodeFile). */
function sameOutside(before: CodeFileFacts, next: CodeFileFacts, prev: AnalysisResult): boolean {
  if (before.language !== next.language) return false;
  if (before.translators.length || next.translators.length || before.dbtBindings.length || next.dbtBindings.length) return false;
  const ids = assetIdsOf(next);
  const old = assetIdsOf(before);
  if (ids.length !== old.length || ids.some((id, i) => id !== old[i])) return false;
  if (new Set(ids).size !== ids.length) return false;
  const graph = prev.graph;
  for (const id of ids) {
    if (prev.link.duplicateIds.has(id)) return false;
    const a = graph.get(id);
    if (!a || (a.kind !== 'python' && a.kind !== 'ts')) return false;
    // every edge into the file's assets must come from the file itself
    for (const e of graph.upstream(id)) if (e.via?.location.file !== before.file) return false;
  }
  // a dbt Python model is also a dbt node: its file holds dbt locations and references
  if (graph.assetsIn(before.file).some((a) => a.kind !== 'python' && a.kind !== 'ts')) return false;
  if (graph.referencesIn(before.file).some((r) => r.form === 'sql_ref' || r.form === 'sql_source')) return false;
  // a reference of the file that makes an edge into another file's asset
  const own = new Set(ids);
  for (const r of [...before.references, ...next.references]) if (r.owner && !own.has(r.owner)) return false;
  if (JSON.stringify(before.symbols) === JSON.stringify(next.symbols)) return true;
  // The same symbols but at other lines (a line added above a partitions definition): fine
  // unless another file resolved one of them, and holds its old location.
  if (symbolsText(before) !== symbolsText(next)) return false;
  // (a resolved definition may be a copy: it is known by the file it points into)
  const here = (p: { location?: { file: string } } | undefined) => p?.location?.file === before.file;
  if (prev.bindings.some((b) => here(b.partitions))) return false;
  for (const a of graph.assets.values()) if (here(a.partitions) && !own.has(a.id)) return false;
  return true;
}

/** A file's module symbols without their locations. */
function symbolsText(f: CodeFileFacts): string {
  return JSON.stringify(f.symbols, (key, value) => (key === 'location' ? undefined : value));
}
