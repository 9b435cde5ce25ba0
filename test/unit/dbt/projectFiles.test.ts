import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { readDbtProjectFiles } from '../../../server/src/sources/dbt/projectFiles';
import { readManifest } from '../../../server/src/sources/dbt/manifest';
import { DiskFileSource } from '../../../server/src/workspace/diskFileSource';
import { defaultAssetKey } from '../../../server/src/analysis/dbtKeys';
import type { DbtNode } from '../../../server/src/model/dbt';
import { MemoryFileSource, plain, repoRoot, sliceRange, lineOf } from './helpers';

const root = path.join(repoRoot(), 'examples/taxi/analytics');

function summary(nodes: DbtNode[]) {
  return nodes
    .filter((n) => ['model', 'seed', 'snapshot', 'source'].includes(n.resourceType))
    .map((n) => ({
      id: n.uniqueId,
      type: n.resourceType,
      name: n.name,
      fqn: n.fqn,
      deps: [...n.dependsOn].sort(),
      refs: n.refs.map((r) => r.target),
      sources: n.sources.map((s) => s.target),
      file: n.originalFilePath,
      materialized: n.materialized ?? null,
      description: n.description ?? null,
      key: defaultAssetKey(n),
    }))
    .sort((a, b) => a.id.localeCompare(b.id));
}

test('example project: files give the same nodes, refs, sources and edges as its manifest', () => {
  const files = readDbtProjectFiles(root, new DiskFileSource());
  assert.deepEqual(files.diagnostics, []);
  assert.equal(files.facts.name, 'analytics');
  assert.equal(files.facts.origin, 'files');
  const manifestPath = path.join(root, 'target/manifest.json');
  const m = readManifest(readFileSync(manifestPath), manifestPath, root, new DiskFileSource());
  assert.deepEqual(summary(files.facts.nodes), summary(m.facts!.nodes));
  assert.deepEqual(
    summary(files.facts.nodes).map((n) => n.id),
    [
      'model.analytics.daily_metrics',
      'model.analytics.location_metrics',
      'model.analytics.stg_trips',
      'model.analytics.stg_zones',
      'source.analytics.raw_taxis.trips',
      'source.analytics.raw_taxis.zones',
    ],
  );
  // the manifest's secondary (YAML) locations agree too
  const loc = (nodes: DbtNode[]) => nodes.map((n) => [n.uniqueId, plain(n.locations)] as const).sort((a, b) => a[0].localeCompare(b[0]));
  assert.deepEqual(loc(files.facts.nodes), loc(m.facts!.nodes));
});

test('example project: every definition range lies in its file and points at the right text', () => {
  const { facts } = readDbtProjectFiles(root, new DiskFileSource());
  const nodes = new Map(facts.nodes.map((n) => [n.uniqueId, n]));
  for (const n of facts.nodes) {
    assert.ok(n.locations.length >= 1, n.uniqueId);
    for (const l of n.locations) {
      const text = readFileSync(l.file, 'utf8');
      const lines = text.split('\n');
      assert.ok(l.range.start.line < lines.length && l.range.end.line < lines.length, `${n.uniqueId} ${l.file}`);
      assert.ok(l.range.end.character <= lines[l.range.end.line].length);
    }
  }
  const sourcesYml = readFileSync(path.join(root, 'models/sources.yml'), 'utf8');
  for (const t of ['trips', 'zones']) {
    const s = nodes.get(`source.analytics.raw_taxis.${t}`)!;
    assert.match(lineOf(sourcesYml, s.locations[0].range.start.line), new RegExp(`- name: ${t}$`));
    assert.equal(sliceRange(sourcesYml, s.locations[0].range), t);
  }
  const loc = nodes.get('model.analytics.location_metrics')!;
  const sql = readFileSync(path.join(root, 'models/marts/location_metrics.sql'), 'utf8');
  assert.deepEqual(loc.refs.map((r) => sliceRange(sql, r.location!.range)), ['stg_trips', 'stg_zones']);
  assert.deepEqual(loc.refs.map((r) => r.location!.range.start.line), [1, 5]);
  const stg = nodes.get('model.analytics.stg_trips')!;
  const stgSql = readFileSync(path.join(root, 'models/staging/stg_trips.sql'), 'utf8');
  assert.equal(sliceRange(stgSql, stg.sources[0].location!.range), 'trips');
  const schema = readFileSync(path.join(root, 'models/marts/schema.yml'), 'utf8');
  assert.match(lineOf(schema, nodes.get('model.analytics.daily_metrics')!.locations[1].range.start.line), /- name: daily_metrics/);
});

test('project config, in-file config, versions, seeds, snapshots and packages', () => {
  const r = '/w/proj';
  const fs = new MemoryFileSource()
    .set(
      `${r}/dbt_project.yml`,
      [
        'name: proj',
        'model-paths: ["transform"]',
        'packages-install-path: deps',
        'models:',
        '  +meta: {team: data}',
        '  proj:',
        '    +schema: base',
        '    marts:',
        '      +materialized: table',
        '      +meta: {tier: gold}',
        'seeds:',
        '  proj:',
        '    +schema: raw',
      ].join('\n'),
    )
    .set(`${r}/transform/marts/orders.sql`, "{{ config(meta={'dagster': {'asset_key': ['custom', 'orders']}}) }}\nselect * from {{ ref('stg', v=1) }} join {{ ref('helpers', 'util') }}")
    .set(`${r}/transform/marts/eph.sql`, "{{ config(materialized='ephemeral', schema='x') }}\nselect * from {{ ref('stg') }} join {{ ref('countries') }}")
    .set(`${r}/transform/staging/stg_v1.sql`, "select * from {{ source('raw', 'orders') }}")
    .set(`${r}/transform/staging/stg_v2.sql`, "select * from {{ source('raw', 'orders') }}")
    .set(
      `${r}/transform/staging/props.yml`,
      [
        'version: 2',
        'models:',
        '  - name: stg',
        '    latest_version: 1',
        '    config:',
        '      schema: staging',
        '    versions:',
        '      - v: 1',
        '      - v: 2',
        'sources:',
        '  - name: raw',
        '    tables:',
        '      - name: orders',
        '        meta:',
        '          owner: ops',
      ].join('\n'),
    )
    .set(`${r}/seeds/countries.csv`, 'code,name\nnl,Netherlands\n')
    .set(`${r}/snapshots/snap.sql`, "{% snapshot orders_snap %}\n{{ config(unique_key='id', strategy='check') }}\nselect * from {{ ref('orders') }}\n{% endsnapshot %}")
    .set(`${r}/deps/helpers/dbt_project.yml`, 'name: helpers\n')
    .set(`${r}/deps/helpers/models/util.sql`, 'select 1');
  const { facts, diagnostics } = readDbtProjectFiles(r, fs);
  assert.deepEqual(diagnostics, []);
  const nodes = new Map(facts.nodes.map((n) => [n.uniqueId, n]));
  assert.deepEqual([...nodes.keys()].sort(), [
    'model.helpers.util',
    'model.proj.eph',
    'model.proj.orders',
    'model.proj.stg.v1',
    'model.proj.stg.v2',
    'seed.proj.countries',
    'snapshot.proj.orders_snap',
    'source.proj.raw.orders',
  ]);
  const orders = nodes.get('model.proj.orders')!;
  assert.equal(orders.configSchema, 'base');
  assert.equal(orders.materialized, 'table');
  assert.deepEqual(orders.configMeta, { team: 'data', tier: 'gold', dagster: { asset_key: ['custom', 'orders'] } });
  assert.deepEqual(orders.fqn, ['proj', 'marts', 'orders']);
  assert.deepEqual(orders.dependsOn, ['model.proj.stg.v1', 'model.helpers.util']);
  assert.deepEqual(defaultAssetKey(orders), ['custom', 'orders']);
  const eph = nodes.get('model.proj.eph')!;
  assert.equal(eph.materialized, 'ephemeral');
  assert.equal(eph.configSchema, 'x');
  // an unpinned ref goes to the latest version (1 here, not the highest)
  assert.deepEqual(eph.dependsOn, ['model.proj.stg.v1', 'seed.proj.countries']);
  const v2 = nodes.get('model.proj.stg.v2')!;
  assert.equal(v2.version, 2);
  assert.equal(v2.latestVersion, 1);
  assert.equal(v2.alias, 'stg_v2');
  assert.equal(v2.configSchema, 'staging');
  assert.deepEqual(v2.fqn, ['proj', 'staging', 'stg', 'v2']);
  assert.deepEqual(defaultAssetKey(v2), ['stg_v2']);
  assert.deepEqual(v2.dependsOn, ['source.proj.raw.orders']);
  assert.equal(v2.locations[1].file, `${r}/transform/staging/props.yml`);
  assert.equal(v2.locations[1].range.start.line, 8);
  const seed = nodes.get('seed.proj.countries')!;
  assert.equal(seed.configSchema, 'raw');
  assert.deepEqual(defaultAssetKey(seed), ['raw', 'countries']);
  assert.deepEqual(seed.locations[0].range, { start: { line: 0, character: 0 }, end: { line: 0, character: 9 } });
  const snap = nodes.get('snapshot.proj.orders_snap')!;
  assert.deepEqual(snap.dependsOn, ['model.proj.orders']);
  assert.deepEqual(snap.fqn, ['proj', 'snap', 'orders_snap']);
  const src = nodes.get('source.proj.raw.orders')!;
  assert.deepEqual(src.meta, { owner: 'ops' });
  assert.deepEqual(defaultAssetKey(src), ['raw', 'orders']);
  assert.deepEqual(nodes.get('model.helpers.util')!.fqn, ['helpers', 'util']);
});

test('files over the size limit are skipped with a log line; unreadable files are ignored', () => {
  const r = '/w/big';
  const fs = new MemoryFileSource()
    .set(`${r}/dbt_project.yml`, 'name: big\n')
    .set(`${r}/models/small.sql`, "select * from {{ ref('huge') }}")
    .set(`${r}/models/huge.sql`, 'select 1 -- ' + 'x'.repeat(5000));
  const { facts, diagnostics } = readDbtProjectFiles(r, fs, { maxFileBytes: 1000 });
  assert.deepEqual(facts.nodes.map((n) => n.uniqueId), ['model.big.small']);
  assert.equal(diagnostics.length, 1);
  assert.equal(diagnostics[0].code, 'file-skipped');
  assert.equal(diagnostics[0].severity, 'info');
  assert.equal(diagnostics[0].location.file, `${r}/models/huge.sql`);
  assert.ok(facts.log.some((l) => l.includes(`${r}/models/huge.sql`) && l.includes('skipped')));
  // unresolved ref stays in refs (for unknown-dbt-ref) but adds no edge
  assert.deepEqual(facts.nodes[0].dependsOn, []);
  assert.equal(facts.nodes[0].refs[0].target.name, 'huge');

  const missing = readDbtProjectFiles('/w/nothing-here', new MemoryFileSource());
  assert.deepEqual(missing.facts.nodes, []);
  assert.equal(missing.facts.name, 'nothing-here');
});

test('DbtResolver indexing only the names the linked nodes call links them as one indexing every node (seeded projects)', async () => {
  const { DbtResolver } = await import('../../../server/src/sources/dbt/projectFiles');
  const { Rng } = await import('../../robust/lib/prng');
  const rng = new Rng(20261125);
  const names = ['orders', 'customers', 'payments', 'stg_orders', 'dim_dates'];
  const packages = ['shop', 'utils', 'other'];
  for (let round = 0; round < 40; round++) {
    const nodes: DbtNode[] = [];
    for (let i = 0; i < 30; i++) {
      const type = rng.pick(['model', 'model', 'seed', 'snapshot', 'source', 'test']);
      const name = rng.pick(names);
      const pkg = rng.pick(packages);
      const version = rng.chance(0.2) ? rng.int(3) + 1 : undefined;
      nodes.push({
        uniqueId: `${type}.${pkg}.${name}.${i}`,
        resourceType: type,
        name,
        packageName: pkg,
        sourceName: type === 'source' ? rng.pick(['raw', 'landing']) : undefined,
        version,
        latestVersion: version !== undefined && rng.chance(0.5) ? 2 : undefined,
        tags: [],
        fqn: [pkg, name],
        dependsOn: [],
        refs: Array.from({ length: rng.int(3) }, () => ({
          target: { kind: 'dbt_ref' as const, name: rng.pick(names), package: rng.chance(0.3) ? rng.pick(packages) : undefined, version: rng.chance(0.2) ? rng.int(3) + 1 : undefined },
        })),
        sources: Array.from({ length: rng.int(2) }, () => ({ target: { kind: 'dbt_source' as const, sourceName: rng.pick(['raw', 'landing']), table: rng.pick(names) } })),
        locations: [],
      });
    }
    const calling = nodes.filter(() => rng.chance(0.2));
    const copy = (list: DbtNode[]) => list.map((n) => ({ ...n }));
    const a = copy(calling);
    const b = copy(calling);
    new DbtResolver(nodes, 'shop').link(a);
    new DbtResolver(nodes, 'shop', b).link(b);
    assert.deepEqual(
      b.map((n) => n.dependsOn),
      a.map((n) => n.dependsOn),
      `round ${round}`,
    );
  }
});
