import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeWorkspace, type WorkspaceFacts } from '../../../server/src/analysis/buildGraph';
import { relinkDbtProject } from '../../../server/src/analysis/relinkDbtProject';
import type { CodeFileFacts, DbtNode, DbtProjectFacts, Location } from '../../../server/src/model';
import { emptyCodeFacts, range } from '../../../server/src/model';
import { visibleLink } from '../workspace/visibleLink';

const NOW = Date.UTC(2023, 5, 15);
const loc = (file: string, line: number, c0 = 0, c1 = 5): Location => ({ file, range: range(line, c0, line, c1) });
const sql = (name: string) => `/w/shop/models/${name}.sql`;
const SCHEMA = '/w/shop/models/schema.yml';

function model(name: string, over: Partial<DbtNode> = {}): DbtNode {
  return {
    uniqueId: `model.shop.${name}`,
    resourceType: 'model',
    name,
    packageName: 'shop',
    tags: [],
    fqn: ['shop', name],
    dependsOn: [],
    refs: [],
    sources: [],
    originalFilePath: `models/${name}.sql`,
    locations: [loc(sql(name), 0), loc(SCHEMA, 3)],
    ...over,
  };
}

/** raw.orders (a source) → stg_orders → orders → report; stg_orders → eph (ephemeral) → extra */
function shop(): DbtProjectFacts {
  return {
    root: '/w/shop',
    name: 'shop',
    origin: 'manifest',
    log: [],
    nodes: [
      { ...model('orders_src'), uniqueId: 'source.shop.raw.orders', resourceType: 'source', name: 'orders', sourceName: 'raw', locations: [loc('/w/shop/models/sources.yml', 4)] },
      model('stg_orders', { dependsOn: ['source.shop.raw.orders'], sources: [{ target: { kind: 'dbt_source', sourceName: 'raw', table: 'orders' }, location: loc(sql('stg_orders'), 2) }] }),
      model('orders', { tags: ['daily'], dependsOn: ['model.shop.stg_orders'], refs: [{ target: { kind: 'dbt_ref', name: 'stg_orders' }, location: loc(sql('orders'), 5) }] }),
      model('report', { tags: ['daily'], dependsOn: ['model.shop.orders'], refs: [{ target: { kind: 'dbt_ref', name: 'orders' }, location: loc(sql('report'), 1) }] }),
      model('eph', { materialized: 'ephemeral', dependsOn: ['model.shop.stg_orders'] }),
      model('extra', { dependsOn: ['model.shop.eph'] }),
    ],
  };
}

function codeFile(file: string, over: Partial<CodeFileFacts>): CodeFileFacts {
  return { ...emptyCodeFacts(file, 'python', file.slice(3, -3).replace(/\//g, '.')), ...over };
}

/** `@dbt_assets(select="tag:daily")`, and a code asset with the source's key (it takes the source's places too) */
const code = (select = 'tag:daily'): CodeFileFacts[] => [
  codeFile('/w/defs/dbt.py', { dbtBindings: [{ name: 'shop_daily', location: loc('/w/defs/dbt.py', 8), select }] }),
  codeFile('/w/defs/raw.py', { assets: [{ key: ['raw', 'orders'], kind: 'python', location: loc('/w/defs/raw.py', 3), extent: { file: '/w/defs/raw.py', range: range(2, 0, 5, 0) }, deps: [] }] }),
];

function edited(project: DbtProjectFacts, uniqueId: string, change: (n: DbtNode) => DbtNode): DbtProjectFacts {
  return { ...project, nodes: project.nodes.map((n) => (n.uniqueId === uniqueId ? change(n) : n)) };
}

const moved = (l: Location, lines = 2): Location => ({ file: l.file, range: range(l.range.start.line + lines, l.range.start.character, l.range.end.line + lines, l.range.end.character) });

type Case = [what: string, uniqueId: string, change: (n: DbtNode) => DbtNode, expected: 'patched' | 'full', select?: string];
const cases: Case[] = [
  ['a description', 'model.shop.orders', (n) => ({ ...n, description: 'Orders, one row each' }), 'patched'],
  ['lines moved: the places of the model and its ref()', 'model.shop.orders', (n) => ({ ...n, locations: n.locations.map((l) => moved(l)), refs: n.refs.map((r) => ({ ...r, location: moved(r.location!) })) }), 'patched'],
  ['a source() moved', 'model.shop.stg_orders', (n) => ({ ...n, sources: n.sources.map((s) => ({ ...s, location: moved(s.location!, 7) })) }), 'patched'],
  ['a group, meta and a checksum', 'model.shop.report', (n) => ({ ...n, group: 'finance', meta: { owner: 'ops' }, checksum: 'abc' }), 'patched'],
  ['one more tag, still selected', 'model.shop.report', (n) => ({ ...n, tags: ['daily', 'finance'] }), 'patched'],
  ['a tag on a model no select= picks, not the one it reads', 'model.shop.extra', (n) => ({ ...n, tags: ['weekly'] }), 'patched'],
  ["the source's YAML moved (a code asset has its key)", 'source.shop.raw.orders', (n) => ({ ...n, locations: [moved(n.locations[0], 3)], description: 'raw' }), 'patched'],
  ['the tag select= reads, added', 'model.shop.extra', (n) => ({ ...n, tags: ['daily'] }), 'full'],
  ['the tag select= reads, removed', 'model.shop.report', (n) => ({ ...n, tags: [] }), 'full'],
  ['a key of its own (meta.dagster.asset_key)', 'model.shop.orders', (n) => ({ ...n, meta: { dagster: { asset_key: ['sales', 'orders'] } } }), 'full'],
  ['a new key for a model no select= picks (others may ref() it)', 'model.shop.extra', (n) => ({ ...n, configSchema: 'marts' }), 'full'],
  ['made ephemeral', 'model.shop.orders', (n) => ({ ...n, materialized: 'ephemeral' }), 'full'],
  ['a ref() to another model', 'model.shop.report', (n) => ({ ...n, refs: [{ target: { kind: 'dbt_ref', name: 'stg_orders' }, location: n.refs[0].location }] }), 'patched'],
  ['one more ref(), and depends_on', 'model.shop.report', (n) => ({ ...n, dependsOn: [...n.dependsOn, 'model.shop.extra'], refs: [...n.refs, { target: { kind: 'dbt_ref', name: 'extra' }, location: loc(sql('report'), 9) }] }), 'patched'],
  ['a ref() to a model that is not there', 'model.shop.report', (n) => ({ ...n, refs: [...n.refs, { target: { kind: 'dbt_ref', name: 'ordrs' }, location: loc(sql('report'), 9) }] }), 'patched'],
  ['depends_on through the ephemeral model', 'model.shop.report', (n) => ({ ...n, dependsOn: ['model.shop.eph'] }), 'patched'],
  ['depends_on, under a select= that walks it elsewhere (evaluated again: the same nodes)', 'model.shop.report', (n) => ({ ...n, dependsOn: ['model.shop.stg_orders'] }), 'patched', 'tag:daily +extra'],
  ['depends_on onto the model a select= walks from', 'model.shop.report', (n) => ({ ...n, dependsOn: [...n.dependsOn, 'model.shop.extra'] }), 'full', 'extra+'],
  ['another tag that select= reads (evaluated again: the same nodes)', 'model.shop.report', (n) => ({ ...n, tags: ['finance'] }), 'patched', 'tag:daily tag:finance'],
  ["the ephemeral model's depends_on (its children's edges go through it)", 'model.shop.eph', (n) => ({ ...n, dependsOn: ['source.shop.raw.orders'] }), 'full'],
  ['the places of the ephemeral model', 'model.shop.eph', (n) => ({ ...n, locations: n.locations.map((l) => moved(l)) }), 'patched'],
  ['its name', 'model.shop.extra', (n) => ({ ...n, name: 'extras' }), 'full'],
  ['its package', 'model.shop.extra', (n) => ({ ...n, packageName: 'other' }), 'full'],
  ['a version', 'model.shop.orders', (n) => ({ ...n, version: 2 }), 'full'],
  ['a latest version', 'model.shop.orders', (n) => ({ ...n, latestVersion: 2 }), 'full'],
  ['a resource type', 'model.shop.extra', (n) => ({ ...n, resourceType: 'seed' }), 'full'],
  ["a source's source name", 'source.shop.raw.orders', (n) => ({ ...n, sourceName: 'landing' }), 'full'],
  ['its YAML entry moved to another file', 'model.shop.orders', (n) => ({ ...n, locations: [n.locations[0], loc('/w/shop/models/orders.yml', 1)] }), 'full'],
];

for (const withCode of [true, false]) {
  for (const [what, uniqueId, change, expected, select] of cases) {
    // with no @dbt_assets every model is an asset: the select= cases then change nothing a link reads
    const want = withCode || !/the tag select= reads|a select= walks from/.test(what) ? expected : 'patched';
    test(`dbt patch ${withCode ? 'with' : 'without'} code, ${what}: ${want}`, () => {
      const before = shop();
      const facts: WorkspaceFacts = { dbtProjects: [before], codeFiles: withCode ? code(select) : [], readerDiagnostics: [] };
      const prev = analyzeWorkspace(facts, NOW);
      const next = edited(before, uniqueId, change);
      const now: WorkspaceFacts = { ...facts, dbtProjects: [next] };
      const patched = relinkDbtProject(prev, now, before, next, NOW);
      if (want === 'full') {
        assert.equal(patched, undefined);
        return;
      }
      assert.ok(patched, 'patched');
      const full = analyzeWorkspace(now, NOW);
      assert.deepEqual(visibleLink(patched.graph, patched.diagnostics, patched.edgeProblems), visibleLink(full.graph, full.diagnostics, full.edgeProblems));
      // and a second patch over the first
      const again = edited(next, uniqueId, (n) => ({ ...n, description: `${n.description ?? ''} again`, locations: n.locations.map((l) => moved(l, 1)) }));
      const later: WorkspaceFacts = { ...facts, dbtProjects: [again] };
      const twice = relinkDbtProject(patched, later, next, again, NOW);
      assert.ok(twice, 'patched again');
      const full2 = analyzeWorkspace(later, NOW);
      assert.deepEqual(visibleLink(twice.graph, twice.diagnostics, twice.edgeProblems), visibleLink(full2.graph, full2.diagnostics, full2.edgeProblems));
    });
  }
}

test('dbt patch: a partition warning at a source() call that depends_on lacks moves with the call', () => {
  const monthly = { shape: { type: 'monthly', start: '2023-01-01', end: '2023-04-01' }, name: 'monthly', location: loc('/w/defs/partitions.py', 3) } as const;
  const daily = { shape: { type: 'daily', start: '2022-12-01', end: '2023-04-01' }, name: 'daily', location: loc('/w/defs/partitions.py', 4) } as const;
  const [binding, raw] = code();
  const codeFiles = [
    { ...binding, dbtBindings: [{ ...binding.dbtBindings[0], partitions: { kind: 'inline', def: daily } as const }] },
    { ...raw, assets: [{ ...raw.assets[0], partitions: { kind: 'inline', def: monthly } as const }] },
  ];
  // report reads the raw table straight from its source(), which its depends_on does not list: the edge is the call's
  const before = edited(shop(), 'model.shop.report', (n) => ({ ...n, sources: [{ target: { kind: 'dbt_source', sourceName: 'raw', table: 'orders' }, location: loc(sql('report'), 4) }] }));
  const facts: WorkspaceFacts = { dbtProjects: [before], codeFiles, readerDiagnostics: [] };
  const prev = analyzeWorkspace(facts, NOW);
  const at = (r: typeof prev) => r.diagnostics.filter((d) => d.code === 'partition-range').map((d) => `${d.location.file}:${d.location.range.start.line}`);
  assert.ok(at(prev).includes(`${sql('report')}:4`), `the warning is at the call: ${at(prev)}`);
  const next = edited(before, 'model.shop.report', (n) => ({ ...n, sources: n.sources.map((s) => ({ ...s, location: moved(s.location!, 3) })) }));
  const now: WorkspaceFacts = { ...facts, dbtProjects: [next] };
  const patched = relinkDbtProject(prev, now, before, next, NOW);
  assert.ok(patched, 'patched');
  assert.ok(at(patched).includes(`${sql('report')}:7`), `moved with the call: ${at(patched)}`);
  const full = analyzeWorkspace(now, NOW);
  assert.deepEqual(visibleLink(patched.graph, patched.diagnostics, patched.edgeProblems), visibleLink(full.graph, full.diagnostics, full.edgeProblems));
});
