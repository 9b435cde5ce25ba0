import type { DbtNode, KeyReference } from '../model';
import { keyId } from '../model';
import { LayeredMap } from '../model/layeredMap';
import type { DbtAssetRecord } from './dbtAssets';

/**
 * Resolves what a reference names. Key references name an asset id; dbt
 * lookups (`ref()`, `get_asset_key_for_model`) name a dbt node, whose asset
 * key is whatever the translator made of it.
 */
export interface DbtLookup {
  /** layered: a patch (relinkDbtProject.ts) derives its own without copying every name */
  models: LayeredMap<string, DbtTarget[]>;
  sources: LayeredMap<string, DbtTarget[]>;
}

/** What resolving needs of a dbt record: kept with the link, so not the whole record. */
export type DbtTarget = Pick<DbtAssetRecord, 'node' | 'id'>;

export function buildDbtLookup(records: Iterable<DbtAssetRecord>): DbtLookup {
  const models = new LayeredMap<string, DbtTarget[]>();
  const sources = new LayeredMap<string, DbtTarget[]>();
  for (const r of records) {
    const map = r.node.resourceType === 'source' ? sources : models;
    const name = r.node.resourceType === 'source' ? r.node.sourceName ?? '' : r.node.name;
    const list = map.get(name) ?? [];
    list.push({ node: r.node, id: r.id });
    map.set(name, list);
  }
  return { models, sources };
}

function versionMatches(node: DbtNode, version: string | number | undefined): boolean {
  if (version === undefined) {
    // unversioned ref → the latest version (or the unversioned model)
    return node.version === undefined || node.latestVersion === undefined || String(node.version) === String(node.latestVersion);
  }
  return String(node.version) === String(version);
}

export type Resolution = { resolved: string } | { unresolved: string; kind: 'key' | 'dbt_ref' | 'dbt_source' };

export function resolveTarget(ref: KeyReference, assetIds: ReadonlySet<string>, dbt: DbtLookup): Resolution {
  const t = ref.target;
  if (t.kind === 'key') {
    const id = keyId(t.key);
    return assetIds.has(id) ? { resolved: id } : { unresolved: id, kind: 'key' };
  }
  if (t.kind === 'dbt_ref') {
    const candidates = (dbt.models.get(t.name) ?? []).filter(
      (r) => (!t.package || r.node.packageName === t.package) && versionMatches(r.node, t.version),
    );
    const hit = candidates[0];
    return hit ? { resolved: hit.id } : { unresolved: t.name, kind: 'dbt_ref' };
  }
  const candidates = (dbt.sources.get(t.sourceName) ?? []).filter((r) => !t.table || r.node.name === t.table);
  const hit = candidates[0];
  return hit
    ? { resolved: hit.id }
    : { unresolved: t.table ? `${t.sourceName}.${t.table}` : t.sourceName, kind: 'dbt_source' };
}
