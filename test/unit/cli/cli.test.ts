import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { main } from '../../../server/src/cli';

const ROOT = join(__dirname, '../../../..');
const TAXI = join(ROOT, 'examples/taxi');
const BROKEN = join(ROOT, 'examples/broken');

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, (s) => (out += s), (s) => (err += s));
  return { code, out, err };
}

test('keys --format json on examples/taxi: the whole cross-language graph with partitions', async () => {
  const r = await run('keys', TAXI, '--format', 'json');
  assert.equal(r.code, 0, r.err);
  const keys = JSON.parse(r.out) as { key: string; kind: string; partitions: { type: string; count: number; start: string; end: string } | null; file: string; line: number }[];
  const byKey = new Map(keys.map((k) => [k.key, k]));
  for (const m of ['stg_trips', 'stg_zones', 'daily_metrics', 'location_metrics']) {
    const k = byKey.get(m);
    assert.ok(k, `missing ${m}`);
    assert.equal(k.kind, 'dbt_model');
    assert.deepEqual(k.partitions, { type: 'daily', count: 90, start: '2023-01-01', end: '2023-04-01' });
    assert.match(k.file, new RegExp(`^analytics/models/.*/${m}\\.sql$`));
    assert.ok(k.line >= 1);
  }
  assert.deepEqual(byKey.get('taxi_trips')?.partitions, { type: 'monthly', count: 3, start: '2023-01-01', end: '2023-04-01' });
  assert.equal(byKey.get('taxi_trips')?.kind, 'python');
  assert.equal(byKey.get('taxi_trips')?.file, 'defs/assets/trips.py');
  assert.equal(byKey.get('taxi_zones')?.partitions, null);
  assert.equal(byKey.get('manhattan_stats')?.kind, 'python');
  // sources are renamed by the translator and defined by Python: no raw_taxis/* keys remain
  assert.ok(![...byKey.keys()].some((k) => k.startsWith('raw_taxis/')), [...byKey.keys()].join(','));
  assert.ok([...byKey.values()].some((k) => k.kind === 'ts'), 'the TypeScript assets are indexed');
});

test('keys text output lists key, kind, partitions badge and file:line', async () => {
  const r = await run('keys', TAXI);
  assert.equal(r.code, 0);
  assert.match(r.out, /^taxi_trips\s+python\s+monthly ·3\s+defs\/assets\/trips\.py:\d+$/m);
  assert.match(r.out, /^stg_trips\s+dbt model\s+daily ·90\s+analytics\/models\/.*stg_trips\.sql:\d+$/m);
  assert.match(r.out, /^\d+ assets$/m);
});

test('lineage taxi_trips --down: taxi_trips → stg_trips → daily_metrics → manhattan_stats', async () => {
  const r = await run('lineage', 'taxi_trips', TAXI, '--down');
  assert.equal(r.code, 0, r.err);
  const lines = r.out.split('\n');
  const at = (k: string) => lines.findIndex((l) => new RegExp(`(^|→ )${k} `).test(l));
  const indent = (k: string) => lines[at(k)].indexOf(k);
  for (const k of ['taxi_trips', 'stg_trips', 'daily_metrics', 'manhattan_stats']) assert.ok(at(k) >= 0, `${k} in\n${r.out}`);
  assert.ok(at('taxi_trips') < at('stg_trips') && at('stg_trips') < at('daily_metrics') && at('daily_metrics') < at('manhattan_stats'));
  assert.ok(indent('stg_trips') < indent('daily_metrics') && indent('daily_metrics') < indent('manhattan_stats'));
  assert.doesNotMatch(r.out, /upstream of/);
});

test('lineage --up --depth 1 stops after one level', async () => {
  const r = await run('lineage', 'daily_metrics', TAXI, '--up', '--depth', '1');
  assert.equal(r.code, 0);
  assert.match(r.out, /stg_trips/);
  assert.doesNotMatch(r.out, /taxi_trips/);
});

test('check on examples/taxi is clean', async () => {
  const r = await run('check', TAXI, '--format', 'json');
  const json = JSON.parse(r.out);
  assert.deepEqual(json.diagnostics, []);
  assert.ok(json.assets >= 8);
  assert.equal(r.code, 0);
});

test('check on examples/broken reports exactly one case of every code, exit 1', async () => {
  const r = await run('check', BROKEN, '--format', 'json');
  assert.equal(r.code, 1);
  const json = JSON.parse(r.out) as { diagnostics: { file: string; line: number; column: number; code: string; severity: string; message: string }[] };
  const got = json.diagnostics.map((d) => `${d.code} ${d.file}:${d.line}`).sort();
  assert.deepEqual(got, [
    'duplicate-asset-key defs/assets.py:26',
    'manifest-invalid warehouse/target/manifest.json:1',
    'mixed-partitions defs/jobs.py:4',
    'partition-mapping defs/assets.py:16',
    'partition-range defs/assets.py:11',
    'translator-not-evaluated defs/dbt.py:10',
    'unknown-asset-key defs/assets.py:21',
    'unknown-dbt-ref warehouse/models/orders.sql:4',
    'unknown-dbt-source warehouse/models/orders.sql:5',
  ]);
  const ref = json.diagnostics.find((d) => d.code === 'unknown-dbt-ref')!;
  assert.equal(ref.column, 'from {{ ref(\''.length + 1);
  assert.match(json.diagnostics.find((d) => d.code === 'unknown-asset-key')!.message, /Did you mean "daily_orders"/);
});

test('check --format sarif is SARIF 2.1.0 with one result per diagnostic', async () => {
  const r = await run('check', BROKEN, '--format', 'sarif');
  const s = JSON.parse(r.out);
  assert.equal(s.version, '2.1.0');
  assert.equal(s.runs[0].results.length, 9);
  assert.ok(s.runs[0].results.every((x: { ruleId: string; locations: unknown[] }) => x.ruleId && x.locations.length === 1));
});

test('graph --format dot and json', async () => {
  const dot = await run('graph', TAXI, '--format', 'dot');
  assert.equal(dot.code, 0);
  assert.match(dot.out, /^digraph assets \{/);
  assert.match(dot.out, /"taxi_trips" -> "stg_trips";/);
  const json = JSON.parse((await run('graph', TAXI, '--format', 'json')).out);
  assert.ok(json.edges.some((e: { from: string; to: string }) => e.from === 'daily_metrics' && e.to === 'manhattan_stats'));
});

test('bad arguments print usage and exit 2', async () => {
  for (const argv of [[], ['frobnicate'], ['keys', '--format', 'xml'], ['lineage'], ['lineage', 'x', TAXI, '--depth', 'many'], ['keys', '/nonexistent/dir'], ['keys', TAXI, '--bogus']]) {
    const r = await run(...argv);
    assert.equal(r.code, 2, argv.join(' '));
    assert.match(r.err, /usage: asset-lens/, argv.join(' '));
  }
  const unknown = await run('lineage', 'taxi_trip', TAXI);
  assert.equal(unknown.code, 2);
  assert.match(unknown.err, /did you mean "taxi_trips"/);
});
