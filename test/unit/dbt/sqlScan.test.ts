import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanSqlReferences } from '../../../server/src/sources/dbt/projectFiles';
import { scanPythonModel } from '../../../server/src/sources/dbt/pythonModelScan';
import { sliceRange } from './helpers';

const F = '/p/models/m.sql';

test('ref forms: name, package + name, v=, version=; ranges cover the name literal', () => {
  const sql = [
    "select * from {{ ref('stg_trips') }}",
    'join {{ ref("other_pkg", "shared") }}',
    "join {{ ref('customers', v=2) }} join {{ ref('orders', version='1') }}",
    "join {{ ref(package_name='p', model_name='named') }}",
  ].join('\n');
  const r = scanSqlReferences(sql, F);
  assert.deepEqual(
    r.refs.map((x) => x.target),
    [
      { kind: 'dbt_ref', name: 'stg_trips' },
      { kind: 'dbt_ref', name: 'shared', package: 'other_pkg' },
      { kind: 'dbt_ref', name: 'customers', version: 2 },
      { kind: 'dbt_ref', name: 'orders', version: '1' },
      { kind: 'dbt_ref', name: 'named', package: 'p' },
    ],
  );
  assert.deepEqual(r.refs.map((x) => sliceRange(sql, x.location.range)), ['stg_trips', 'shared', 'customers', 'orders', 'named']);
  assert.deepEqual(r.refs[0].location, { file: F, range: { start: { line: 0, character: 22 }, end: { line: 0, character: 31 } } });
});

test('source(): table range and source-name range', () => {
  const sql = "with x as (\n  select * from {{ source('raw_taxis', 'trips') }}\n)";
  const r = scanSqlReferences(sql, F);
  assert.equal(r.sources.length, 1);
  assert.deepEqual(r.sources[0].target, { kind: 'dbt_source', sourceName: 'raw_taxis', table: 'trips' });
  assert.equal(sliceRange(sql, r.sources[0].location.range), 'trips');
  assert.equal(sliceRange(sql, r.sources[0].sourceNameLocation.range), 'raw_taxis');
  assert.equal(r.sources[0].location.range.start.line, 1);
});

test('config(): literal schema, materialized, meta dict, tags', () => {
  const sql = `{{ config(schema='marts', materialized="ephemeral", tags=['a', "b"], meta={'dagster': {'asset_key': ['x', 'y']}, 'n': 1, 'ok': True}) }}\nselect 1`;
  const r = scanSqlReferences(sql, F);
  assert.equal(r.config?.schema, 'marts');
  assert.equal(r.config?.materialized, 'ephemeral');
  assert.deepEqual(r.config?.tags, ['a', 'b']);
  assert.deepEqual(r.config?.meta, { dagster: { asset_key: ['x', 'y'] }, n: 1, ok: true });
});

test('half-typed and odd input never throws and yields no bogus refs', () => {
  for (const sql of [
    "select * from {{ ref('stg_",
    "{{ ref('stg_trips'",
    '{{ ref(',
    '{{ source("a", ',
    '{{ config(meta={"a": ',
    '{% snapshot %}',
    '{{',
    '',
    "-- {# {{ ref('in_comment') }} #}\n{{ ref(var('x')) }}",
  ]) {
    const r = scanSqlReferences(sql, F);
    assert.ok(r.refs.every((x) => x.target.name !== 'stg_' && x.target.name !== 'in_comment'), sql);
    assert.equal(r.sources.length, 0, sql);
  }
  // an unbalanced call does not swallow the rest of the file
  const u = scanSqlReferences("{{ ref('a' }}\nselect {{ ref('b') }}", F);
  assert.deepEqual(u.refs.map((x) => x.target.name), ['b']);
  // a complete ref before the cursor still counts
  const r = scanSqlReferences("select * from {{ ref('a') }} join {{ ref('b", F);
  assert.deepEqual(r.refs.map((x) => x.target.name), ['a']);
});

test('ref outside Jinja and method calls on other objects are not refs; snapshot blocks are found', () => {
  const sql = "select ref('x') from t -- plain SQL\n{% snapshot orders_snapshot %}\n{{ adapter.ref('y') }} {{ builtins.ref('z') }}\n{% endsnapshot %}";
  const r = scanSqlReferences(sql, F);
  assert.deepEqual(r.refs.map((x) => x.target.name), ['z']);
  assert.deepEqual(r.snapshots.map((s) => s.name), ['orders_snapshot']);
  assert.equal(sliceRange(sql, r.snapshots[0].location.range), 'orders_snapshot');
});

test('Python models: dbt.ref / dbt.source / dbt.config', () => {
  const py = [
    'def model(dbt, session):',
    '    dbt.config(materialized="table", schema=\'py\')',
    '    orders = dbt.ref("stg_orders")',
    "    other = dbt.ref('pkg', 'shared', v=2)",
    '    raw = dbt.source("raw", "payments")',
    '    half = dbt.ref("stg_',
    '    return orders',
  ].join('\n');
  const r = scanPythonModel(py, '/p/models/m.py');
  assert.deepEqual(
    r.refs.map((x) => x.target),
    [
      { kind: 'dbt_ref', name: 'stg_orders' },
      { kind: 'dbt_ref', name: 'shared', package: 'pkg', version: 2 },
    ],
  );
  assert.deepEqual(r.refs.map((x) => sliceRange(py, x.location.range)), ['stg_orders', 'shared']);
  assert.deepEqual(r.sources.map((x) => [sliceRange(py, x.sourceNameLocation.range), sliceRange(py, x.location.range)]), [['raw', 'payments']]);
  assert.equal(r.config?.materialized, 'table');
  assert.equal(r.config?.schema, 'py');
});

test('tokens split on any Unicode space; escapes in string literals are resolved; CRLF lines count', () => {
  const sql = ["{{\u00a0ref(\u2003'a\\'b'\u3000) }}", "{{ config(alias='x\\\\y', tags=['t\\u']) }}", '{{ ref(\t"c")\r\n}}', "{{ source('s', 't') }}"].join('\r\n');
  const r = scanSqlReferences(sql, F);
  assert.deepEqual(
    r.refs.map((x) => x.target.name),
    ["a'b", 'c'],
  );
  assert.equal(sliceRange(sql, r.refs[0].location.range), "a\\'b");
  assert.deepEqual(r.refs[1].location.range.start, { line: 2, character: 9 });
  assert.equal(r.config?.alias, 'x\\y');
  assert.deepEqual(r.config?.tags, ['tu']);
  assert.deepEqual(r.sources[0].location.range, { start: { line: 4, character: 16 }, end: { line: 4, character: 17 } });
});
