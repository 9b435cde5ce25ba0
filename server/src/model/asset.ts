import type { AssetKey } from './keys';
import type { Location } from './location';
import type { PartitionsDef } from './partitions';

export type AssetKind = 'dbt_model' | 'dbt_seed' | 'dbt_snapshot' | 'dbt_source' | 'python' | 'ts';

export interface Asset {
  key: AssetKey;
  /** keyId(key), cached */
  id: string;
  kind: AssetKind;
  /** primary definition first (go-to-definition targets) */
  locations: Location[];
  /** the whole definition (decorator + body), for "asset at cursor" and code lens */
  extent?: Location;
  partitions?: PartitionsDef;
  group?: string;
  description?: string;
  /** dbt assets: the node behind it */
  dbtUniqueId?: string;
}

export function kindLabel(kind: AssetKind): string {
  switch (kind) {
    case 'dbt_model':
      return 'dbt model';
    case 'dbt_seed':
      return 'dbt seed';
    case 'dbt_snapshot':
      return 'dbt snapshot';
    case 'dbt_source':
      return 'dbt source';
    case 'python':
      return 'python';
    case 'ts':
      return 'typescript';
  }
}
