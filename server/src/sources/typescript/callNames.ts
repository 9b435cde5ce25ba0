/**
 * The function and class names the TypeScript convention is written with.
 * Each entry lists the names that count; a call matches on its last name
 * (`asset(...)`, `dg.asset(...)` and `new dg.AssetSpec(...)` all match).
 * Overriding an entry REPLACES its list, so `{ asset: ['defineAsset'] }`
 * stops `asset(...)` from counting; spread `DEFAULT_TS_CALL_NAMES.asset`
 * into the new list to keep the default as well.
 */
export interface TsCallNames {
  asset: string[];
  multiAsset: string[];
  assetSpec: string[];
  /** `AssetOut` inside `multiAsset({ outs })` */
  assetOut: string[];
  assetKey: string[];
  /** `AssetDep("x", { partitionMapping })` inside `deps` */
  assetDep: string[];
  /** `AssetIn({ key })` inside `ins` */
  assetIn: string[];
  /** the object whose `.assets(...)` / `.keys(...)` select keys */
  assetSelection: string[];
  defineAssetJob: string[];
  materialize: string[];
  reportAssetMaterialization: string[];
  reportAssetCheck: string[];
  /** `assetCheck({ asset: "x", name }, fn)`: the checked asset is a mention */
  assetCheck: string[];
  hourlyPartitionsDefinition: string[];
  dailyPartitionsDefinition: string[];
  weeklyPartitionsDefinition: string[];
  monthlyPartitionsDefinition: string[];
  staticPartitionsDefinition: string[];
  dynamicPartitionsDefinition: string[];
  multiPartitionsDefinition: string[];
}

export const DEFAULT_TS_CALL_NAMES: Readonly<TsCallNames> = Object.freeze({
  asset: ['asset'],
  multiAsset: ['multiAsset'],
  assetSpec: ['assetSpec', 'AssetSpec'],
  assetOut: ['assetOut', 'AssetOut'],
  assetKey: ['AssetKey', 'assetKey'],
  assetDep: ['AssetDep', 'assetDep'],
  assetIn: ['AssetIn', 'assetIn'],
  assetSelection: ['AssetSelection'],
  defineAssetJob: ['defineAssetJob'],
  materialize: ['materialize'],
  reportAssetMaterialization: ['reportAssetMaterialization'],
  reportAssetCheck: ['reportAssetCheck'],
  assetCheck: ['assetCheck'],
  hourlyPartitionsDefinition: ['HourlyPartitionsDefinition'],
  dailyPartitionsDefinition: ['DailyPartitionsDefinition'],
  weeklyPartitionsDefinition: ['WeeklyPartitionsDefinition'],
  monthlyPartitionsDefinition: ['MonthlyPartitionsDefinition'],
  staticPartitionsDefinition: ['StaticPartitionsDefinition'],
  dynamicPartitionsDefinition: ['DynamicPartitionsDefinition'],
  multiPartitionsDefinition: ['MultiPartitionsDefinition'],
});

export type CallRole = keyof TsCallNames;

/** Name → role lookup for one reader run; later roles never shadow earlier ones. */
export class CallNameTable {
  private readonly roles = new Map<string, CallRole>();

  constructor(overrides?: Partial<TsCallNames>) {
    const names: TsCallNames = { ...DEFAULT_TS_CALL_NAMES };
    for (const [role, list] of Object.entries(overrides ?? {}) as [CallRole, unknown][]) {
      if (role in names && Array.isArray(list)) names[role] = list.filter((n): n is string => typeof n === 'string');
    }
    for (const role of Object.keys(names) as CallRole[]) {
      for (const name of names[role]) if (!this.roles.has(name)) this.roles.set(name, role);
    }
  }

  roleOf(name: string | undefined): CallRole | undefined {
    return name === undefined ? undefined : this.roles.get(name);
  }
}
