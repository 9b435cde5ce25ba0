import type { AssetKey } from './keys';
import type { Location } from './location';
import type { PartitionsDef } from './partitions';
import type { KeyReference } from './reference';
import type { Diagnostic } from './diagnostic';

/**
 * Facts a Python or TypeScript file yields. Names that point across modules
 * (a partitions definition imported from another file, a translator class)
 * stay symbolic here; the linker in analysis/ resolves them over all files.
 */

/** A reference to a partitions definition: given inline, or by a (possibly imported) name. */
export type PartitionsRef = { kind: 'inline'; def: PartitionsDef } | { kind: 'name'; name: string; location: Location };

export interface CodeAssetFact {
  /** null when the key could not be evaluated statically (half-typed code) */
  key: AssetKey | null;
  kind: 'python' | 'ts';
  /** the function name / call site: where go-to-definition lands */
  location: Location;
  /** the whole definition (decorator + function), for code lens and "asset at cursor" */
  extent: Location;
  partitions?: PartitionsRef;
  group?: string;
  description?: string;
  /** its dependencies; `owner` of each is left for the linker to set to this asset's key */
  deps: KeyReference[];
}

/** `AssetKey(f"taxi_{name}")`, `.with_prefix`, `super().get_asset_key(...)` as data. */
export type KeyExpr =
  /** dagster-dbt's default key, then `prefix` prepended (`.with_prefix`) */
  | { kind: 'default'; prefix: string[] }
  /**
   * Parts with placeholders: `{name}`, `{source_name}`, `{schema}` (config schema),
   * `{alias}`, `{resource_type}`, `{database}`, `{package_name}`
   */
  | { kind: 'parts'; parts: string[] };

export interface TranslatorCase {
  /** all conditions must hold; absent = always */
  when?: { resourceType?: string[]; notResourceType?: string[]; name?: string[]; notName?: string[] };
  key: KeyExpr;
}

export interface TranslatorFact {
  /** class name (Python) or component file id */
  name: string;
  location: Location;
  /** cases in source order; the first that matches wins. null = could not be evaluated */
  cases: TranslatorCase[] | null;
  /** why it could not be evaluated, for the info diagnostic */
  reason?: string;
  /** custom group rule ("group_name returns X"), when literal */
  group?: string;
}

/** `@dbt_assets(...)` or a DbtProjectComponent: which dbt nodes, under which translator and partitions. */
export interface DbtAssetsBindingFact {
  name: string;
  location: Location;
  /** dbt selection strings, as dbt would read them (space = union, comma = intersection) */
  select: string;
  exclude?: string;
  partitions?: PartitionsRef;
  /** translator class name (resolved over the workspace), or an inline component translator */
  translator?: { kind: 'name'; name: string; location: Location } | { kind: 'inline'; fact: TranslatorFact };
  /** the dbt project directory hint (component `project:` or DbtProject(...)), absolute, if known */
  projectDir?: string;
  /** the binding's own asset group / job selection id */
  group?: string;
}

/** A job, `materialize([...])` call or AssetSelection: assets run together. */
export interface SelectionFact {
  id: string;
  /** "define_asset_job", "materialize", "AssetSelection" */
  kind: string;
  name?: string;
  location: Location;
  /** selected keys are KeyReferences with role 'selection' and this selectionId */
  /** selection includes all assets of these @dbt_assets functions / assets by python name */
  definitionNames?: string[];
}

/** Module-level symbols other files can import. */
export interface ModuleSymbols {
  /** dotted module name derived from the path ("pkg.defs.partitions"), or the TS module path */
  module: string;
  partitions: Record<string, PartitionsDef>;
  /** string constants (for module-constant arguments) */
  constants: Record<string, string>;
  /** imported local name → {module, name} */
  imports: Record<string, { module: string; name: string }>;
  /** names of functions/variables that are asset definitions → their key ids (for `materialize([fn])`) */
  definitions: Record<string, string[]>;
}

export interface CodeFileFacts {
  file: string;
  /** yaml = a Dagster component file (defs.yaml) */
  language: 'python' | 'ts' | 'yaml';
  assets: CodeAssetFact[];
  /** every key reference that is not an asset's own dep list (selections, mentions) */
  references: KeyReference[];
  translators: TranslatorFact[];
  dbtBindings: DbtAssetsBindingFact[];
  selections: SelectionFact[];
  symbols: ModuleSymbols;
  /** parse errors are NOT reported as diagnostics (the editor's Python tooling does that); only our own */
  diagnostics: Diagnostic[];
}

/** Facts of a file that defines nothing (yet): every reader starts from this. */
export function emptyCodeFacts(file: string, language: CodeFileFacts['language'], module: string): CodeFileFacts {
  return {
    file,
    language,
    assets: [],
    references: [],
    translators: [],
    dbtBindings: [],
    selections: [],
    symbols: { module, partitions: {}, constants: {}, imports: {}, definitions: {} },
    diagnostics: [],
  };
}

/**
 * Every Location a file's facts hold (definitions, references, partitions,
 * translators, bindings, selections, diagnostics), for code that must touch
 * them all. A Location added to the facts belongs here too.
 */
export function forEachLocation(facts: CodeFileFacts, visit: (location: Location) => void): void {
  const partitions = (p: PartitionsRef | undefined): void => {
    if (p?.kind === 'name') visit(p.location);
    else if (p?.def.location) visit(p.def.location);
  };
  for (const a of facts.assets) {
    visit(a.location);
    visit(a.extent);
    partitions(a.partitions);
    for (const d of a.deps) visit(d.location);
  }
  for (const r of facts.references) visit(r.location);
  for (const t of facts.translators) visit(t.location);
  for (const b of facts.dbtBindings) {
    visit(b.location);
    partitions(b.partitions);
    if (b.translator?.kind === 'name') visit(b.translator.location);
    else if (b.translator) visit(b.translator.fact.location);
  }
  for (const s of facts.selections) visit(s.location);
  for (const def of Object.values(facts.symbols.partitions)) if (def.location) visit(def.location);
  for (const d of facts.diagnostics) {
    visit(d.location);
    for (const r of d.related ?? []) visit(r.location);
  }
}
