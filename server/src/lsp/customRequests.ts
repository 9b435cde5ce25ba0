/**
 * The Asset Lens requests (protocol.ts): lineage trees, the key list and the
 * neighbourhood graph for the lineage view. Pure functions of a snapshot.
 */
import type { Asset } from '../model/asset';
import type { LineageNode } from '../model/graph';
import { parseKeyPath, keyId } from '../model/keys';
import { toAssetInfo, toListedAssetInfos, toWireLocation } from './convert';
import type { AssetInfo, AssetLocationResult, GraphResult, KeysResult, LineageTreeNode } from './protocol';
import type { IndexSnapshot } from './snapshot';

/** Finds an asset by the user's key text: exact id first, then the "a/b" path form. */
export function assetByKeyText(s: IndexSnapshot, key: string): Asset | undefined {
  return s.graph.get(key) ?? s.graph.get(keyId(parseKeyPath(key)));
}

export function edgeProblem(s: IndexSnapshot, from: string, to: string): string | undefined {
  return s.edgeProblems.get(`${from}->${to}`);
}

export function lineageTree(s: IndexSnapshot, id: string, direction: 'up' | 'down', depth?: number): LineageTreeNode | null {
  const d = depth === undefined || depth === null || depth < 0 ? Infinity : depth;
  const root = s.graph.lineage(id, direction, d);
  if (!root) return null;
  const now = Date.now();
  const convert = (node: LineageNode, parentId: string | undefined): LineageTreeNode => {
    const out: LineageTreeNode = { ...toAssetInfo(node.asset, now), children: [] };
    if (parentId !== undefined) {
      const [from, to] = direction === 'up' ? [node.asset.id, parentId] : [parentId, node.asset.id];
      const m = edgeProblem(s, from, to);
      if (m) out.mismatch = m;
    }
    if (node.repeated) out.repeated = true;
    out.children = node.children.map((c) => convert(c, node.asset.id));
    return out;
  };
  return convert(root, undefined);
}

/** Every asset, each with its file but not its range (AssetLocation): nothing is read to list them. */
export function keysList(s: IndexSnapshot): KeysResult {
  return toListedAssetInfos(s.graph.ids().map((id) => s.graph.get(id)!));
}

/** The range of one listed asset, when the user opens it. */
export function assetLocation(s: IndexSnapshot, key: string): AssetLocationResult {
  const loc = assetByKeyText(s, key)?.locations[0];
  return loc ? toWireLocation(loc) : null;
}

/**
 * The neighbourhood of radius `depth` around `focus` in both directions, or the
 * whole graph. Its nodes are listed (file, no range): around a hub, or with no
 * focus, they are thousands.
 */
export function neighbourhood(s: IndexSnapshot, focus: string | undefined, depth = 2): GraphResult {
  const now = Date.now();
  const ids = new Set<string>();
  if (focus === undefined) {
    for (const id of s.graph.assets.keys()) ids.add(id);
  } else if (s.graph.get(focus)) {
    ids.add(focus);
    for (const dir of ['up', 'down'] as const) {
      let frontier = [focus];
      for (let level = 0; level < depth && frontier.length; level++) {
        const next: string[] = [];
        for (const id of frontier) {
          const edges = dir === 'up' ? s.graph.upstream(id) : s.graph.downstream(id);
          for (const e of edges) {
            const other = dir === 'up' ? e.from : e.to;
            if (!s.graph.get(other)) continue;
            if (!ids.has(other)) next.push(other);
            ids.add(other);
          }
        }
        frontier = next;
      }
    }
  }
  const nodes: AssetInfo[] = toListedAssetInfos([...ids].sort().map((id) => s.graph.get(id)!), now);
  const edges: GraphResult['edges'] = [];
  for (const id of [...ids].sort()) {
    for (const e of s.graph.downstream(id)) {
      if (!ids.has(e.to)) continue;
      const m = edgeProblem(s, e.from, e.to);
      edges.push(m ? { from: e.from, to: e.to, mismatch: m } : { from: e.from, to: e.to });
    }
  }
  const result: GraphResult = { nodes, edges };
  if (focus !== undefined && s.graph.get(focus)) result.focus = focus;
  return result;
}
