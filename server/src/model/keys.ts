/**
 * Asset keys. A key is a non-empty list of string parts; Dagster prints it
 * joined with "/". Keep the parts: `AssetKey("a/b")` is ONE part while
 * `AssetSelection.keys("a/b")` means two, so callers decide how to split.
 */
export type AssetKey = readonly string[];

/** Canonical string id of a key, used as a map key and in every output. */
export function keyId(key: AssetKey): string {
  return key.join('/');
}

/** Parse the "a/b/c" user-facing form (selections, CLI arguments). */
export function parseKeyPath(text: string): AssetKey {
  return text.split('/').filter((p) => p.length > 0);
}

export function keysEqual(a: AssetKey, b: AssetKey): boolean {
  return a.length === b.length && a.every((p, i) => p === b[i]);
}
