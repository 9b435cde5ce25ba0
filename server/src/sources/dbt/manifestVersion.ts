/**
 * What a manifest's metadata says about reading it: its schema version, and
 * whether its nodes can be read as the scan meets them. Apart from
 * manifest.ts so the manifest scan thread (workspace/manifestScanWorker.ts)
 * decides as the reader does without loading the reader.
 */

/** Oldest and newest manifest schema versions the reader understands. */
export const MIN_MANIFEST_VERSION = 4;
export const MAX_MANIFEST_VERSION = 12;

export type Json = Record<string, unknown>;

export function isObj(v: unknown): v is Json {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

export function manifestSchemaVersion(metadata: unknown): number | undefined {
  const url = isObj(metadata) && typeof metadata.dbt_schema_version === 'string' ? metadata.dbt_schema_version : undefined;
  const m = url ? /manifest\/v(\d+)(?:\.json)?/.exec(url) : null;
  return m ? Number(m[1]) : undefined;
}

/**
 * The metadata met before a node names its project (v10+) and has a version
 * read here: each node can become a DbtNode as soon as it is scanned. Else
 * the nodes wait for the whole file (the project's name may come from them).
 */
export function readsNodesAsMet(metadata: unknown): boolean {
  if (!isObj(metadata) || typeof metadata.project_name !== 'string' || metadata.project_name.length === 0) return false;
  const version = manifestSchemaVersion(metadata);
  return version === undefined || version >= MIN_MANIFEST_VERSION;
}
