import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeWorkspace } from '../../../server/src/analysis/buildGraph';
import type { CodeFileFacts, DbtNode, DbtProjectFacts, KeyReference, Location, PartitionsDef } from '../../../server/src/model';
import { emptyCodeFacts, range } from '../../../server/src/model';

const NOW = Date.UTC(2023, 5, 15);
const loc = (file: string, line: number, c0 = 0, c1 = 5): Location => ({ file, range: range(line, c0, line, c1) });

function node(partial: Partial<DbtNode> & Pick<DbtNode, 'uniqueId' | 'resourceType' | 'name'>): DbtNode {
  return { packageName: 'analytics', tags: [], fqn: ['analytics', partial.name], dependsOn: [], refs: [], sources: [], locations: [loc(`/w/analytics/models/${partial.name}.sql`, 0)], ...partial };
}

function dbtProject(): DbtProjectFacts {
  return {
    root: '/w/analytics',
    name: 'analytics',
    origin: 'manifest',
    log: [],
    nodes: [
      node({ uniqueId: 'source.analytics.raw_taxis.trips', resourceType: 'source', name: 'trips', sourceName: 'raw_taxis', locations: [loc('/w/analytics/models/sources.yml', 5)] }),
      node({ uniqueId: 'model.analytics.stg_trips', resourceType: 'model', name: 'stg_trips', dependsOn: ['source.analytics.raw_taxis.trips'] }),
      node({ uniqueId: 'model.analytics.eph', resourceType: 'model', name: 'eph', materialized: 'ephemeral', dependsOn: ['model.analytics.stg_trips'] }),
      node({ uniqueId: 'model.analytics.daily_metrics', resourceType: 'model', name: 'daily_metrics', dependsOn: ['model.analytics.eph'] }),
      node({ uniqueId: 'test.analytics.not_null', resourceType: 'test', name: 'not_null', dependsOn: ['model.analytics.stg_trips'] }),
    ],
  };
}

const monthly: PartitionsDef = { shape: { type: 'monthly', start: '2023-01-01', end: '2023-04-01' }, name: 'monthly_partition', location: loc('/w/defs/partitions.py', 3) };
const daily: PartitionsDef = { shape: { type: 'daily', start: '2023-01-01', end: '2023-04-01' }, name: 'daily_partition', location: loc('/w/defs/partitions.py', 4) };
const dailyOpen: PartitionsDef = { shape: { type: 'daily', start: '2023-01-01' }, name: 'daily_open', location: loc('/w/defs/partitions.py', 5) };

function codeFile(file: string, over: Partial<CodeFileFacts>): CodeFileFacts {
  const module = file.replace(/^\/w\//, '').replace(/\.py$/, '').replace(/\//g, '.');
  return { ...emptyCodeFacts(file, 'python', module), ...over };
}

const dep = (key: string[], file: string, line: number, extra: Partial<KeyReference> = {}): KeyReference => ({
  target: { kind: 'key', key },
  location: loc(file, line, 10, 10 + key.join('/').length),
  role: 'dependency',
  form: 'deps',
  ...extra,
});

function taxiFacts(opts: { dbtPartitions?: string; translatorCases?: null } = {}) {
  const partitionsFile = codeFile('/w/defs/partitions.py', {
    symbols: { module: 'defs.partitions', partitions: { monthly_partition: monthly, daily_partition: daily, daily_open: dailyOpen }, constants: {}, imports: {}, definitions: {} },
  });
  const trips = codeFile('/w/defs/assets/trips.py', {
    assets: [
      { key: ['taxi_trips'], kind: 'python', location: loc('/w/defs/assets/trips.py', 6), extent: { file: '/w/defs/assets/trips.py', range: range(5, 0, 12, 0) }, partitions: { kind: 'name', name: 'monthly_partition', location: loc('/w/defs/assets/trips.py', 5) }, deps: [] },
    ],
    symbols: { module: 'defs.assets.trips', partitions: {}, constants: {}, imports: { monthly_partition: { module: 'defs.partitions', name: 'monthly_partition' } }, definitions: { taxi_trips: ['taxi_trips'] } },
  });
  const dbtFile = codeFile('/w/defs/assets/dbt.py', {
    translators: [
      {
        name: 'CustomTranslator',
        location: loc('/w/defs/assets/dbt.py', 3),
        cases:
          opts.translatorCases === null
            ? null
            : [{ when: { resourceType: ['source'] }, key: { kind: 'parts', parts: ['taxi_{name}'] } }, { key: { kind: 'default', prefix: [] } }],
        reason: opts.translatorCases === null ? 'loops over meta' : undefined,
      },
    ],
    dbtBindings: [
      { name: 'dbt_analytics', location: loc('/w/defs/assets/dbt.py', 10), select: 'fqn:*', partitions: { kind: 'name', name: opts.dbtPartitions ?? 'daily_partition', location: loc('/w/defs/assets/dbt.py', 9) }, translator: { kind: 'name', name: 'CustomTranslator', location: loc('/w/defs/assets/dbt.py', 9) } },
    ],
    symbols: {
      module: 'defs.assets.dbt',
      partitions: {},
      constants: {},
      imports: { daily_partition: { module: 'defs.partitions', name: 'daily_partition' }, daily_open: { module: 'defs.partitions', name: 'daily_open' } },
      definitions: {},
    },
  });
  const metrics = codeFile('/w/defs/assets/metrics.py', {
    assets: [
      { key: ['manhattan_stats'], kind: 'python', location: loc('/w/defs/assets/metrics.py', 4), extent: { file: '/w/defs/assets/metrics.py', range: range(3, 0, 9, 0) }, deps: [dep(['daily_metrics'], '/w/defs/assets/metrics.py', 3)] },
    ],
  });
  return { partitionsFile, trips, dbtFile, metrics };
}

function run(files: CodeFileFacts[]) {
  return analyzeWorkspace({ dbtProjects: [dbtProject()], codeFiles: files, readerDiagnostics: [] }, NOW);
}

test('the translator makes the cross-language edge taxi_trips → stg_trips; ephemeral models are walked through', () => {
  const f = taxiFacts();
  const r = run(Object.values(f));
  const g = r.graph;
  assert.deepEqual(g.ids(), ['daily_metrics', 'manhattan_stats', 'stg_trips', 'taxi_trips']);
  assert.deepEqual(g.upstream('stg_trips').map((e) => e.from), ['taxi_trips']);
  assert.deepEqual(g.upstream('daily_metrics').map((e) => e.from), ['stg_trips']);
  assert.deepEqual(g.upstream('manhattan_stats').map((e) => e.from), ['daily_metrics']);
  assert.equal(g.get('taxi_trips')!.kind, 'python');
  // the source's YAML entry is a second location of the Python asset it names
  assert.ok(g.get('taxi_trips')!.locations.some((l) => l.file.endsWith('sources.yml')));
  assert.equal(g.get('taxi_trips')!.partitions?.name, 'monthly_partition');
  assert.equal(g.get('stg_trips')!.partitions?.name, 'daily_partition');
  assert.deepEqual(r.diagnostics, []);
});

test('without the translator the source keeps its default key and stays a dbt source', () => {
  const f = taxiFacts();
  f.dbtFile.translators = [];
  f.dbtFile.dbtBindings[0].translator = undefined;
  const g = run(Object.values(f)).graph;
  assert.equal(g.get('raw_taxis/trips')?.kind, 'dbt_source');
  assert.deepEqual(g.upstream('stg_trips').map((e) => e.from), ['raw_taxis/trips']);
  assert.deepEqual(g.downstream('taxi_trips'), []);
});

test('a translator that cannot be evaluated: one info at its definition, default keys used', () => {
  const f = taxiFacts({ translatorCases: null });
  const r = run(Object.values(f));
  const infos = r.diagnostics.filter((d) => d.code === 'translator-not-evaluated');
  assert.equal(infos.length, 1);
  assert.equal(infos[0].severity, 'info');
  assert.equal(infos[0].location.range.start.line, 3);
  assert.ok(r.graph.get('raw_taxis/trips'));
});

test('unknown key with did-you-mean; selection of an unknown key is an error', () => {
  const f = taxiFacts();
  f.metrics.assets[0].deps = [dep(['daily_metric'], '/w/defs/assets/metrics.py', 3)];
  f.metrics.references = [{ target: { kind: 'key', key: ['nope_nothing'] }, location: loc('/w/defs/assets/metrics.py', 20), role: 'selection', form: 'selection', selectionId: 'job1' }];
  const r = run(Object.values(f));
  const unknown = r.diagnostics.filter((d) => d.code === 'unknown-asset-key');
  assert.equal(unknown.length, 2);
  assert.equal(unknown[0].severity, 'warning');
  assert.equal(unknown[0].suggestion, 'daily_metrics');
  assert.match(unknown[0].message, /Did you mean "daily_metrics"/);
  assert.deepEqual(unknown[0].location.range, range(3, 10, 3, 22));
  assert.equal(unknown[1].severity, 'error');
});

test('get_asset_key_for_model / source lookups resolve through the translator or report unknown-dbt-*', () => {
  const f = taxiFacts();
  f.metrics.references = [
    { target: { kind: 'dbt_ref', name: 'stg_trips' }, location: loc('/w/defs/assets/metrics.py', 30), role: 'mention', form: 'model_lookup' },
    { target: { kind: 'dbt_ref', name: 'stg_trip' }, location: loc('/w/defs/assets/metrics.py', 31), role: 'mention', form: 'model_lookup' },
    { target: { kind: 'dbt_source', sourceName: 'raw_taxis', table: 'trips' }, location: loc('/w/defs/assets/metrics.py', 32), role: 'mention', form: 'source_lookup' },
    { target: { kind: 'dbt_source', sourceName: 'raw_taxi' }, location: loc('/w/defs/assets/metrics.py', 33), role: 'mention', form: 'source_lookup' },
  ];
  const r = run(Object.values(f));
  const refs = r.graph.referencesIn('/w/defs/assets/metrics.py');
  assert.equal(refs.find((x) => x.location.range.start.line === 30)?.resolved, 'stg_trips');
  assert.equal(refs.find((x) => x.location.range.start.line === 32)?.resolved, 'taxi_trips');
  const codes = r.diagnostics.map((d) => [d.code, d.location.range.start.line, d.suggestion]);
  assert.deepEqual(codes, [
    ['unknown-dbt-ref', 31, 'stg_trips'],
    ['unknown-dbt-source', 33, 'raw_taxis'],
  ]);
});

test('a duplicate key is an error at the later definition, pointing at the first', () => {
  const f = taxiFacts();
  f.metrics.assets.push({ key: ['stg_trips'], kind: 'python', location: loc('/w/defs/assets/metrics.py', 40), extent: { file: '/w/defs/assets/metrics.py', range: range(40, 0, 44, 0) }, deps: [] });
  const dups = run(Object.values(f)).diagnostics.filter((d) => d.code === 'duplicate-asset-key');
  assert.equal(dups.length, 1);
  assert.equal(dups[0].severity, 'error');
  assert.equal(dups[0].related?.length, 1);
  assert.equal(dups[0].location.file, '/w/defs/assets/metrics.py');
  assert.equal(dups[0].location.range.start.line, 40);
  assert.equal(dups[0].related![0].location.file, '/w/analytics/models/stg_trips.sql');
});

test('mixed-partitions: a job selecting monthly and daily assets; unpartitioned ones may ride along', () => {
  const f = taxiFacts();
  f.metrics.selections = [{ id: 'job:mixed', kind: 'define_asset_job', name: 'mixed_job', location: loc('/w/defs/assets/metrics.py', 50) }];
  f.metrics.references = [
    { target: { kind: 'key', key: ['taxi_trips'] }, location: loc('/w/defs/assets/metrics.py', 51), role: 'selection', form: 'selection', selectionId: 'job:mixed' },
    { target: { kind: 'key', key: ['stg_trips'] }, location: loc('/w/defs/assets/metrics.py', 52), role: 'selection', form: 'selection', selectionId: 'job:mixed' },
    { target: { kind: 'key', key: ['taxi_trips'] }, location: loc('/w/defs/assets/metrics.py', 60), role: 'selection', form: 'selection', selectionId: 'job:ok' },
    { target: { kind: 'key', key: ['manhattan_stats'] }, location: loc('/w/defs/assets/metrics.py', 61), role: 'selection', form: 'selection', selectionId: 'job:ok' },
  ];
  const mixed = run(Object.values(f)).diagnostics.filter((d) => d.code === 'mixed-partitions');
  assert.equal(mixed.length, 1);
  assert.equal(mixed[0].location.range.start.line, 50);
  assert.match(mixed[0].message, /mixed_job/);
  assert.equal(mixed[0].related?.length, 2);
});

test('materialize([fn]) resolves python definitions and @dbt_assets functions', () => {
  const f = taxiFacts();
  f.metrics.selections = [{ id: 'mat:1', kind: 'materialize', location: loc('/w/defs/assets/metrics.py', 70), definitionNames: ['taxi_trips', 'dbt_analytics'] }];
  f.metrics.symbols.imports = { taxi_trips: { module: 'defs.assets.trips', name: 'taxi_trips' }, dbt_analytics: { module: 'defs.assets.dbt', name: 'dbt_analytics' } };
  const mixed = run(Object.values(f)).diagnostics.filter((d) => d.code === 'mixed-partitions');
  assert.equal(mixed.length, 1);
  assert.match(mixed[0].message, /stg_trips|daily_metrics/);
});

test('partition-range: open-ended daily below monthly that ends 2023-04-01', () => {
  const f = taxiFacts({ dbtPartitions: 'daily_open' });
  const r = run(Object.values(f));
  const ranges = r.diagnostics.filter((d) => d.code === 'partition-range');
  assert.equal(ranges.length, 1);
  assert.match(ranges[0].message, /stg_trips .* taxi_trips .*after 2023-04-01/);
  assert.equal(ranges[0].location.range.start.line, 10); // the @dbt_assets binding
  assert.ok(r.edgeProblems.has('taxi_trips->stg_trips'));
});

test('partition-mapping: static below daily without a mapping; fine with one', () => {
  const f = taxiFacts();
  const staticDef: PartitionsDef = { shape: { type: 'static', keys: ['a', 'b'] } };
  f.metrics.assets[0].partitions = { kind: 'inline', def: staticDef };
  let r = run(Object.values(f));
  const m = r.diagnostics.filter((d) => d.code === 'partition-mapping');
  assert.equal(m.length, 1);
  assert.deepEqual(m[0].location.range, range(3, 10, 3, 23));
  f.metrics.assets[0].deps = [dep(['daily_metrics'], '/w/defs/assets/metrics.py', 3, { hasPartitionMapping: true })];
  r = run(Object.values(f));
  assert.equal(r.diagnostics.filter((d) => d.code === 'partition-mapping').length, 0);
});

test('re-linking the same facts gives the same result and never changes an earlier one (reused assets and references)', () => {
  const f = taxiFacts();
  const project = dbtProject();
  const link = () => analyzeWorkspace({ dbtProjects: [project], codeFiles: Object.values(f), readerDiagnostics: [] }, NOW);
  const first = link();
  const firstLocations = first.graph.get('taxi_trips')!.locations.map((l) => l.file);
  const second = link();
  const third = link();
  assert.deepEqual(second.graph.ids(), first.graph.ids());
  assert.deepEqual([...third.graph.assets.values()], [...first.graph.assets.values()]);
  assert.deepEqual([...third.graph.references()], [...first.graph.references()]);
  assert.deepEqual(third.diagnostics, first.diagnostics);
  // the source's location is merged into a copy: no snapshot, and no dbt node, sees it twice
  assert.deepEqual(first.graph.get('taxi_trips')!.locations.map((l) => l.file), firstLocations);
  assert.deepEqual(third.graph.get('taxi_trips')!.locations.map((l) => l.file), ['/w/defs/assets/trips.py', '/w/analytics/models/sources.yml']);
  assert.deepEqual(project.nodes[0].locations.map((l) => l.file), ['/w/analytics/models/sources.yml']);
  // the dbt project re-read (new node objects) while the Python file is unchanged (same facts, reused asset)
  const reread = analyzeWorkspace({ dbtProjects: [dbtProject()], codeFiles: Object.values(f), readerDiagnostics: [] }, NOW);
  assert.equal(reread.graph.get('taxi_trips')!.locations.length, 2);
  assert.deepEqual(first.graph.get('taxi_trips')!.locations.map((l) => l.file), firstLocations);
  // per-file lookups hold the merged asset, not the one it replaced
  for (const file of ['/w/defs/assets/trips.py', '/w/analytics/models/sources.yml']) {
    assert.deepEqual(third.graph.assetsIn(file).filter((a) => a.id === 'taxi_trips'), [third.graph.get('taxi_trips')]);
    assert.equal(third.graph.assetsIn(file).find((a) => a.id === 'taxi_trips'), third.graph.get('taxi_trips'));
  }
});

test('a changed fact gets a new asset and a new resolution; an unchanged one keeps its objects', () => {
  const f = taxiFacts();
  const project = dbtProject();
  const link = (files: CodeFileFacts[]) => analyzeWorkspace({ dbtProjects: [project], codeFiles: files, readerDiagnostics: [] }, NOW);
  const a = link(Object.values(f));
  const b = link(Object.values(f));
  assert.equal(b.graph.get('manhattan_stats'), a.graph.get('manhattan_stats'));
  assert.equal(b.graph.referencesIn('/w/defs/assets/metrics.py')[0], a.graph.referencesIn('/w/defs/assets/metrics.py')[0]);
  // the dependency's target disappears: same reference fact, different resolution
  const withoutDbt = analyzeWorkspace({ dbtProjects: [], codeFiles: Object.values(f), readerDiagnostics: [] }, NOW);
  const ref = withoutDbt.graph.referencesIn('/w/defs/assets/metrics.py')[0];
  assert.equal(ref.resolved, undefined);
  assert.equal(ref.wanted, 'daily_metrics');
  assert.equal(a.graph.referencesIn('/w/defs/assets/metrics.py')[0].resolved, 'daily_metrics');
  // a re-read file is new facts: new asset objects
  const metrics2 = { ...f.metrics, assets: f.metrics.assets.map((x) => ({ ...x })) };
  const c = link([f.partitionsFile, f.trips, f.dbtFile, metrics2]);
  assert.notEqual(c.graph.get('manhattan_stats'), a.graph.get('manhattan_stats'));
  assert.deepEqual(c.graph.get('manhattan_stats'), a.graph.get('manhattan_stats'));
});

test('cached dbt selections and keys follow a re-read dbt project (new facts), not the previous one', () => {
  const f = taxiFacts();
  const link = (project: DbtProjectFacts) => analyzeWorkspace({ dbtProjects: [project], codeFiles: Object.values(f), readerDiagnostics: [] }, NOW);
  const before = link(dbtProject());
  assert.ok(before.graph.get('daily_metrics'));
  const reread = dbtProject();
  reread.nodes = reread.nodes.filter((n) => n.name !== 'daily_metrics');
  reread.nodes.push(node({ uniqueId: 'model.analytics.weekly_metrics', resourceType: 'model', name: 'weekly_metrics', dependsOn: ['model.analytics.eph'] }));
  const after = link(reread);
  assert.equal(after.graph.get('daily_metrics'), undefined);
  assert.deepEqual(after.graph.upstream('weekly_metrics').map((e) => e.from), ['stg_trips']);
  assert.equal(after.graph.get('weekly_metrics')!.partitions?.name, 'daily_partition', 'selected by the @dbt_assets binding');
});
