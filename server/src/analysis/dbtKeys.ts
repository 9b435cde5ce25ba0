import type { AssetKey } from '../model/keys';
import type { DbtNode } from '../model/dbt';
import type { KeyExpr, TranslatorCase } from '../model/code';

/**
 * dbt node → Dagster asset key, exactly as dagster-dbt's DagsterDbtTranslator
 * does by default (`default_asset_key_fn`, `default_group_from_dbt_resource_props`,
 * `is_non_asset_node`, `get_upstream_unique_ids`).
 */

/** dagster-dbt's ASSET_RESOURCE_TYPES */
export const ASSET_RESOURCE_TYPES = ['model', 'seed', 'snapshot'];

/** Nodes dagster-dbt walks through instead of making assets: metrics, semantic models, saved queries, ephemeral models. */
export function isNonAssetNode(node: DbtNode): boolean {
  return (
    node.resourceType === 'metric' ||
    node.resourceType === 'semantic_model' ||
    node.resourceType === 'saved_query' ||
    (node.resourceType === 'model' && node.materialized === 'ephemeral')
  );
}

/** model / seed / snapshot that is not ephemeral: what `@dbt_assets` turns into an asset. */
export function isAssetNode(node: DbtNode): boolean {
  return ASSET_RESOURCE_TYPES.includes(node.resourceType) && !isNonAssetNode(node);
}

/** Sources and asset nodes can be upstream of an asset. */
export function isValidUpstreamNode(node: DbtNode): boolean {
  return ASSET_RESOURCE_TYPES.includes(node.resourceType) || node.resourceType === 'source';
}

type NodeLookup = Map<string, DbtNode> | Record<string, DbtNode>;

function lookup(nodes: NodeLookup, id: string): DbtNode | undefined {
  return nodes instanceof Map ? nodes.get(id) : Object.prototype.hasOwnProperty.call(nodes, id) ? nodes[id] : undefined;
}

/**
 * Upstream unique ids of `node` as dagster-dbt computes them: ephemeral models
 * (and metrics etc.) are replaced by their own upstreams, recursively; tests,
 * macros-only and unknown ids are dropped. Order: first appearance.
 */
export function effectiveUpstream(node: DbtNode, nodesById: NodeLookup): string[] {
  const out = new Set<string>();
  for (const parentId of node.dependsOn) {
    const parent = lookup(nodesById, parentId);
    if (!parent) continue;
    if (isNonAssetNode(parent)) {
      const visited = new Set<string>();
      const queue = [...parent.dependsOn];
      while (queue.length) {
        const id = queue.shift()!;
        if (visited.has(id)) continue;
        visited.add(id);
        const candidate = lookup(nodesById, id);
        if (!candidate) continue;
        if (isNonAssetNode(candidate)) queue.push(...candidate.dependsOn);
        else if (isValidUpstreamNode(candidate)) out.add(id);
      }
    } else if (isValidUpstreamNode(parent)) {
      out.add(parentId);
    }
  }
  return [...out];
}

/** `config.meta` when non-empty, else `meta` (dagster-dbt: `config.get("meta", {}) or meta`). */
function dbtMeta(node: DbtNode): Record<string, unknown> {
  if (node.configMeta && Object.keys(node.configMeta).length > 0) return node.configMeta;
  return node.meta ?? {};
}

function dagsterMeta(meta: Record<string, unknown> | undefined): Record<string, unknown> {
  const d = meta?.dagster;
  return d && typeof d === 'object' && !Array.isArray(d) ? (d as Record<string, unknown>) : {};
}

function hasVersion(node: DbtNode): boolean {
  // dagster-dbt tests `dbt_resource_props.get("version")`: 0 and "" count as absent
  return node.version !== undefined && node.version !== null && node.version !== '' && node.version !== 0;
}

/**
 * `meta.dagster.asset_key` as an AssetKey: a list of strings is the parts, a
 * string is ONE part (`AssetKey("a/b")` has a single part "a/b").
 */
export function metaAssetKey(node: DbtNode): AssetKey | undefined {
  const v = dagsterMeta(dbtMeta(node)).asset_key;
  if (typeof v === 'string' && v.length > 0) return [v];
  if (Array.isArray(v) && v.length > 0) return v.map((p) => String(p));
  return undefined;
}

export function defaultAssetKey(node: DbtNode): AssetKey {
  const fromMeta = metaAssetKey(node);
  if (fromMeta) return fromMeta;
  if (node.resourceType === 'source') return [node.sourceName ?? '', node.name];
  if (hasVersion(node)) return [node.alias ?? node.name];
  if (node.configSchema !== undefined && node.configSchema !== null) return [node.configSchema, node.name];
  return [node.name];
}

/** dagster-dbt's default group: `meta.dagster.group`, else the dbt `group`; undefined = Dagster's default group. */
export function defaultGroupName(node: DbtNode): string | undefined {
  const g = dagsterMeta(node.meta).group ?? dagsterMeta(node.configMeta).group;
  if (typeof g === 'string' && g.length > 0) return g;
  return node.group || undefined;
}

function placeholderValue(node: DbtNode, name: string): string | undefined {
  switch (name) {
    case 'name':
      return node.name;
    case 'source_name':
      return node.sourceName;
    case 'schema':
      return node.configSchema;
    case 'alias':
      return node.alias ?? node.name;
    case 'resource_type':
      return node.resourceType;
    case 'database':
      return undefined;
    case 'package_name':
      return node.packageName;
    default:
      return undefined;
  }
}

/** Fills `{placeholder}`s; an unknown / absent value leaves the placeholder text as written. */
export function fillPlaceholders(text: string, node: DbtNode): string {
  return text.replace(/\{([a-z_]+)\}/g, (whole, name: string) => placeholderValue(node, name) ?? whole);
}

export function evaluateKeyExpr(expr: KeyExpr, node: DbtNode): AssetKey {
  if (expr.kind === 'default') return [...expr.prefix, ...defaultAssetKey(node)];
  return expr.parts.map((p) => fillPlaceholders(p, node));
}

export function caseMatches(c: TranslatorCase, node: DbtNode): boolean {
  const w = c.when;
  if (!w) return true;
  if (w.resourceType && !w.resourceType.includes(node.resourceType)) return false;
  if (w.notResourceType && w.notResourceType.includes(node.resourceType)) return false;
  if (w.name && !w.name.includes(node.name)) return false;
  if (w.notName && w.notName.includes(node.name)) return false;
  return true;
}

/** The key a translator gives: the first matching case, else the default key. */
export function applyTranslator(node: DbtNode, cases: TranslatorCase[] | null | undefined): AssetKey {
  for (const c of cases ?? []) if (caseMatches(c, node)) return evaluateKeyExpr(c.key, node);
  return defaultAssetKey(node);
}

/**
 * Keys claimed by more than one dbt node (dagster-dbt raises
 * DagsterInvalidDefinitionError for these). Input: unique id → key.
 * Returns key id → sorted unique ids, only for duplicates.
 */
export function findDuplicateKeys(keyByUniqueId: Map<string, AssetKey>): Map<string, string[]> {
  const byKey = new Map<string, string[]>();
  for (const [id, key] of keyByUniqueId) {
    const k = key.join('/');
    const list = byKey.get(k);
    if (list) list.push(id);
    else byKey.set(k, [id]);
  }
  const out = new Map<string, string[]>();
  for (const [k, ids] of byKey) if (ids.length > 1) out.set(k, ids.sort());
  return out;
}
