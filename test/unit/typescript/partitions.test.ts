import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readTypeScriptFile } from '../../../server/src/sources/typescript';
import { samePartitions, summarizePartitions, type PartitionsDef } from '../../../server/src/model/partitions';
import type { CodeFileFacts } from '../../../server/src/model/code';
import { repoRoot, span } from './support';

const FILE = '/proj/src/partitions.ts';

function inlineDef(f: CodeFileFacts, index: number): PartitionsDef {
  const p = f.assets[index].partitions;
  assert.ok(p && p.kind === 'inline', `asset ${index} has inline partitions`);
  return p.def;
}

test('the example daily partition: 2023-01-01..2023-04-01 is 90 daily partitions', async () => {
  const file = join(repoRoot, 'examples/taxi/ts/partitions.ts');
  const f = await readTypeScriptFile(file, readFileSync(file, 'utf8'));
  const def = f.symbols.partitions.dailyPartition;
  assert.ok(def, 'dailyPartition is a module-level partitions definition');
  assert.deepEqual(def.shape, { type: 'daily', start: '2023-01-01', end: '2023-04-01' });
  assert.equal(def.name, 'dailyPartition');
  assert.equal(def.location?.file, file);
  assert.equal(span(def.location!.range), '3:13-3:27');
  assert.deepEqual(summarizePartitions(def), { type: 'daily', count: 90, start: '2023-01-01', end: '2023-04-01' });
  // same value as the Python/dbt side's DailyPartitionsDefinition(start_date="2023-01-01", end_date="2023-04-01")
  assert.ok(samePartitions(def, { shape: { type: 'daily', start: '2023-01-01', end: '2023-04-01' } }));
});

test('time partitions: options, offsets, timezone, module constants', async () => {
  const text = [
    'const START = "2024-01-01";',
    "const END = `2024-01-02`;",
    'export const hourly = new HourlyPartitionsDefinition({ startDate: START, endDate: END, timezone: "Europe/Berlin", minuteOffset: 15 });',
    'export const weekly = new dg.WeeklyPartitionsDefinition({ startDate: "2024-01-01", dayOffset: 1, hourOffset: 6 });',
    'export const monthly = MonthlyPartitionsDefinition({ startDate: "2024-01-01", endOffset: -1 });',
  ].join('\n');
  const f = await readTypeScriptFile(FILE, text);
  assert.deepEqual(f.symbols.constants, { START: '2024-01-01', END: '2024-01-02' });
  const p = f.symbols.partitions;
  assert.deepEqual(p.hourly.shape, { type: 'hourly', start: '2024-01-01', end: '2024-01-02', timezone: 'Europe/Berlin', minuteOffset: 15 });
  // 00:15 .. 23:15 complete before midnight: 23 hourly windows
  assert.equal(summarizePartitions(p.hourly)?.count, 23);
  assert.deepEqual(p.weekly.shape, { type: 'weekly', start: '2024-01-01', dayOffset: 1, hourOffset: 6 });
  assert.deepEqual(p.monthly.shape, { type: 'monthly', start: '2024-01-01', endOffset: -1 });
});

test('static, dynamic and multi partitions; inline in an asset', async () => {
  const text = [
    'const regions = new StaticPartitionsDefinition(["eu", "us", "apac"]);',
    'const byDateAndRegion = new MultiPartitionsDefinition({ date: new DailyPartitionsDefinition({ startDate: "2023-01-01", endDate: "2023-01-11" }), region: regions });',
    'const customers = new DynamicPartitionsDefinition({ name: "customers" });',
    'export const a = asset({ key: "a", partitionsDef: new StaticPartitionsDefinition(["x", "y"]) }, fn);',
    'export const b = asset({ key: "b", partitionsDef: byDateAndRegion }, fn);',
  ].join('\n');
  const f = await readTypeScriptFile(FILE, text);
  const p = f.symbols.partitions;
  assert.deepEqual(p.regions.shape, { type: 'static', keys: ['eu', 'us', 'apac'] });
  assert.equal(summarizePartitions(p.regions)?.count, 3);
  assert.deepEqual(p.customers.shape, { type: 'dynamic', name: 'customers' });
  assert.equal(p.byDateAndRegion.shape.type, 'multi');
  assert.equal(summarizePartitions(p.byDateAndRegion)?.count, 30);
  assert.deepEqual(inlineDef(f, 0).shape, { type: 'static', keys: ['x', 'y'] });
  assert.equal(span(inlineDef(f, 0).location!.range), '3:50-3:92');
  // same-file names are inlined, keeping the name and its definition site
  const b = inlineDef(f, 1);
  assert.equal(b.name, 'byDateAndRegion');
  assert.equal(span(b.location!.range), '1:6-1:21');
});

test('imported and namespaced partitions stay symbolic; unevaluable ones are "unknown"', async () => {
  const text = [
    'import { dailyPartition } from "./partitions";',
    'import * as parts from "../shared/partitions";',
    'import { START } from "./dates";',
    'const computed = new DailyPartitionsDefinition({ startDate: START });',
    'export const a = asset({ key: "a", partitionsDef: dailyPartition }, fn);',
    'export const b = asset({ key: "b", partitionsDef: parts.monthly }, fn);',
    'export const c = asset({ key: "c", partitionsDef: computed }, fn);',
    'export const d = asset({ key: "d", partitionsDef: makePartitions() }, fn);',
  ].join('\n');
  const f = await readTypeScriptFile(FILE, text);
  const [a, b, c, d] = f.assets.map((x) => x.partitions);
  assert.ok(a && a.kind === 'name');
  assert.equal(a.name, 'dailyPartition');
  assert.equal(span(a.location.range), '4:50-4:64');
  assert.ok(b && b.kind === 'name');
  assert.equal(b.name, 'parts.monthly');
  // an imported constant cannot be evaluated in this file alone
  assert.ok(c && c.kind === 'inline');
  assert.equal(c.def.shape.type, 'unknown');
  assert.equal(c.def.name, 'computed');
  assert.ok(d && d.kind === 'inline');
  assert.deepEqual(d.def.shape, { type: 'unknown', text: 'makePartitions()' });
});
