import type { Asset, CodeFileFacts } from '../model';
import { keyId } from '../model';
import { LayeredMap } from '../model/layeredMap';
import {
  byDefinitionName,
  codeAsset,
  finishLink,
  linkReference,
  selectionGroupsOf,
  unknownDiagnostic,
  type AnalysisResult,
  type LinkContext,
  type LinkParts,
  type UnknownReference,
  type WorkspaceFacts,
} from './buildGraph';
import { recheckEdges, type SelectionGroup } from './partitionChecks';
import { closest } from './suggest';
import { LayeredSet } from '../model/layeredSet';
import { SymbolIndex } from './symbols';
import { UnknownKeyWords } from './unknownKeyWords';
import { ModuleImporters } from './moduleImporters';

/**
 * Re-links after one Python/TypeScript file changed by patching the previous
 * result: that file's assets, references, edges and diagnostics are replaced,
 * everything else is kept. A save then costs what the file holds, not what
 * the workspace holds (issue 6: save → diagnostics on 5,000 files).
 *
 * A new or removed asset key changes how references elsewhere resolve: the
 * files whose references named it are re-linked too, and every unknown-key
 * did-you-mean it may change is brought up to date (those found by the
 * names index, not every unknown key). The partition checks run again for
 * the edges into and out of every re-linked asset.
 *
 * Only when the change cannot alter anything else (see `planPatch`): no dbt
 * bindings or translators (they re-key the dbt project), no key defined twice
 * or shared with dbt, the same module symbols unless no other file imports
 * the module. Otherwise undefined: the caller links the whole workspace.
 *
 * `facts` are the workspace's facts now; they must differ from the ones of
 * `prev` in `next` (the new facts of that file) only.
 */
export function relinkCodeFile(prev: AnalysisResult, facts: WorkspaceFacts, next: CodeFileFacts, now: number = Date.now()): AnalysisResult | undefined {
  const parts = prev.link;
  const before = parts.facts.codeFiles.find((f) => f.file === next.file);
  if (!before) return undefined;
  // the imports counted are those of `facts`, whether or not the patch is taken
  parts.patching.importers?.setFile(next);
  const plan = planPatch(before, next, prev, facts);
  if (!plan) return undefined;
  const symbols = new SymbolIndex(facts.codeFiles);

  const graph = prev.graph.derive();
  const origins = new LayeredMap(parts.origins);
  const edgeChecks = new LayeredMap(parts.edgeChecks);
  const unknownByFile = new Map(parts.unknownByFile);
  const selectionsByFile = new Map(parts.selectionsByFile);
  const assetIds = plan.added.size || plan.removed.size ? LayeredSet.derive(parts.assetIds, plan.added, plan.removed) : parts.assetIds;
  const ctx: LinkContext = {
    graph,
    assetIds,
    dbt: parts.dbt,
    modelNames: parts.modelNames,
    sourceNames: parts.sourceNames,
    symbols,
    bindings: prev.bindings,
    bindingKeys: parts.bindingKeys,
    unknownByFile,
  };
  /** assets whose upstream edges may have changed */
  const affected = new Set<string>();

  // 1. Removed keys go, with their edges.
  for (const id of plan.removed) {
    const old = graph.get(id)!;
    for (const e of graph.downstream(id)) affected.add(e.to);
    graph.removeAsset(old);
    origins.delete(id);
    edgeChecks.delete(id);
  }

  // 2. The file's assets, each in the place of the old one; new ones are added.
  const file = next.file;
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
    const old = graph.get(id);
    if (old) {
      // a code asset that is also a dbt source is shown at the source's YAML too, as a full link does
      const yaml = parts.sourceLocations.get(id)?.filter((loc) => !asset.locations.includes(loc));
      graph.replaceAsset(old, yaml?.length ? { ...asset, locations: [...asset.locations, ...yaml] } : asset);
    } else graph.addAsset(asset);
    fresh.push({ asset, deps: fact.deps });
    affected.add(id);
  }
  graph.orderAssetsIn(file, fresh.map((f) => graph.get(f.asset.id)!));

  // 3. References: the file's own, then those of the files whose references named an added or removed key.
  const relinkReferences = (f: CodeFileFacts, owners: { id: string; deps: CodeFileFacts['assets'][number]['deps'] }[]) => {
    graph.removeReferencesIn(f.file);
    unknownByFile.delete(f.file);
    for (const { id, deps } of owners) {
      for (const dep of deps) {
        const ref = byDefinitionName(dep, f, symbols);
        if (ref) linkReference(ctx, ref, id);
      }
    }
    const groups = new Map<string, SelectionGroup>();
    for (const ref of f.references) linkReference(ctx, ref, undefined, groups);
    selectionGroupsOf(ctx, f, groups);
    if (groups.size) selectionsByFile.set(f.file, [...groups.values()]);
    else selectionsByFile.delete(f.file);
  };
  relinkReferences(
    next,
    fresh.map(({ asset, deps }) => ({ id: asset.id, deps })),
  );
  for (const other of plan.others.values()) {
    const owners: { id: string; deps: CodeFileFacts['assets'][number]['deps'] }[] = [];
    for (const fact of other.assets) {
      if (!fact.key || fact.key.length === 0) continue;
      const id = keyId(fact.key);
      graph.removeEdgesInto(id);
      owners.push({ id, deps: fact.deps });
      affected.add(id);
    }
    relinkReferences(other, owners);
  }

  // 4. The unknown keys elsewhere that a new or removed key may be the did-you-mean of (the names index
  //    finds them): their did-you-mean over the new set of keys. First, the re-linked files' names.
  const words = plan.words;
  if (words) {
    words.addFile(file, unknownByFile.get(file) ?? []);
    for (const f of plan.others.keys()) words.addFile(f, unknownByFile.get(f) ?? []);
  }
  if (words && (plan.added.size || plan.removed.size)) {
    const near = new Set<string>();
    for (const id of plan.added) words.filesNear(id, near);
    for (const id of plan.removed) words.filesNear(id, near);
    const added = [...plan.added];
    for (const f of near) {
      const list = unknownByFile.get(f);
      if (f === file || plan.others.has(f) || !list) continue;
      let changed: UnknownReference[] | undefined;
      list.forEach((u, i) => {
        if (u.kind !== 'key') return;
        const was = u.diagnostic.suggestion;
        const now = was !== undefined && plan.removed.has(was) ? closest(u.wanted, assetIds) : closest(u.wanted, was !== undefined ? [was, ...added] : added);
        if (now === was) return;
        changed ??= [...list];
        changed[i] = { ...u, diagnostic: unknownDiagnostic(u.ref, u.kind, u.wanted, assetIds, parts.modelNames, parts.sourceNames) };
      });
      if (changed) unknownByFile.set(f, changed);
    }
  }

  // 5. Partition checks of the edges whose ends changed: into the re-linked assets, and out of them.
  recheckEdges(graph, affected, origins, edgeChecks, now);

  const link: LinkParts = { ...parts, facts, assetIds, origins, unknownByFile, selectionsByFile, edgeChecks };
  return finishLink(graph, facts.readerDiagnostics, link, prev.bindings, now);
}

/**
 * Builds what a patch that adds, removes or renames an asset reads (the
 * names of the unknown keys, the modules the files import), so that the
 * first such save after a full link does not pay for it (~40 ms with
 * 35,000 unknown keys).
 */
export function preparePatching(link: LinkParts): void {
  unknownWordsOf(link).prepare();
  importersOf(link, link.facts);
}

function unknownWordsOf(parts: LinkParts): UnknownKeyWords {
  return (parts.patching.unknownWords ??= new UnknownKeyWords(parts.unknownByFile));
}

/** counted from `facts`, the workspace's facts now (relinkCodeFile counts each changed file again) */
function importersOf(parts: LinkParts, facts: WorkspaceFacts): ModuleImporters {
  return (parts.patching.importers ??= new ModuleImporters(facts.codeFiles));
}

function assetIdsOf(f: CodeFileFacts): string[] {
  const out: string[] = [];
  for (const a of f.assets) if (a.key && a.key.length) out.push(keyId(a.key));
  return out;
}

interface PatchPlan {
  added: Set<string>;
  removed: Set<string>;
  /** the names of the unknown keys, when a key is added or removed or the link already has them */
  words?: UnknownKeyWords;
  /** other code files to re-link: their references named a removed or an added key (by file path) */
  others: Map<string, CodeFileFacts>;
}

/** What the patch must do, or undefined when the change reaches further than a patch does. */
function planPatch(before: CodeFileFacts, next: CodeFileFacts, prev: AnalysisResult, facts: WorkspaceFacts): PatchPlan | undefined {
  const parts = prev.link;
  const graph = prev.graph;
  if (before.language !== next.language) return undefined;
  if (before.translators.length || next.translators.length || before.dbtBindings.length || next.dbtBindings.length) return undefined;
  const ids = assetIdsOf(next);
  const old = assetIdsOf(before);
  const own = new Set(ids);
  const oldSet = new Set(old);
  if (own.size !== ids.length || oldSet.size !== old.length) return undefined;
  const added = new Set(ids.filter((id) => !oldSet.has(id)));
  const removed = new Set(old.filter((id) => !own.has(id)));
  // a new key already defined elsewhere, or by dbt, makes a duplicate or merges with a source
  for (const id of added) if (parts.assetIds.has(id) || parts.sourceLocations.has(id)) return undefined;
  for (const id of old) {
    if (parts.duplicateIds.has(id)) return undefined;
    const a = graph.get(id);
    if (!a || (a.kind !== 'python' && a.kind !== 'ts')) return undefined;
    // every edge into the file's assets must come from the file itself
    for (const e of graph.upstream(id)) if (e.via?.location.file !== before.file) return undefined;
  }
  for (const id of removed) if (parts.sourceLocations.has(id)) return undefined;
  // a dbt Python model is also a dbt node: its file holds dbt locations and references
  if (graph.assetsIn(before.file).some((a) => a.kind !== 'python' && a.kind !== 'ts')) return undefined;
  if (graph.referencesIn(before.file).some((r) => r.form === 'sql_ref' || r.form === 'sql_source')) return undefined;
  // a reference of the file that makes an edge into another file's asset
  for (const r of before.references) if (r.owner && !oldSet.has(r.owner)) return undefined;
  for (const r of next.references) if (r.owner && !own.has(r.owner)) return undefined;
  if (!sameSymbolsOutside(before, next, parts, facts)) return undefined;

  const others = new Map<string, CodeFileFacts>();
  if (added.size || removed.size) {
    const byFile = new Map(facts.codeFiles.map((f) => [f.file, f]));
    const other = (file: string): boolean => {
      if (file === before.file) return true;
      const f = byFile.get(file);
      if (!f) return false;
      others.set(file, f);
      return true;
    };
    for (const id of removed) for (const r of graph.referencesTo(id)) if (!other(r.location.file)) return undefined;
    const words = unknownWordsOf(parts);
    for (const id of added) {
      for (const file of words.filesNaming(id)) {
        if (parts.unknownByFile.get(file)?.some((u) => u.kind === 'key' && u.wanted === id) && !other(file)) return undefined;
      }
    }
  }
  return { added, removed, others, words: parts.patching.unknownWords };
}

/**
 * True when no other file can resolve differently through the file's module
 * symbols: they are the same, or no other file imports the module (names
 * cross modules only through imports: a partitions definition, a constant,
 * an asset function named in `deps=` or `materialize([...])`).
 */
function sameSymbolsOutside(before: CodeFileFacts, next: CodeFileFacts, parts: LinkParts, facts: WorkspaceFacts): boolean {
  if (JSON.stringify(before.symbols) === JSON.stringify(next.symbols)) return true;
  return before.symbols.module === next.symbols.module && !importedElsewhere(before, parts, facts);
}

/**
 * Whether any other code file may import from the module of `file`. Matches
 * as SymbolIndex.module does (exact, or a dotted suffix either way, a
 * package by its `__init__`), but any match counts: it may say yes where the
 * index would pick another module, never no where it would pick this one.
 */
function importedElsewhere(file: CodeFileFacts, parts: LinkParts, facts: WorkspaceFacts): boolean {
  const importers = importersOf(parts, facts);
  const names = [file.symbols.module];
  if (file.symbols.module.endsWith('.__init__')) names.push(file.symbols.module.slice(0, -'.__init__'.length));
  return names.some((n) => importers.importedBesides(file.file, n));
}
