import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { readTypeScriptFile } from '../../../server/src/sources/typescript';
import { summarizePartitions } from '../../../server/src/model/partitions';
import type { CodeFileFacts } from '../../../server/src/model/code';
import { repoRoot, span } from './support';

const DIR = join(repoRoot, 'examples', 'taxi', 'ts');

async function readExample(name: string): Promise<CodeFileFacts> {
  const file = join(DIR, name);
  return readTypeScriptFile(file, readFileSync(file, 'utf8'));
}

test('zoneReport.ts: zone_report depends on location_metrics, partitioned by the imported dailyPartition', async () => {
  const f = await readExample('zoneReport.ts');
  assert.equal(f.assets.length, 1);
  const a = f.assets[0];
  assert.deepEqual(a.key, ['zone_report']);
  assert.equal(span(a.location.range), '9:10-9:21');
  assert.equal(span(a.extent.range), '7:0-18:2');
  assert.equal(a.group, 'reports');
  assert.deepEqual(
    a.deps.map((d) => [d.target, d.role, d.owner, span(d.location.range)]),
    [[{ kind: 'key', key: ['location_metrics'] }, 'dependency', 'zone_report', '10:12-10:28']],
  );
  assert.ok(a.partitions && a.partitions.kind === 'name');
  assert.equal(a.partitions.name, 'dailyPartition');
  // the linker follows the import to partitions.ts's symbols
  const imported = f.symbols.imports.dailyPartition;
  assert.deepEqual(imported, { module: join(DIR, 'partitions'), name: 'dailyPartition' });
  const partitions = await readExample('partitions.ts');
  assert.equal(partitions.symbols.module, imported.module);
  assert.equal(summarizePartitions(partitions.symbols.partitions[imported.name])?.count, 90);
  // the job selects the asset by key
  assert.deepEqual(
    f.selections.map((s) => [s.kind, s.name]),
    [['define_asset_job', 'zone_report_job']],
  );
  assert.deepEqual(
    f.references.map((r) => [r.target, r.role, r.selectionId === f.selections[0].id]),
    [[{ kind: 'key', key: ['zone_report'] }, 'selection', true]],
  );
  assert.deepEqual(f.symbols.definitions, { zoneReport: ['zone_report'] });
});

test('zoneReportPipes.ts: Pipes reports name zone_report', async () => {
  const f = await readExample('zoneReportPipes.ts');
  assert.deepEqual(f.assets, []);
  assert.deepEqual(
    f.references.map((r) => [r.target, r.role, r.form]),
    [
      [{ kind: 'key', key: ['zone_report'] }, 'mention', 'pipes'],
      [{ kind: 'key', key: ['zone_report'] }, 'mention', 'pipes'],
    ],
  );
});

test('dagster.ts (the typed stubs) defines nothing', async () => {
  const f = await readExample('dagster.ts');
  assert.deepEqual([f.assets, f.references, f.selections], [[], [], []]);
});

test('the example type-checks against its stubs (strict)', () => {
  const files = readdirSync(DIR)
    .filter((n) => n.endsWith('.ts'))
    .map((n) => join(DIR, n));
  assert.ok(files.length >= 4);
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    lib: ['lib.es2022.d.ts'],
    types: [],
  });
  const problems = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  assert.deepEqual(problems, []);
});
