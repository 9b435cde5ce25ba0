// HTML of the lineage graph webview. The layout is precomputed (graphLayout);
// the inline script only draws SVG with DOM calls and posts clicks back.
import type { PositionedGraph } from './graphLayout';

/** JSON that is safe inside a <script> element. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export function graphHtml(graph: PositionedGraph, cspSource: string, nonce: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${cspSource} 'unsafe-inline'; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Asset lineage</title>
<style>
  body { margin: 0; padding: 8px; color: var(--vscode-foreground); background: var(--vscode-editor-background); font-family: var(--vscode-font-family); font-size: 12px; }
  header { margin-bottom: 8px; color: var(--vscode-descriptionForeground); }
  svg { overflow: visible; max-width: 100%; height: auto; }
  .node rect { fill: var(--vscode-editorWidget-background); stroke-width: 1.5; rx: 4; ry: 4; }
  .node { cursor: pointer; }
  .node:hover rect { fill: var(--vscode-list-hoverBackground); }
  .node.focus rect { stroke-width: 3; }
  .node text { fill: var(--vscode-foreground); }
  .node text.sub { fill: var(--vscode-descriptionForeground); font-size: 10px; }
  .kind-dbt_model rect { stroke: var(--vscode-charts-blue); }
  .kind-dbt_source rect { stroke: var(--vscode-charts-green); }
  .kind-dbt_seed rect { stroke: var(--vscode-charts-yellow); }
  .kind-dbt_snapshot rect { stroke: var(--vscode-charts-purple); }
  .kind-python rect { stroke: var(--vscode-charts-orange); }
  .kind-ts rect { stroke: var(--vscode-charts-red); }
  .edge { fill: none; stroke: var(--vscode-foreground); stroke-opacity: 0.55; stroke-width: 1.2; }
  .edge.mismatch { stroke: var(--vscode-errorForeground); stroke-opacity: 1; stroke-dasharray: 5 3; stroke-width: 1.8; }
  .arrow { fill: var(--vscode-foreground); fill-opacity: 0.55; }
  .arrow.mismatch { fill: var(--vscode-errorForeground); fill-opacity: 1; }
  .empty { color: var(--vscode-descriptionForeground); }
</style>
</head>
<body>
<header id="title"></header>
<div id="graph"></div>
<script nonce="${nonce}">
(function () {
  const vscode = acquireVsCodeApi();
  const graph = ${scriptJson(graph)};
  const NS = 'http://www.w3.org/2000/svg';
  const el = (name, attrs, parent) => {
    const e = document.createElementNS(NS, name);
    for (const k in attrs) e.setAttribute(k, String(attrs[k]));
    if (parent) parent.appendChild(e);
    return e;
  };
  const title = document.getElementById('title');
  const host = document.getElementById('graph');
  if (!graph.nodes.length) {
    title.textContent = 'No assets to show. Place the cursor on an asset and run "Asset Lens: Show lineage graph".';
    title.className = 'empty';
    return;
  }
  title.textContent = (graph.focus ? 'Lineage of ' + graph.focus + ' — ' : '') + graph.nodes.length + ' assets, ' + graph.edges.length + ' edges. Click an asset to open its definition.';
  const svg = el('svg', { width: graph.width, height: graph.height, viewBox: '0 0 ' + graph.width + ' ' + graph.height, role: 'img' }, host);
  for (const e of graph.edges) {
    if (e.points.length < 2) continue;
    const cls = e.mismatch ? 'edge mismatch' : 'edge';
    const path = el('polyline', { class: cls, points: e.points.map((p) => p.x + ',' + p.y).join(' ') }, svg);
    if (e.mismatch) {
      const t = el('title', {}, path);
      t.textContent = e.mismatch;
    }
    const end = e.points[e.points.length - 1];
    const prev = e.points[e.points.length - 2];
    const angle = Math.atan2(end.y - prev.y, end.x - prev.x);
    const s = 7;
    const a1 = { x: end.x - s * Math.cos(angle - 0.45), y: end.y - s * Math.sin(angle - 0.45) };
    const a2 = { x: end.x - s * Math.cos(angle + 0.45), y: end.y - s * Math.sin(angle + 0.45) };
    el('polygon', { class: e.mismatch ? 'arrow mismatch' : 'arrow', points: [end, a1, a2].map((p) => p.x + ',' + p.y).join(' ') }, svg);
  }
  for (const n of graph.nodes) {
    const g = el('g', { class: 'node kind-' + n.kind + (n.focus ? ' focus' : ''), transform: 'translate(' + n.x + ',' + n.y + ')', tabindex: 0, 'data-key': n.key }, svg);
    el('rect', { width: n.width, height: n.height }, g);
    const t1 = el('text', { x: 10, y: 18 }, g);
    t1.textContent = n.key;
    const t2 = el('text', { x: 10, y: 34, class: 'sub' }, g);
    t2.textContent = n.kind.replace('_', ' ') + (n.badge ? '  ·  ' + n.badge : '');
    const tip = el('title', {}, g);
    tip.textContent = n.key + (n.badge ? ' (' + n.badge + ')' : '');
    const open = () => vscode.postMessage({ type: 'open', key: n.key });
    g.addEventListener('click', open);
    g.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') open(); });
  }
})();
</script>
</body>
</html>`;
}
