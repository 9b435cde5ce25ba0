import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readTypeScriptFile } from '../../../server/src/sources/typescript';
import { analyzeWorkspace } from '../../../server/src/analysis/buildGraph';

const DIR = join('/proj', 'src');

async function link(files: Record<string, string>) {
  const codeFiles = await Promise.all(Object.entries(files).map(([name, text]) => readTypeScriptFile(join(DIR, name), text)));
  return analyzeWorkspace({ dbtProjects: [], codeFiles, readerDiagnostics: [] }).graph;
}

const TRIPS = 'import { asset } from "./dagster";\nexport const tripsAsset = asset({ key: ["raw", "taxi_trips"] }, async () => {});\n';

test('deps naming an imported asset variable resolve to the key its module gives it, alias included', async () => {
  const line = 'export const report = asset({ key: "trip_report", deps: [trips] }, async () => {});';
  const graph = await link({
    'trips.ts': TRIPS,
    'report.ts': ['import { asset } from "./dagster";', 'import { tripsAsset as trips } from "./trips";', line].join('\n'),
  });
  const up = graph.upstream('trip_report').map((e) => e.from);
  assert.deepEqual(up, ['raw/taxi_trips']);
  // the reference sits on the identifier, so go-to-definition works from it
  const ref = graph.referencesTo('raw/taxi_trips')[0];
  assert.equal(ref.location.file, join(DIR, 'report.ts'));
  assert.deepEqual(ref.location.range, { start: { line: 2, character: line.indexOf('[trips]') + 1 }, end: { line: 2, character: line.indexOf('[trips]') + 6 } });
});

test('an imported variable that no indexed module defines is not reported as an unknown key', async () => {
  const files = {
    'report.ts': [
      'import { asset } from "./dagster";',
      'import { external } from "@acme/assets";',
      'export const report = asset({ key: "trip_report", deps: [external, "nowhere"] }, async () => {});',
    ].join('\n'),
  };
  const codeFiles = await Promise.all(Object.entries(files).map(([name, text]) => readTypeScriptFile(join(DIR, name), text)));
  const result = analyzeWorkspace({ dbtProjects: [], codeFiles, readerDiagnostics: [] });
  // the string literal is still checked; the variable is not guessed at
  assert.deepEqual(
    result.diagnostics.filter((d) => d.code === 'unknown-asset-key').map((d) => d.message.split(';')[0]),
    result.diagnostics.filter((d) => d.code === 'unknown-asset-key' && d.message.includes('nowhere')).map((d) => d.message.split(';')[0]),
  );
  assert.equal(result.diagnostics.filter((d) => d.code === 'unknown-asset-key').length, 1);
  assert.deepEqual(result.graph.upstream('trip_report'), []);
});
