// Layered layout of an asset neighbourhood, computed with ELK in the
// extension host so the webview only draws positioned boxes (no layout code,
// no extra bundle, strict CSP). No vscode imports: unit-testable in Node.
import ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import type { AssetLocation, GraphResult } from '../../server/src/lsp/protocol';

export interface PositionedNode {
  key: string;
  kind: string;
  badge: string;
  focus: boolean;
  x: number;
  y: number;
  width: number;
  height: number;
  location?: AssetLocation;
}

export interface PositionedEdge {
  from: string;
  to: string;
  mismatch?: string;
  /** polyline from source to target */
  points: { x: number; y: number }[];
}

export interface PositionedGraph {
  focus?: string;
  width: number;
  height: number;
  nodes: PositionedNode[];
  edges: PositionedEdge[];
}

const CHAR_WIDTH = 7.2;
const NODE_HEIGHT = 44;
const MIN_NODE_WIDTH = 110;

/** Box width that fits the key (line 1) and kind + badge (line 2). */
export function nodeWidth(key: string, subtitle: string): number {
  const chars = Math.max(key.length, subtitle.length);
  return Math.max(MIN_NODE_WIDTH, Math.ceil(chars * CHAR_WIDTH) + 24);
}

let elk: InstanceType<typeof ELK> | undefined;

export async function layoutGraph(graph: GraphResult): Promise<PositionedGraph> {
  elk ??= new ELK();
  const known = new Set(graph.nodes.map((n) => n.key));
  const edges = graph.edges.filter((e) => known.has(e.from) && known.has(e.to) && e.from !== e.to);
  const input: ElkNode = {
    id: '__root__',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.layered.spacing.nodeNodeBetweenLayers': '48',
      'elk.spacing.nodeNode': '20',
      'elk.padding': '[top=16,left=16,bottom=16,right=16]',
    },
    children: graph.nodes.map((n) => ({
      id: n.key,
      width: nodeWidth(n.key, `${n.kind} ${n.badge}`),
      height: NODE_HEIGHT,
    })),
    edges: edges.map((e, i) => ({ id: `e${i}`, sources: [e.from], targets: [e.to] })),
  };
  const out = await elk.layout(input);
  const byKey = new Map(graph.nodes.map((n) => [n.key, n]));
  const nodes: PositionedNode[] = (out.children ?? []).map((c) => {
    const info = byKey.get(c.id)!;
    return {
      key: c.id,
      kind: info.kind,
      badge: info.badge,
      focus: c.id === graph.focus,
      x: c.x ?? 0,
      y: c.y ?? 0,
      width: c.width ?? MIN_NODE_WIDTH,
      height: c.height ?? NODE_HEIGHT,
      location: info.location,
    };
  });
  const laidEdges = (out.edges ?? []) as ElkExtendedEdge[];
  const positionedEdges: PositionedEdge[] = laidEdges.map((le, i) => {
    const section = le.sections?.[0];
    const points = section ? [section.startPoint, ...(section.bendPoints ?? []), section.endPoint] : [];
    return { from: edges[i].from, to: edges[i].to, mismatch: edges[i].mismatch, points: points.map((p) => ({ x: p.x, y: p.y })) };
  });
  return { focus: graph.focus, width: out.width ?? 0, height: out.height ?? 0, nodes, edges: positionedEdges };
}
