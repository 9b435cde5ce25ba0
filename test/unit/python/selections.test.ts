import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readPy, textAt, r } from './helpers';

const TEXT = `from dagster import AssetKey, AssetSelection, AssetSpec, asset, define_asset_job, materialize
from dagster_dbt import get_asset_key_for_model, get_asset_key_for_source

from .dbt import dbt_analytics


@asset
def local_fn():
    pass


job_a = define_asset_job(name="job_a", selection=AssetSelection.assets("a/b", local_fn) | AssetSelection.keys("c/d").upstream())
job_b = define_asset_job("job_b", selection=["x/y", "z*", local_fn, AssetKey("one/part")])
job_c = define_asset_job(name="job_c", selection="solo")

result = materialize([local_fn, dbt_analytics, AssetSpec("spec_key")])

loose = AssetSelection.keys("loose/sel")
mentioned = AssetKey("m/one")
model_key = get_asset_key_for_model([dbt_analytics], "stg_trips")
source_key = get_asset_key_for_source([dbt_analytics], "raw_taxis")
`;

test('define_asset_job selections: keys ("a/b" split), python names, ids', async () => {
  const f = await readPy(TEXT);
  const jobs = f.selections.filter((s) => s.kind === 'define_asset_job');
  assert.deepEqual(jobs.map((j) => [j.name, j.definitionNames ?? []]), [
    ['job_a', ['local_fn']],
    ['job_b', ['local_fn']],
    ['job_c', []],
  ]);
  assert.equal(textAt(TEXT, jobs[0].location.range), 'job_a');
  const refsOf = (id: string) =>
    f.references.filter((x) => x.selectionId === id).map((x) => [x.target.kind === 'key' ? x.target.key : null, x.role, textAt(TEXT, x.location.range)]);
  assert.deepEqual(refsOf(jobs[0].id), [
    [['a', 'b'], 'selection', 'a/b'],
    [['c', 'd'], 'selection', 'c/d'],
  ]);
  assert.deepEqual(refsOf(jobs[1].id), [
    [['x', 'y'], 'selection', 'x/y'],
    [['z'], 'selection', 'z*'],
    // AssetKey("one/part") stays ONE part even inside a selection
    [['one/part'], 'selection', 'one/part'],
  ]);
  assert.deepEqual(refsOf(jobs[2].id), [[['solo'], 'selection', 'solo']]);
  const aRef = f.references.find((x) => x.selectionId === jobs[0].id)!;
  assert.deepEqual(aRef.location.range, r(11, 72, 11, 75));
});

test('materialize: python names and spec keys', async () => {
  const f = await readPy(TEXT);
  const m = f.selections.find((s) => s.kind === 'materialize')!;
  assert.deepEqual(m.definitionNames, ['local_fn', 'dbt_analytics']);
  const refs = f.references.filter((x) => x.selectionId === m.id);
  assert.deepEqual(refs.map((x) => x.target), [{ kind: 'key', key: ['spec_key'] }]);
  // a spec inside materialize is a selection, not a new asset
  assert.deepEqual(f.assets.map((a) => a.key), [['local_fn']]);
});

test('free-standing selections and mentions', async () => {
  const f = await readPy(TEXT);
  const sel = f.selections.filter((s) => s.kind === 'AssetSelection');
  assert.equal(sel.length, 1);
  const rest = f.references.filter((x) => !x.selectionId || x.selectionId === sel[0].id);
  assert.deepEqual(
    rest.map((x) => [x.target, x.role, x.form, textAt(TEXT, x.location.range)]),
    [
      [{ kind: 'key', key: ['loose', 'sel'] }, 'selection', 'selection', 'loose/sel'],
      [{ kind: 'key', key: ['m/one'] }, 'mention', 'asset_key', 'm/one'],
      [{ kind: 'dbt_ref', name: 'stg_trips' }, 'mention', 'model_lookup', 'stg_trips'],
      [{ kind: 'dbt_source', sourceName: 'raw_taxis' }, 'mention', 'source_lookup', 'raw_taxis'],
    ],
  );
});

test('selection through a module-level AssetSelection variable', async () => {
  const text = `import dagster as dg

raw = dg.AssetSelection.keys("raw_location")
daily_job = dg.define_asset_job(name="daily_job", selection=raw)
`;
  const f = await readPy(text);
  const job = f.selections.find((s) => s.kind === 'define_asset_job')!;
  const refs = f.references.filter((x) => x.selectionId === job.id);
  assert.deepEqual(refs.map((x) => x.target), [{ kind: 'key', key: ['raw_location'] }]);
  // not reported a second time as a free-standing selection
  assert.equal(f.selections.length, 1);
  assert.equal(f.references.length, 1);
});
