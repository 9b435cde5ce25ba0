import type { AssetKey } from './keys';
import type { Location } from './location';

export interface DbtRefTarget {
  kind: 'dbt_ref';
  name: string;
  package?: string;
  version?: string | number;
}

export interface DbtSourceTarget {
  kind: 'dbt_source';
  sourceName: string;
  /** absent in `get_asset_key_for_source([...], "s")` which names a whole source */
  table?: string;
}

/** What a reference points at before resolution. */
export type RefTarget = { kind: 'key'; key: AssetKey } | DbtRefTarget | DbtSourceTarget;

/**
 * How the reference was written; used for completion context and messages.
 * deps | asset_key | asset_in | param | selection | model_lookup | source_lookup | sql_ref | sql_source | pipes | asset_dep
 */
export type RefForm = string;

/**
 * - dependency: `owner` depends on the target (deps=, ins=, parameters, ref()).
 * - selection: the target is selected by a job / materialize / AssetSelection (`selectionId` groups them).
 * - mention: any other key literal (AssetKey("x") in a sensor, a Pipes report).
 */
export type RefRole = 'dependency' | 'selection' | 'mention';

export interface KeyReference {
  target: RefTarget;
  location: Location;
  role: RefRole;
  form: RefForm;
  /**
   * Dependencies: id of the owning definition. For Python/TS assets the owner's
   * asset key id once known (readers may leave it to the linker via `ownerDef`);
   * for dbt nodes the node's unique id prefixed "dbt:".
   */
  owner?: string;
  /** selections: a stable id of the job / materialize call / selection expression */
  selectionId?: string;
  /**
   * deps_name / deps_import: the variable as written (`t`, `mod.trips`), which
   * the linker follows through this file's imports to the defining module.
   */
  definitionName?: string;
  /** a `partition_mapping=` was given on this dependency */
  hasPartitionMapping?: boolean;
}
