import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readTypeScriptFile } from '../../../server/src/sources/typescript';
import type { KeyReference } from '../../../server/src/model/reference';
import { span, spanOf } from './support';

const FILE = '/proj/src/assets.ts';

function keyOf(r: KeyReference): readonly string[] | undefined {
  return r.target.kind === 'key' ? r.target.key : undefined;
}

function keys(refs: KeyReference[]): string[] {
  return refs.map((r) => (r.target.kind === 'key' ? r.target.key.join('/') : '?'));
}

test('asset with a string key: one part, location = string content, extent = whole statement', async () => {
  const text = [
    'import { asset } from "./dagster";', // 0
    '', // 1
    'export const trips = asset(', // 2
    '  { key: "taxi/trips", group: "raw", description: "All trips" },', // 3
    '  async () => {},', // 4
    ');', // 5
  ].join('\n');
  const f = await readTypeScriptFile(FILE, text);
  assert.equal(f.language, 'ts');
  assert.equal(f.assets.length, 1);
  const a = f.assets[0];
  assert.deepEqual(a.key, ['taxi/trips']);
  assert.equal(a.kind, 'ts');
  assert.equal(a.location.file, FILE);
  assert.equal(span(a.location.range), '3:10-3:20');
  assert.equal(span(a.extent.range), '2:0-5:2');
  assert.equal(a.group, 'raw');
  assert.equal(a.description, 'All trips');
  assert.deepEqual(f.symbols.definitions, { trips: ['taxi/trips'] });
});

test('asset keys: array, AssetKey(...), new AssetKey, keyPrefix, name, variable-name fallback', async () => {
  const text = [
    'const a = asset({ key: ["taxi", "trips"] }, fn);', // 0
    'const b = dg.asset({ key: AssetKey(["x", "y"]) }, fn);', // 1
    'const c = asset({ key: new AssetKey("one/part") }, fn);', // 2
    'const d = asset({ name: "zones", keyPrefix: ["raw", "nyc"] }, fn);', // 3
    'export const taxiFares = asset({ group: "g" }, fn);', // 4
    'asset({ keyPrefix: "p" }, function computed_thing() {});', // 5
  ].join('\n');
  const f = await readTypeScriptFile(FILE, text);
  assert.deepEqual(
    f.assets.map((a) => [a.key, span(a.location.range)]),
    [
      [['taxi', 'trips'], '0:25-0:38'],
      [['x', 'y'], '1:37-1:43'],
      [['one/part'], '2:37-2:45'],
      [['raw', 'nyc', 'zones'], '3:25-3:30'],
      [['taxiFares'], '4:13-4:22'],
      [['p', 'computed_thing'], '5:35-5:49'],
    ],
  );
  assert.deepEqual(f.symbols.definitions, {
    a: ['taxi/trips'],
    b: ['x/y'],
    c: ['one/part'],
    d: ['raw/nyc/zones'],
    taxiFares: ['taxiFares'],
  });
  // the AssetKey calls are part of the definitions, not extra mentions
  assert.deepEqual(f.references, []);
});

test('deps: strings, AssetKey, same-file asset variables, AssetDep with partition mapping; owner is the asset key', async () => {
  const text = [
    'export const trips = asset({ key: "taxi_trips" }, fn);', // 0
    'export const report = asset({', // 1
    '  key: "report",', // 2
    '  deps: ["zones", AssetKey(["raw", "fares"]), trips, AssetDep("weather", { partitionMapping: m })],', // 3
    '  ins: { taxi_zones: AssetIn({ key: "zones_in" }), lookup: {} },', // 4
    '}, fn);', // 5
    'export const later = asset({ key: "later" }, fn);', // 6
    'const early = asset({ key: "early", deps: [later] }, fn);', // 7
  ].join('\n');
  const f = await readTypeScriptFile(FILE, text);
  const report = f.assets.find((a) => a.key?.[0] === 'report');
  assert.ok(report);
  assert.deepEqual(keys(report.deps), ['zones', 'raw/fares', 'taxi_trips', 'weather', 'zones_in', 'lookup']);
  assert.deepEqual(
    report.deps.map((d) => [d.form, span(d.location.range)]),
    [
      ['deps', '3:10-3:15'],
      ['deps', '3:29-3:41'],
      ['deps', '3:46-3:51'],
      ['asset_dep', '3:63-3:70'],
      ['asset_in', '4:37-4:45'],
      ['asset_in', '4:51-4:57'],
    ],
  );
  assert.ok(report.deps.every((d) => d.role === 'dependency' && d.owner === 'report'));
  assert.deepEqual(
    report.deps.map((d) => d.hasPartitionMapping ?? false),
    [false, false, false, true, false, false],
  );
  // a variable declared further down still resolves
  const early = f.assets.find((a) => a.key?.[0] === 'early');
  assert.deepEqual(keys(early!.deps), ['later']);
  assert.deepEqual(f.references, []);
});

test('multiAsset specs inherit partitions and group; standalone assetSpec / new AssetSpec are assets', async () => {
  const text = [
    'const daily = new DailyPartitionsDefinition({ startDate: "2023-01-01" });', // 0
    'export const both = multiAsset({', // 1
    '  specs: [assetSpec({ key: "a", deps: ["up"] }), new AssetSpec(["b", "c"], { group: "own" })],', // 2
    '  partitionsDef: daily,', // 3
    '  group: "shared",', // 4
    '}, fn);', // 5
    'export const external = new AssetSpec({ key: "ext_table", description: "outside" });', // 6
  ].join('\n');
  const f = await readTypeScriptFile(FILE, text);
  assert.deepEqual(
    f.assets.map((a) => [a.key, span(a.location.range), span(a.extent.range), a.group, a.partitions?.kind]),
    [
      [['a'], '2:28-2:29', '1:0-5:7', 'shared', 'inline'],
      [['b', 'c'], '2:65-2:71', '1:0-5:7', 'own', 'inline'],
      [['ext_table'], '6:46-6:55', '6:0-6:84', undefined, undefined],
    ],
  );
  const a = f.assets[0];
  assert.deepEqual(keys(a.deps), ['up']);
  assert.equal(a.deps[0].owner, 'a');
  assert.equal(a.partitions?.kind === 'inline' && a.partitions.def.name, 'daily');
  assert.equal(f.assets[2].description, 'outside');
  assert.deepEqual(f.symbols.definitions, { both: ['a', 'b/c'], external: ['ext_table'] });
});

test('AssetKey outside definitions is a mention', async () => {
  const text = 'const watched = [AssetKey("orders"), new AssetKey(["s3", "raw"])];\nsensor({ asset: AssetKey("x/y") });\nconst u = AssetKey.fromUserString("p/q");';
  const f = await readTypeScriptFile(FILE, text);
  assert.deepEqual(
    f.references.map((r) => [keys([r])[0], r.role, r.form, span(r.location.range)]),
    [
      ['orders', 'mention', 'asset_key', spanOf(text, 'orders')],
      ['s3/raw', 'mention', 'asset_key', '0:52-0:61'],
      // AssetKey("x/y") is one part, as in Dagster
      ['x/y', 'mention', 'asset_key', spanOf(text, 'x/y')],
      ['p/q', 'mention', 'asset_key', spanOf(text, 'p/q')],
    ],
  );
  assert.deepEqual(keyOf(f.references[2]), ['x/y']);
  assert.deepEqual(keyOf(f.references[3]), ['p', 'q']);
});

test('defineAssetJob: selection strings split on "/", variables become definition names', async () => {
  const text = [
    'export const trips = asset({ key: "taxi_trips" }, fn);', // 0
    'export const job = defineAssetJob({', // 1
    '  name: "nightly",', // 2
    '  selection: [trips, "raw/zones", AssetKey(["one/part"]), "*fares+", "tag:x"],', // 3
    '});', // 4
  ].join('\n');
  const f = await readTypeScriptFile(FILE, text);
  assert.equal(f.selections.length, 1);
  const sel = f.selections[0];
  assert.equal(sel.kind, 'define_asset_job');
  assert.equal(sel.name, 'nightly');
  assert.equal(span(sel.location.range), '2:9-2:16');
  assert.deepEqual(sel.definitionNames, ['trips']);
  assert.deepEqual(
    f.references.map((r) => [keyOf(r), r.role, r.selectionId === sel.id, span(r.location.range)]),
    [
      [['raw', 'zones'], 'selection', true, '3:22-3:31'],
      [['one/part'], 'selection', true, '3:45-3:53'],
      // selection syntax around one key still names it; the range covers just the key
      [['fares'], 'selection', true, '3:60-3:65'],
    ],
  );
});

test('AssetSelection.assets/keys: standalone and inside a job; arrays are one key', async () => {
  const text = [
    'const sel = AssetSelection.keys("a/b", ["c", "d"]).downstream();', // 0
    'const job = defineAssetJob({ name: "j", selection: AssetSelection.assets("e").or(AssetSelection.keys("f/g")) });', // 1
    'const groups = AssetSelection.groups("raw");', // 2
  ].join('\n');
  const f = await readTypeScriptFile(FILE, text);
  assert.deepEqual(
    f.selections.map((s) => s.kind),
    ['AssetSelection', 'define_asset_job'],
  );
  const [standalone, job] = f.selections;
  assert.deepEqual(
    f.references.map((r) => [keys([r])[0], r.selectionId, span(r.location.range)]),
    [
      ['a/b', standalone.id, '0:33-0:36'],
      ['c/d', standalone.id, '0:41-0:47'],
      ['e', job.id, '1:74-1:75'],
      ['f/g', job.id, spanOf(text, 'f/g')],
    ],
  );
  assert.deepEqual(keyOf(f.references[0]), ['a', 'b']);
  assert.notEqual(standalone.id, job.id);
});

test('materialize([...]) selects asset variables and keys', async () => {
  const text = 'const a = asset({ key: "a" }, fn);\nawait materialize([a, AssetKey("b")]);';
  const f = await readTypeScriptFile(FILE, text);
  assert.equal(f.selections.length, 1);
  assert.equal(f.selections[0].kind, 'materialize');
  assert.deepEqual(f.selections[0].definitionNames, ['a']);
  assert.deepEqual(keys(f.references), ['b']);
  assert.equal(f.references[0].role, 'selection');
  assert.equal(f.references[0].selectionId, f.selections[0].id);
  assert.equal(span(f.references[0].location.range), '1:32-1:33');
});

test('Dagster Pipes reports: positional and options-object asset keys, "/" splits', async () => {
  const text = [
    'const context = openDagsterPipes();', // 0
    'context.reportAssetMaterialization({ rows: 3 }, "v1", "taxi/zone_report");', // 1
    'context.reportAssetMaterialization({ rows: 3 });', // 2
    'context.reportAssetCheck("not_empty", true, "WARN", {}, "zone_report");', // 3
    'context.reportAssetCheck({ checkName: "c", passed: false, assetKey: "checked" });', // 4
  ].join('\n');
  const f = await readTypeScriptFile(FILE, text);
  assert.deepEqual(
    f.references.map((r) => [keyOf(r), r.role, r.form, span(r.location.range)]),
    [
      [['taxi', 'zone_report'], 'mention', 'pipes', spanOf(text, 'taxi/zone_report')],
      [['zone_report'], 'mention', 'pipes', '3:57-3:68'],
      [['checked'], 'mention', 'pipes', spanOf(text, 'checked')],
    ],
  );
});

test('assetCheck({ asset }) mentions the checked asset: key or same-file asset variable', async () => {
  const text = [
    'export const trips = asset({ key: "taxi_trips" }, fn);', // 0
    'export const tripsNotEmpty = assetCheck({ asset: trips, name: "not_empty" }, fn);', // 1
    'export const zonesValid = assetCheck({ asset: ["taxi", "zones"], name: "valid" }, fn);', // 2
  ].join('\n');
  const f = await readTypeScriptFile(FILE, text);
  assert.equal(f.assets.length, 1);
  assert.deepEqual(
    f.references.map((r) => [keyOf(r), r.role, r.form, span(r.location.range)]),
    [
      [['taxi_trips'], 'mention', 'asset_check', '1:49-1:54'],
      [['taxi', 'zones'], 'mention', 'asset_check', '2:48-2:61'],
    ],
  );
});
