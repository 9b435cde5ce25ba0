/**
 * Typed stubs for the Asset Lens TypeScript convention (see
 * docs/typescript-convention.md). They only describe the shapes, so the
 * example type-checks in an editor; nothing here runs. A real project would
 * bind these names to its own runtime (e.g. code that emits Dagster
 * definitions or calls @dagster-io/dagster-pipes).
 */

/** `"zone_report"` is ONE key part, like Dagster's AssetKey("zone_report"). */
export type CoercibleToAssetKey = string | readonly string[] | AssetKeyValue;

export interface AssetKeyValue {
  readonly path: readonly string[];
}

/** `AssetKey(["a", "b"])`, `new AssetKey("a")`, `AssetKey.fromUserString("a/b")`. */
export declare const AssetKey: {
  (path: string | readonly string[]): AssetKeyValue;
  new (path: string | readonly string[]): AssetKeyValue;
  fromUserString(path: string): AssetKeyValue;
};

export interface PartitionsDefinition {
  readonly kind: string;
}

export interface TimeWindowOptions {
  /** "2023-01-01" (or "2023-01-01T05:00" for hourly) */
  startDate: string;
  /** exclusive */
  endDate?: string;
  timezone?: string;
  minuteOffset?: number;
  hourOffset?: number;
  endOffset?: number;
}

export declare class HourlyPartitionsDefinition implements PartitionsDefinition {
  readonly kind: 'hourly';
  constructor(options: TimeWindowOptions);
}
export declare class DailyPartitionsDefinition implements PartitionsDefinition {
  readonly kind: 'daily';
  constructor(options: TimeWindowOptions);
}
export declare class WeeklyPartitionsDefinition implements PartitionsDefinition {
  readonly kind: 'weekly';
  /** dayOffset: 0 = Sunday */
  constructor(options: TimeWindowOptions & { dayOffset?: number });
}
export declare class MonthlyPartitionsDefinition implements PartitionsDefinition {
  readonly kind: 'monthly';
  /** dayOffset: day of the month, default 1 */
  constructor(options: TimeWindowOptions & { dayOffset?: number });
}
export declare class StaticPartitionsDefinition implements PartitionsDefinition {
  readonly kind: 'static';
  constructor(partitionKeys: readonly string[]);
}
export declare class DynamicPartitionsDefinition implements PartitionsDefinition {
  readonly kind: 'dynamic';
  constructor(options: { name: string });
}
export declare class MultiPartitionsDefinition implements PartitionsDefinition {
  readonly kind: 'multi';
  constructor(dimensions: Record<string, PartitionsDefinition>);
}

export interface PartitionMapping {
  readonly mapping: string;
}

export interface AssetDepValue {
  readonly key: AssetKeyValue;
}

/** `AssetDep("upstream", { partitionMapping })` inside `deps`. */
export declare function AssetDep(asset: CoercibleToAssetKey, options?: { partitionMapping?: PartitionMapping }): AssetDepValue;

export interface AssetInValue {
  readonly key?: AssetKeyValue;
}

/** `ins: { trips: AssetIn({ key: "taxi_trips" }) }`; without a key the input name is the key. */
export declare function AssetIn(options?: { key?: CoercibleToAssetKey; keyPrefix?: string | readonly string[] }): AssetInValue;

export type Dependency = CoercibleToAssetKey | AssetDepValue | AssetsDefinition | AssetSpecValue;

export interface AssetOptions {
  /** the asset key; without it `name`, else the variable the asset is assigned to */
  key?: CoercibleToAssetKey;
  name?: string;
  keyPrefix?: string | readonly string[];
  deps?: readonly Dependency[];
  ins?: Record<string, AssetInValue | Record<string, never>>;
  partitionsDef?: PartitionsDefinition;
  group?: string;
  description?: string;
}

export interface AssetExecutionContext {
  readonly partitionKey: string;
  readonly log: { info(message: string): void };
}

export interface AssetsDefinition {
  readonly keys: readonly AssetKeyValue[];
}

export declare function asset<T>(options: AssetOptions, compute: (context: AssetExecutionContext) => T | Promise<T>): AssetsDefinition;

export interface AssetSpecOptions {
  key: CoercibleToAssetKey;
  deps?: readonly Dependency[];
  partitionsDef?: PartitionsDefinition;
  group?: string;
  description?: string;
}

export interface AssetSpecValue {
  readonly key: AssetKeyValue;
}

/** `assetSpec({ key })`; `new AssetSpec("key", { deps })` also works. */
export declare function assetSpec(options: AssetSpecOptions): AssetSpecValue;
export declare const AssetSpec: {
  new (options: AssetSpecOptions): AssetSpecValue;
  new (key: CoercibleToAssetKey, options?: Omit<AssetSpecOptions, 'key'>): AssetSpecValue;
};

export interface MultiAssetOptions {
  specs: readonly AssetSpecValue[];
  deps?: readonly Dependency[];
  partitionsDef?: PartitionsDefinition;
  group?: string;
}

export declare function multiAsset<T>(options: MultiAssetOptions, compute: (context: AssetExecutionContext) => T | Promise<T>): AssetsDefinition;

export interface AssetSelectionValue {
  downstream(depth?: number): AssetSelectionValue;
  upstream(depth?: number): AssetSelectionValue;
  or(other: AssetSelectionValue): AssetSelectionValue;
}

/** `.assets("a/b")` / `.keys("a/b")` split strings on "/"; an array is one key's parts. */
export declare const AssetSelection: {
  assets(...assets: readonly (CoercibleToAssetKey | AssetsDefinition)[]): AssetSelectionValue;
  keys(...keys: readonly CoercibleToAssetKey[]): AssetSelectionValue;
  groups(...groups: readonly string[]): AssetSelectionValue;
};

export interface JobDefinition {
  readonly name: string;
}

export declare function defineAssetJob(options: {
  name: string;
  selection: AssetSelectionValue | readonly (string | AssetKeyValue | AssetsDefinition)[];
  partitionsDef?: PartitionsDefinition;
}): JobDefinition;

export declare function materialize(assets: readonly (AssetsDefinition | AssetSpecValue)[], options?: { partitionKey?: string }): Promise<void>;

/** The Dagster Pipes context a TypeScript process reports through (mirrors @dagster-io/dagster-pipes). */
export interface PipesContext {
  readonly partitionKey?: string;
  /** `assetKey` is the "/"-joined key; it may be left out when the run has one asset */
  reportAssetMaterialization(metadata?: Record<string, unknown>, dataVersion?: string, assetKey?: string): void;
  reportAssetCheck(checkName: string, passed: boolean, severity?: 'ERROR' | 'WARN', metadata?: Record<string, unknown>, assetKey?: string): void;
}

export declare function openDagsterPipes(): PipesContext;
