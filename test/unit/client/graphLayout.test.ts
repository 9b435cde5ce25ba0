// The lineage graph webview draws what ELK lays out in the extension host;
// these check the layout and the generated HTML (CSP, escaping) in Node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layoutGraph, nodeWidth } from '../../../client/src/graphLayout';
import { graphHtml, scriptJson } from '../../../client/src/graphHtml';
import type { GraphResult } from '../../../server/src/lsp/protocol';

const info = (key: string, kind: string, badge = '') => ({ key, kind, partitions: null, badge });

const taxi: GraphResult = {
  focus: 'stg_trips',
  nodes: [
    info('taxi_trips', 'python', 'monthly ·3'),
    info('stg_trips', 'dbt_model', 'daily ·90'),
    info('daily_metrics', 'dbt_model', 'daily ·90'),
    info('manhattan_stats', 'python'),
  ],
  edges: [
    { from: 'taxi_trips', to: 'stg_trips' },
    { from: 'stg_trips', to: 'daily_metrics' },
    { from: 'daily_metrics', to: 'manhattan_stats', mismatch: 'different partitions' },
    { from: 'daily_metrics', to: 'not_in_nodes' },
  ],
};

test('layered layout puts each asset right of its upstream, left to right', async () => {
  const g = await layoutGraph(taxi);
  assert.equal(g.focus, 'stg_trips');
  const x = Object.fromEntries(g.nodes.map((n) => [n.key, n.x]));
  assert.ok(x.taxi_trips < x.stg_trips);
  assert.ok(x.stg_trips < x.daily_metrics);
  assert.ok(x.daily_metrics < x.manhattan_stats);
  assert.deepEqual(g.nodes.filter((n) => n.focus).map((n) => n.key), ['stg_trips']);
  for (const n of g.nodes) {
    assert.ok(n.x + n.width <= g.width && n.y + n.height <= g.height, `${n.key} inside the canvas`);
  }
});

test('edges to unknown nodes are dropped; routed edges start at the source and end at the target', async () => {
  const g = await layoutGraph(taxi);
  assert.equal(g.edges.length, 3);
  const byKey = new Map(g.nodes.map((n) => [n.key, n]));
  for (const e of g.edges) {
    const from = byKey.get(e.from)!;
    const to = byKey.get(e.to)!;
    assert.ok(e.points.length >= 2);
    const start = e.points[0];
    const end = e.points[e.points.length - 1];
    assert.equal(Math.round(start.x), Math.round(from.x + from.width));
    assert.equal(Math.round(end.x), Math.round(to.x));
  }
  assert.equal(g.edges.find((e) => e.to === 'manhattan_stats')?.mismatch, 'different partitions');
});

test('an empty graph lays out without nodes', async () => {
  const g = await layoutGraph({ nodes: [], edges: [] });
  assert.deepEqual(g.nodes, []);
  assert.deepEqual(g.edges, []);
});

test('node boxes grow with the key length', () => {
  assert.ok(nodeWidth('a'.repeat(60), '') > nodeWidth('a', ''));
  assert.equal(nodeWidth('a', ''), 110);
});

test('webview HTML has a strict CSP with a nonce and cannot be broken out of by key text', async () => {
  const g = await layoutGraph({ nodes: [info('</script><script>alert(1)</script>', 'python')], edges: [] });
  const html = graphHtml(g, 'vscode-webview://abc', 'NONCE123');
  assert.match(html, /default-src 'none'; style-src vscode-webview:\/\/abc 'unsafe-inline'; script-src 'nonce-NONCE123';/);
  assert.equal((html.match(/<script/g) ?? []).length, 1);
  assert.ok(html.includes('<script nonce="NONCE123">'));
  assert.ok(!/(src|href)\s*=\s*["']?https?:/i.test(html) && !html.includes('<link'), 'no remote resources');
  assert.equal(scriptJson('</script>\u2028'), '"\\u003c/script>\\u2028"');
});
