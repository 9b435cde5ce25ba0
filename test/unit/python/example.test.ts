import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import type { CodeFileFacts } from '../../../server/src/model/code';
import { summarizePartitions } from '../../../server/src/model/partitions';
import { pythonModuleName, readPythonFile } from '../../../server/src/sources/python';
import { REPO, diskSource, textAt } from './helpers';

const DEFS = path.join(REPO, 'examples/taxi/defs');

async function read(rel: string): Promise<{ facts: CodeFileFacts; text: string; module: string }> {
  const file = path.join(DEFS, rel);
  const text = diskSource.readText(file);
  assert.ok(text !== undefined, `missing ${file}`);
  const { module, isPackageInit } = pythonModuleName(file, diskSource);
  return { facts: await readPythonFile(file, text, module, isPackageInit), text, module };
}

test('example partitions.py: monthly (3) and daily (90) over 2023-01-01..2023-04-01', async () => {
  const { facts, module } = await read('partitions.py');
  assert.equal(module, 'defs.partitions');
  const p = facts.symbols.partitions;
  assert.deepEqual(Object.keys(p), ['monthly_partition', 'daily_partition']);
  assert.deepEqual(summarizePartitions(p.monthly_partition, 0), { type: 'monthly', count: 3, start: '2023-01-01', end: '2023-04-01' });
  assert.deepEqual(summarizePartitions(p.daily_partition, 0), { type: 'daily', count: 90, start: '2023-01-01', end: '2023-04-01' });
  assert.equal(p.monthly_partition.location?.range.start.line, 5);
});

test('example trips.py: taxi_trips is monthly by name, imported from defs.partitions', async () => {
  const { facts, module, text } = await read('assets/trips.py');
  assert.equal(module, 'defs.assets.trips');
  assert.deepEqual(facts.assets.map((a) => a.key?.join('/')), ['taxi_zones_file', 'taxi_zones', 'taxi_trips_file', 'taxi_trips']);
  const trips = facts.assets[3];
  assert.equal(trips.partitions?.kind, 'name');
  assert.equal(trips.partitions?.kind === 'name' && trips.partitions.name, 'monthly_partition');
  assert.deepEqual(facts.symbols.imports.monthly_partition, { module: 'defs.partitions', name: 'monthly_partition' });
  assert.equal(textAt(text, trips.location.range), 'taxi_trips');
  assert.deepEqual(trips.deps.map((d) => [d.target, d.form]), [[{ kind: 'key', key: ['taxi_trips_file'] }, 'deps']]);
  // resources and the context are not upstream assets
  assert.deepEqual(facts.assets[1].deps.map((d) => d.target), [{ kind: 'key', key: ['taxi_zones_file'] }]);
  assert.equal(facts.assets[1].partitions, undefined);
});

test('example dbt.py: translator cases and the dbt binding', async () => {
  const { facts, text } = await read('assets/dbt.py');
  assert.equal(facts.translators.length, 1);
  const t = facts.translators[0];
  assert.equal(t.name, 'CustomizedDagsterDbtTranslator');
  assert.deepEqual(t.cases, [
    { when: { resourceType: ['source'] }, key: { kind: 'parts', parts: ['taxi_{name}'] } },
    { key: { kind: 'default', prefix: [] } },
  ]);
  assert.equal(t.group, 'analytics');
  assert.equal(facts.dbtBindings.length, 1);
  const b = facts.dbtBindings[0];
  assert.equal(b.name, 'dbt_analytics');
  assert.equal(textAt(text, b.location.range), 'dbt_analytics');
  assert.equal(b.select, 'fqn:*');
  assert.equal(b.translator?.kind === 'name' && b.translator.name, 'CustomizedDagsterDbtTranslator');
  assert.equal(b.partitions?.kind === 'name' && b.partitions.name, 'daily_partition');
  assert.equal(b.projectDir, path.join(REPO, 'examples/taxi/analytics'));
  assert.deepEqual(facts.symbols.definitions, { dbt_analytics: [] });
  assert.deepEqual(facts.symbols.imports.daily_partition, { module: 'defs.partitions', name: 'daily_partition' });
});

test('example metrics.py and jobs.py', async () => {
  const metrics = await read('assets/metrics.py');
  assert.deepEqual(
    metrics.facts.assets.map((a) => [a.key?.join('/'), a.partitions ?? null, a.deps.map((d) => [d.target, d.form])]),
    [
      ['manhattan_stats', null, [[{ kind: 'key', key: ['daily_metrics'] }, 'asset_key']]],
      ['location_summary', null, [[{ kind: 'dbt_ref', name: 'location_metrics' }, 'model_lookup']]],
    ],
  );
  assert.equal(metrics.facts.references.length, 0);
  const jobs = await read('jobs.py');
  const job = jobs.facts.selections.find((s) => s.name === 'trip_update_job');
  assert.ok(job);
  assert.deepEqual(
    jobs.facts.references.filter((x) => x.selectionId === job.id).map((x) => x.target),
    [{ kind: 'key', key: ['taxi_trips'] }],
  );
});

test('every example file reads without diagnostics', async () => {
  for (const rel of ['__init__.py', 'definitions.py', 'jobs.py', 'partitions.py', 'resources.py', 'schedules.py', 'assets/__init__.py', 'assets/constants.py', 'assets/dbt.py', 'assets/metrics.py', 'assets/trips.py']) {
    const { facts } = await read(rel);
    assert.deepEqual(facts.diagnostics, [], rel);
    assert.ok(facts.assets.every((a) => a.key !== null), rel);
  }
});
