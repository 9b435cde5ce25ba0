import type {
  Asset,
  CodeAssetFact,
  CodeFileFacts,
  DbtNode,
  DbtProjectFacts,
  Diagnostic,
  KeyReference,
  Location,
  PartitionsDef,
} from '../model';
import { AssetGraph, keyId, type ResolvedReference } from '../model';
import { LayeredMap } from '../model/layeredMap';
import { buildDbtRecords, kindOfNode, resolveBindings, type DbtAssetRecord, type ResolvedBinding } from './dbtAssets';
import { buildDbtLookup, resolveTarget, type DbtLookup } from './resolve';
import { closest } from './suggest';
import { SymbolIndex } from './symbols';
import { DiagnosticsByFile, diagnosticsOf } from './diagnosticsByFile';
import type { UnknownKeyWords } from './unknownKeyWords';
import type { ModuleImporters } from './moduleImporters';
import { checkEdgesInto, checkSelections, type EdgeCheck, type SelectionGroup } from './partitionChecks';

export interface WorkspaceFacts {
  dbtProjects: DbtProjectFacts[];
  codeFiles: CodeFileFacts[];
  /** diagnostics the readers already made (manifest-invalid, file-skipped, ...) */
  readerDiagnostics: Diagnostic[];
}

export interface AnalysisResult {
  graph: AssetGraph;
  /** by the file they are in; a file's array may be shared with other links (never change one) */
  diagnosticsByFile: ReadonlyMap<string, readonly Diagnostic[]>;
  /** every diagnostic in one list, made when asked (tests, a whole-workspace report) */
  readonly diagnostics: Diagnostic[];
  /** `${from}->${to}` → message, for edges with a partition problem */
  edgeProblems: Map<string, string>;
  bindings: ResolvedBinding[];
  /** what a later re-link of one code file reuses (relinkCodeFile.ts) */
  link: LinkParts;
}

/**
 * The intermediate results of a link, kept so that a change to one code file
 * that leaves every other file's resolution as it was can patch the result
 * instead of linking the workspace again.
 */
export interface LinkParts {
  facts: WorkspaceFacts;
  /** a Set after a full link, a LayeredSet over it after patches */
  assetIds: ReadonlySet<string>;
  /** ids defined more than once */
  duplicateIds: Set<string>;
  dbt: DbtLookup;
  modelNames: string[];
  sourceNames: string[];
  bindingKeys: Map<string, string[]>;
  origins: PartitionsOrigins;
  /** dbt source id → its YAML locations, which a code asset with that key takes on too */
  sourceLocations: Map<string, Location[]>;
  duplicateDiagnostics: Diagnostic[];
  translatorDiagnostics: Diagnostic[];
  /** unknown-key / -ref / -source diagnostics by the file they are in */
  unknownByFile: Map<string, UnknownReference[]>;
  /** what a patch that adds or removes a key reads, made when first needed; shared by the links patched from this one */
  patching: PatchIndexes;
  /** selections (jobs, materialize, AssetSelection) by the code file they are in */
  selectionsByFile: Map<string, SelectionGroup[]>;
  /** partition problems of the edges into each asset that has some */
  edgeChecks: LayeredMap<string, EdgeCheck>;
}

/** What resolving references needs, in a full link and in a one-file re-link alike. */
export interface LinkContext {
  graph: AssetGraph;
  assetIds: ReadonlySet<string>;
  dbt: DbtLookup;
  modelNames: string[];
  sourceNames: string[];
  symbols: SymbolIndex;
  bindings: ResolvedBinding[];
  bindingKeys: Map<string, string[]>;
  unknownByFile: Map<string, UnknownReference[]>;
}

/** The indexes a patch reads (relinkCodeFile.ts), each made from the link's facts when first needed. */
export interface PatchIndexes {
  /** the names of the unknown keys, and their files */
  unknownWords?: UnknownKeyWords;
  /** the module names the code files import */
  importers?: ModuleImporters;
}

/** A reference that names nothing, with its diagnostic (whose did-you-mean depends on the asset ids). */
export interface UnknownReference {
  ref: KeyReference;
  kind: 'key' | 'dbt_ref' | 'dbt_source';
  wanted: string;
  diagnostic: Diagnostic;
}

/** Where an asset's partitions were declared, for messages that point there. */
export type PartitionsOrigins = LayeredMap<string, Location>;

interface Definition {
  asset: Asset;
  /** the definition that would win is the first; later ones are duplicates */
  order: number;
}

/**
 * Links every file's facts into one graph and runs the checks. Pure: the
 * same facts give the same graph and diagnostics; `now` fixes open-ended
 * partition ranges.
 */
export function analyzeWorkspace(facts: WorkspaceFacts, now: number = Date.now()): AnalysisResult {
  const diagnostics: Diagnostic[] = [...facts.readerDiagnostics];
  const graph = new AssetGraph();
  const symbols = new SymbolIndex(facts.codeFiles);
  const bindings = resolveBindings(facts.codeFiles, facts.dbtProjects, symbols);
  const records = buildDbtRecords(facts.dbtProjects, bindings);
  const origins: PartitionsOrigins = new LayeredMap();

  // 1. Definitions in a stable order: dbt first, so a clashing Python/TS asset is the one reported.
  const defs = new Map<string, Definition[]>();
  const define = (asset: Asset) => {
    const list = defs.get(asset.id) ?? [];
    list.push({ asset, order: list.length });
    defs.set(asset.id, list);
  };
  for (const r of records.values()) {
    if (!r.isAsset) continue;
    const id = r.id;
    define(dbtAsset(r));
    if (r.binding) origins.set(id, r.binding.fact.location);
  }

  const codeOwners: { file: CodeFileFacts; assetId: string; deps: KeyReference[] }[] = [];
  for (const file of facts.codeFiles) {
    for (const fact of file.assets) {
      if (!fact.key || fact.key.length === 0) continue;
      const id = keyId(fact.key);
      const partitions = symbols.resolvePartitions(file, fact.partitions);
      define(codeAsset(fact, id, partitions));
      // point at the asset's own `partitions_def=` when it names one, else at the inline definition
      if (fact.partitions?.kind === 'name') origins.set(id, fact.partitions.location);
      else if (partitions?.location) origins.set(id, partitions.location);
      codeOwners.push({ file, assetId: id, deps: fact.deps });
    }
  }
  const duplicateIds = new Set<string>();
  const duplicateDiagnostics: Diagnostic[] = [];
  for (const [id, list] of defs) {
    graph.addAsset(list[0].asset);
    // The first definition stands; each later one is the error, pointing back at it.
    const first = list[0].asset;
    if (list.length > 1) duplicateIds.add(id);
    for (let i = 1; i < list.length; i++) {
      const d = list[i];
      const loc = d.asset.locations[0];
      if (!loc) continue;
      duplicateDiagnostics.push({
        location: loc,
        severity: 'error',
        code: 'duplicate-asset-key',
        message: `Asset key "${id}" is already defined (${first.kind}); Dagster rejects duplicate asset keys.`,
        related: first.locations[0] ? [{ location: first.locations[0], message: `first defined here (${first.kind})` }] : [],
      });
    }
  }

  // 2. dbt sources: upstream keys. A code asset with the same key is the real definition.
  const sourceLocations = new Map<string, Location[]>();
  for (const r of records.values()) {
    if (r.node.resourceType !== 'source') continue;
    const id = r.id;
    const existing = graph.get(id);
    const earlier = sourceLocations.get(id);
    sourceLocations.set(id, earlier ? [...earlier, ...r.node.locations] : r.node.locations);
    if (existing) {
      withSourceLocations(graph, existing, r.node.locations);
    } else {
      graph.addAsset(dbtSourceAsset(r));
    }
  }

  // 3. dbt edges from depends_on (ephemeral models walked through).
  for (const r of records.values()) {
    if (!r.isAsset) continue;
    const to = r.id;
    for (const up of r.upstream) {
      const u = records.get(up);
      if (!u) continue;
      const from = u.id;
      if (graph.get(from)) graph.addEdge({ from, to });
    }
  }

  // 4. References: resolve, make code edges, report unknown ones.
  const assetIds = new Set(graph.assets.keys());
  const dbt = buildDbtLookup(records.values());
  const bindingKeys = new Map<string, string[]>();
  for (const b of bindings) {
    const ids = [...b.selected].map((uid) => records.get(uid)).filter((r): r is DbtAssetRecord => !!r).map((r) => r.id);
    bindingKeys.set(`${b.file.file}#${b.fact.name}`, ids);
  }
  const ctx: LinkContext = {
    graph,
    assetIds,
    dbt,
    modelNames: [...dbt.models.keys()],
    sourceNames: [...dbt.sources.values()].flat().map((r) => `${r.node.sourceName}.${r.node.name}`),
    symbols,
    bindings,
    bindingKeys,
    unknownByFile: new Map(),
  };
  const selectionsByFile = new Map<string, SelectionGroup[]>();

  for (const o of codeOwners) {
    for (const dep of o.deps) {
      const ref = byDefinitionName(dep, o.file, symbols);
      if (ref) linkReference(ctx, ref, o.assetId);
    }
  }
  for (const file of facts.codeFiles) {
    const groups = new Map<string, SelectionGroup>();
    for (const ref of file.references) linkReference(ctx, ref, undefined, groups);
    selectionGroupsOf(ctx, file, groups);
    if (groups.size) selectionsByFile.set(file.file, [...groups.values()]);
  }
  for (const r of records.values()) if (r.isAsset) linkSqlReferences(ctx, r.node, r.id);

  // 5. Translators that could not be evaluated and are in use.
  const translatorDiagnostics: Diagnostic[] = [];
  const reported = new Set<object>();
  for (const b of bindings) {
    const t = b.translator;
    if (t && t.cases === null && !reported.has(t)) {
      reported.add(t);
      translatorDiagnostics.push({
        location: t.location,
        severity: 'info',
        code: 'translator-not-evaluated',
        message: `Asset Lens could not evaluate ${t.name}.get_asset_key statically${t.reason ? ` (${t.reason})` : ''}; dagster-dbt's default keys are shown.`,
      });
    }
  }

  const link: LinkParts = {
    facts,
    assetIds,
    duplicateIds,
    dbt,
    modelNames: ctx.modelNames,
    sourceNames: ctx.sourceNames,
    bindingKeys,
    origins,
    sourceLocations,
    duplicateDiagnostics,
    translatorDiagnostics,
    unknownByFile: ctx.unknownByFile,
    patching: {},
    selectionsByFile,
    edgeChecks: new LayeredMap(),
  };
  for (const a of graph.assets.values()) {
    const found = checkEdgesInto(graph, a, origins, now);
    if (found) link.edgeChecks.set(a.id, found);
  }
  return finishLink(graph, diagnostics, link, bindings, now);
}

/** 6. The selection checks over the linked graph, and every diagnostic by its file. */
export function finishLink(graph: AssetGraph, readerDiagnostics: Diagnostic[], link: LinkParts, bindings: ResolvedBinding[], now: number): AnalysisResult {
  const found = new DiagnosticsByFile();
  found.addAll(readerDiagnostics);
  found.addAll(link.duplicateDiagnostics);
  for (const [file, list] of link.unknownByFile) found.addList(file, diagnosticsOf(list));
  found.addAll(link.translatorDiagnostics);
  const edgeProblems = new Map<string, string>();
  const groups: SelectionGroup[] = [];
  for (const list of link.selectionsByFile.values()) for (const g of list) groups.push(g);
  found.addAll(checkSelections(groups, graph, link.origins, now));
  for (const check of link.edgeChecks.values()) {
    found.addAll(check.diagnostics);
    for (const [k, v] of check.problems) edgeProblems.set(k, v);
  }
  const diagnosticsByFile = found.byFile;
  return {
    graph,
    diagnosticsByFile,
    get diagnostics() {
      return [...diagnosticsByFile.values()].flat();
    },
    edgeProblems,
    bindings,
    link,
  };
}

/** A code asset that is also a dbt source is shown at both places. */
export function withSourceLocations(graph: AssetGraph, existing: Asset, locations: Location[]): void {
  // a copy: the asset (and a dbt node's locations array) may be shared with earlier snapshots
  const extra = locations.filter((loc) => !existing.locations.includes(loc));
  if (extra.length) graph.replaceAsset(existing, { ...existing, locations: [...existing.locations, ...extra] });
}

/**
 * Resolves one reference: adds it to the graph, with an edge when it is a
 * dependency of `owner`, an unknown-key diagnostic when it names nothing, and
 * its target to its selection group.
 */
export function linkReference(ctx: LinkContext, ref: KeyReference, owner?: string, groups?: Map<string, SelectionGroup>): void {
  const res = resolveTarget(ref, ctx.assetIds, ctx.dbt);
  const resolved = resolvedReference(ref, owner ?? ref.owner, 'resolved' in res ? res.resolved : undefined, 'resolved' in res ? undefined : res.unresolved);
  if ('resolved' in res) {
    if (ref.role === 'dependency' && resolved.owner && resolved.owner !== res.resolved && ctx.assetIds.has(resolved.owner)) {
      ctx.graph.addEdge({ from: res.resolved, to: resolved.owner, via: resolved });
    }
  } else {
    const u: UnknownReference = {
      ref,
      kind: res.kind,
      wanted: res.unresolved,
      diagnostic: unknownDiagnostic(ref, res.kind, res.unresolved, ctx.assetIds, ctx.modelNames, ctx.sourceNames),
    };
    const list = ctx.unknownByFile.get(ref.location.file);
    if (list) list.push(u);
    else ctx.unknownByFile.set(ref.location.file, [u]);
  }
  if (groups && ref.role === 'selection' && ref.selectionId) {
    const g = groups.get(ref.selectionId) ?? { id: ref.selectionId, location: ref.location, members: new Set<string>() };
    if (resolved.resolved) g.members.add(resolved.resolved);
    groups.set(ref.selectionId, g);
  }
  ctx.graph.addReference(resolved);
}

/** The ref() and source() calls of a dbt asset's code, owned by its asset `owner`; those with no known place are left out. */
export function linkSqlReferences(ctx: LinkContext, node: DbtNode, owner: string): void {
  for (const ref of node.refs) {
    if (!ref.location) continue;
    linkReference(ctx, sqlReference(ref, 'sql_ref'), owner);
  }
  for (const src of node.sources) {
    if (!src.location) continue;
    linkReference(ctx, sqlReference(src, 'sql_source'), owner);
  }
}

/** A file's jobs and materialize calls, with the definitions they name by function. */
export function selectionGroupsOf(ctx: LinkContext, file: CodeFileFacts, groups: Map<string, SelectionGroup>): void {
  for (const sel of file.selections) {
    const g = groups.get(sel.id) ?? { id: sel.id, location: sel.location, members: new Set<string>() };
    g.location = sel.location;
    g.name = sel.name;
    for (const name of sel.definitionNames ?? []) {
      const ids = ctx.symbols.resolveDefinition(file, name) ?? bindingKeysFor(name, file, ctx.bindings, ctx.bindingKeys, ctx.symbols);
      for (const id of ids ?? []) if (ctx.assetIds.has(id)) g.members.add(id);
    }
    groups.set(sel.id, g);
  }
}

/** Assets of unchanged dbt nodes (same key and partitions), reused like code assets. */
const previousDbtAsset = new WeakMap<DbtNode, Asset>();

export function dbtAsset(r: DbtAssetRecord): Asset {
  const prev = previousDbtAsset.get(r.node);
  if (prev && prev.id === r.id && prev.partitions === r.partitions) return prev;
  const asset: Asset = {
    key: r.key,
    id: r.id,
    kind: kindOfNode(r.node),
    locations: r.node.locations,
    partitions: r.partitions,
    group: r.node.group,
    description: r.node.description,
    dbtUniqueId: r.node.uniqueId,
  };
  previousDbtAsset.set(r.node, asset);
  return asset;
}

/** The asset of a dbt source no code asset defines. */
export function dbtSourceAsset(r: DbtAssetRecord): Asset {
  return { key: r.key, id: r.id, kind: 'dbt_source', locations: [...r.node.locations], description: r.node.description, dbtUniqueId: r.node.uniqueId };
}

/** The reference a ref()/source() call in a model's SQL makes: one object per call, so its resolution is reused too. */
const sqlReferences = new WeakMap<object, KeyReference>();

function sqlReference(call: DbtNode['refs'][number] | DbtNode['sources'][number], form: 'sql_ref' | 'sql_source'): KeyReference {
  let ref = sqlReferences.get(call);
  if (!ref) sqlReferences.set(call, (ref = { target: call.target, location: call.location!, role: 'dependency', form }));
  return ref;
}

/** Assets of unchanged code facts, reused from one re-link to the next (assets are never mutated). */
const previousAsset = new WeakMap<CodeAssetFact, Asset>();

export function codeAsset(fact: CodeAssetFact, id: string, partitions: PartitionsDef | undefined): Asset {
  const prev = previousAsset.get(fact);
  if (prev && prev.id === id && prev.partitions === partitions) return prev;
  const asset: Asset = {
    key: fact.key!,
    id,
    kind: fact.kind,
    locations: [fact.location],
    extent: fact.extent,
    partitions,
    group: fact.group,
    description: fact.description,
  };
  previousAsset.set(fact, asset);
  return asset;
}

/**
 * A reference with its resolution. Facts of unchanged files are the same
 * objects from one re-link to the next, and so is their resolution most of
 * the time: the previous object is reused (they are never mutated), which
 * keeps a re-link from re-allocating every reference of the workspace.
 */
const previousResolution = new WeakMap<KeyReference, ResolvedReference>();

/** Every field of KeyReference, so that adding one fails to compile until resolvedReference copies it. */
const COPIED_REFERENCE_FIELDS: Record<keyof KeyReference, true> = {
  target: true,
  location: true,
  role: true,
  form: true,
  owner: true,
  selectionId: true,
  definitionName: true,
  hasPartitionMapping: true,
};
void COPIED_REFERENCE_FIELDS;

function resolvedReference(ref: KeyReference, owner: string | undefined, resolvedId: string | undefined, wanted: string | undefined): ResolvedReference {
  const prev = previousResolution.get(ref);
  if (prev && prev.owner === owner && prev.resolved === resolvedId && prev.wanted === wanted) return prev;
  // Built field by field: objects made by `{ ...ref, owner }` in a hot loop
  // each get a hidden class of their own (≈240 bytes apiece in V8).
  const out: ResolvedReference = { target: ref.target, location: ref.location, role: ref.role, form: ref.form, owner };
  if (ref.selectionId !== undefined) out.selectionId = ref.selectionId;
  if (ref.definitionName !== undefined) out.definitionName = ref.definitionName;
  if (ref.hasPartitionMapping !== undefined) out.hasPartitionMapping = ref.hasPartitionMapping;
  if (resolvedId !== undefined) out.resolved = resolvedId;
  if (wanted !== undefined) out.wanted = wanted;
  previousResolution.set(ref, out);
  return out;
}

/**
 * `deps=[some_asset_fn]` names a Python definition; the reader guessed its
 * key from the name, the defining module knows the real one. A TypeScript
 * `deps: [importedAsset]` (form `deps_import`) has no guess: a variable's name
 * says nothing about its key, so one that does not resolve is dropped rather
 * than reported as an unknown key.
 */
export function byDefinitionName(ref: KeyReference, file: CodeFileFacts, symbols: SymbolIndex): KeyReference | undefined {
  const byName = ref.form === 'deps_name' || ref.form === 'deps_import';
  if (!byName || ref.target.kind !== 'key' || ref.target.key.length !== 1) return ref;
  const ids = symbols.resolveDefinition(file, ref.definitionName ?? ref.target.key[0]);
  if (!ids || ids.length !== 1) return ref.form === 'deps_import' ? undefined : ref;
  return { ...ref, target: { kind: 'key', key: parseKeyPathOnce(ids[0]) } };
}

/** Key ids are "/"-joined parts; a definition's id maps back to its parts. */
function parseKeyPathOnce(id: string): string[] {
  return id.split('/');
}

function bindingKeysFor(
  name: string,
  file: CodeFileFacts,
  bindings: ResolvedBinding[],
  bindingKeys: Map<string, string[]>,
  symbols: SymbolIndex,
): string[] | undefined {
  const local = bindingKeys.get(`${file.file}#${name}`);
  if (local) return local;
  const imp = file.symbols.imports[name];
  if (imp) {
    const mod = symbols.module(imp.module);
    if (mod) return bindingKeys.get(`${mod.file}#${imp.name}`);
  }
  const any = bindings.filter((b) => b.fact.name === name);
  return any.length === 1 ? bindingKeys.get(`${any[0].file.file}#${name}`) : undefined;
}

export function unknownDiagnostic(
  ref: KeyReference,
  kind: 'key' | 'dbt_ref' | 'dbt_source',
  wanted: string,
  assetIds: ReadonlySet<string>,
  modelNames: string[],
  sourceNames: string[],
): Diagnostic {
  if (kind === 'dbt_ref') {
    const s = closest(wanted, modelNames);
    return {
      location: ref.location,
      severity: 'error',
      code: 'unknown-dbt-ref',
      message: `No dbt model named "${wanted}".${s ? ` Did you mean "${s}"?` : ''}`,
      suggestion: s,
    };
  }
  if (kind === 'dbt_source') {
    const s = closest(wanted, wanted.includes('.') ? sourceNames : [...new Set(sourceNames.map((n) => n.split('.')[0]))]);
    const suggestion = s && ref.target.kind === 'dbt_source' && ref.target.table ? s.split('.').pop() : s;
    return {
      location: ref.location,
      severity: 'error',
      code: 'unknown-dbt-source',
      message: `No dbt source "${wanted}".${s ? ` Did you mean "${s}"?` : ''}`,
      suggestion,
    };
  }
  const s = closest(wanted, assetIds);
  return {
    location: ref.location,
    // Dagster treats an unknown dep as an external asset, but a selection of one fails at load.
    severity: ref.role === 'selection' ? 'error' : 'warning',
    code: 'unknown-asset-key',
    message: `Unknown asset key "${wanted}".${s ? ` Did you mean "${s}"?` : ''}`,
    suggestion: s,
  };
}

export type { PartitionsDef };
