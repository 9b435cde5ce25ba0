import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readPythonFile } from '../../../server/src/sources/python';
import { analyzeWorkspace } from '../../../server/src/analysis/buildGraph';

const TRIPS = 'from dagster import asset\n\n@asset(key="raw_trips")\ndef trips():\n    ...\n';

async function link(report: string) {
  const a = await readPythonFile('/p/defs/a.py', TRIPS, 'defs.a', false);
  const b = await readPythonFile('/p/defs/b.py', report, 'defs.b', false);
  return analyzeWorkspace({ dbtProjects: [], codeFiles: [a, b], readerDiagnostics: [] });
}

for (const [form, imports, dep] of [
  ['plain import', 'from defs.a import trips', 'trips'],
  ['aliased import', 'from defs.a import trips as t', 't'],
  ['module alias, dotted', 'import defs.a as mod', 'mod.trips'],
] as const) {
  test(`deps=[${dep}] (${form}) resolves to the key the defining module gives the function`, async () => {
    const r = await link(`from dagster import asset\n${imports}\n\n@asset(deps=[${dep}])\ndef report():\n    ...\n`);
    assert.deepEqual(r.graph.upstream('report').map((e) => e.from), ['raw_trips']);
    assert.deepEqual(r.diagnostics.map((d) => d.code), []);
  });
}
