import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { selectDbtNodes } from '../../../server/src/analysis/dbtSelect';
import { readManifest } from '../../../server/src/sources/dbt/manifest';
import { readDbtProjectFiles } from '../../../server/src/sources/dbt/projectFiles';
import { DiskFileSource } from '../../../server/src/workspace/diskFileSource';
import type { DbtNode } from '../../../server/src/model/dbt';
import { MANIFEST_DIR, repoRoot } from './helpers';

const taxi = readDbtProjectFiles(path.join(repoRoot(), 'examples/taxi/analytics'), new DiskFileSource()).facts.nodes;
const sel = (select: string, exclude?: string, nodes: DbtNode[] = taxi): string[] => [...selectDbtNodes(nodes, select, exclude)].sort();

const ALL = [
  'model.analytics.daily_metrics',
  'model.analytics.location_metrics',
  'model.analytics.stg_trips',
  'model.analytics.stg_zones',
  'source.analytics.raw_taxis.trips',
  'source.analytics.raw_taxis.zones',
];

test('default and fqn selection', () => {
  assert.deepEqual(sel('fqn:*'), ALL);
  assert.deepEqual(sel(''), ALL);
  assert.deepEqual(sel('stg_trips'), ['model.analytics.stg_trips']);
  assert.deepEqual(sel('staging'), ['model.analytics.stg_trips', 'model.analytics.stg_zones']);
  assert.deepEqual(sel('analytics.marts.*'), ['model.analytics.daily_metrics', 'model.analytics.location_metrics']);
  assert.deepEqual(sel('fqn:staging.stg_t*'), ['model.analytics.stg_trips']);
  assert.deepEqual(sel('*.stg_zones'), ['model.analytics.stg_zones']);
});

test('union, intersection, exclude', () => {
  assert.deepEqual(sel('stg_trips daily_metrics'), ['model.analytics.daily_metrics', 'model.analytics.stg_trips']);
  assert.deepEqual(sel('staging,stg_zones'), ['model.analytics.stg_zones']);
  assert.deepEqual(sel('fqn:*', 'staging source:raw_taxis'), ['model.analytics.daily_metrics', 'model.analytics.location_metrics']);
  assert.deepEqual(sel('resource_type:model', 'marts'), ['model.analytics.stg_trips', 'model.analytics.stg_zones']);
});

test('methods: path, file, source, resource_type, package, tag, config', () => {
  assert.deepEqual(sel('path:models/marts'), ['model.analytics.daily_metrics', 'model.analytics.location_metrics']);
  assert.deepEqual(sel('models/staging/stg_zones.sql'), ['model.analytics.stg_zones']);
  assert.deepEqual(sel('file:daily_metrics.sql'), ['model.analytics.daily_metrics']);
  assert.deepEqual(sel('source:raw_taxis.trips'), ['source.analytics.raw_taxis.trips']);
  assert.deepEqual(sel('source:raw_taxis'), ['source.analytics.raw_taxis.trips', 'source.analytics.raw_taxis.zones']);
  assert.deepEqual(sel('resource_type:source'), ['source.analytics.raw_taxis.trips', 'source.analytics.raw_taxis.zones']);
  assert.deepEqual(sel('package:analytics'), ALL);
  assert.deepEqual(sel('package:other'), []);
  assert.deepEqual(sel('config.materialized:incremental'), ['model.analytics.daily_metrics']);
  assert.deepEqual(sel('tag:nightly'), []);
  assert.deepEqual(sel('selector:unknown'), []);
});

test('graph operators: +m, m+, N+m, m+N, @m', () => {
  assert.deepEqual(sel('+daily_metrics'), ['model.analytics.daily_metrics', 'model.analytics.stg_trips', 'source.analytics.raw_taxis.trips']);
  assert.deepEqual(sel('1+daily_metrics'), ['model.analytics.daily_metrics', 'model.analytics.stg_trips']);
  assert.deepEqual(sel('stg_trips+'), ['model.analytics.daily_metrics', 'model.analytics.location_metrics', 'model.analytics.stg_trips']);
  assert.deepEqual(sel('source:raw_taxis.trips+1'), ['model.analytics.stg_trips', 'source.analytics.raw_taxis.trips']);
  assert.deepEqual(sel('@stg_zones'), [
    'model.analytics.location_metrics',
    'model.analytics.stg_trips',
    'model.analytics.stg_zones',
    'source.analytics.raw_taxis.trips',
    'source.analytics.raw_taxis.zones',
  ]);
});

test('tags, versioned model names and packages in a real manifest', () => {
  const file = path.join(MANIFEST_DIR, 'astronomer-cosmos__model_version_v10.json');
  const nodes = readManifest(readFileSync(file), file, '/nonexistent', new DiskFileSource()).facts!.nodes;
  assert.deepEqual(sel('customers', undefined, nodes), ['model.jaffle_shop.customers.v1', 'model.jaffle_shop.customers.v2']);
  assert.deepEqual(sel('customers_v1', undefined, nodes), ['model.jaffle_shop.customers.v1']);
  assert.deepEqual(sel('customers,version:latest', undefined, nodes), ['model.jaffle_shop.customers.v2']);
  const multi = path.join(MANIFEST_DIR, 'fivetran-dbt_ad_reporting__docs_v7_multipkg.json');
  const mn = readManifest(readFileSync(multi), multi, '/nonexistent', new DiskFileSource()).facts!.nodes;
  const expected = mn.filter((n) => n.packageName === 'linkedin' && n.resourceType === 'model').map((n) => n.uniqueId).sort();
  assert.ok(expected.length > 0);
  assert.deepEqual(sel('package:linkedin,resource_type:model', undefined, mn), expected);
  const tagged = mn.filter((n) => n.tags.length > 0);
  if (tagged.length) {
    const tag = tagged[0].tags[0];
    assert.deepEqual(sel(`tag:${tag}`, undefined, mn), mn.filter((n) => n.tags.includes(tag)).map((n) => n.uniqueId).sort());
  }
});
