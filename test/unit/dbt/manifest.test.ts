import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { readManifest, manifestSchemaVersion } from '../../../server/src/sources/dbt/manifest';
import { DiskFileSource } from '../../../server/src/workspace/diskFileSource';
import { defaultAssetKey, effectiveUpstream } from '../../../server/src/analysis/dbtKeys';
import type { DbtNode } from '../../../server/src/model/dbt';
import { allManifests, MANIFEST_DIR, MemoryFileSource, plain, repoRoot, sliceRange, lineOf } from './helpers';

const COLLECTIONS = ['nodes', 'sources', 'exposures', 'unit_tests', 'metrics', 'semantic_models', 'saved_queries'];
const NOWHERE = '/nonexistent/asset-lens-project';

function load(file: string, root = NOWHERE): ReturnType<typeof readManifest> {
  return readManifest(readFileSync(file), file, root, new DiskFileSource());
}

function byId(nodes: DbtNode[]): Map<string, DbtNode> {
  return new Map(nodes.map((n) => [n.uniqueId, n]));
}

for (const file of allManifests()) {
  test(`manifest ${path.basename(file)}: node counts and edges equal the JSON`, () => {
    const json = JSON.parse(readFileSync(file, 'utf8'));
    const version = manifestSchemaVersion(json.metadata)!;
    const r = load(file);
    if (version < 4) {
      assert.equal(r.facts, undefined);
      assert.equal(r.diagnostics.length, 1);
      assert.equal(r.diagnostics[0].code, 'unsupported-manifest-version');
      assert.equal(
        r.diagnostics[0].message,
        `unsupported manifest version v${version} (dbt ${json.metadata.dbt_version}); Asset Lens reads v4–v12`,
      );
      assert.equal(r.diagnostics[0].location.file, file);
      assert.deepEqual(r.diagnostics[0].location.range.start, { line: 0, character: 0 });
      return;
    }
    assert.ok(r.facts);
    assert.deepEqual(r.diagnostics, []);
    const expected: Record<string, number> = {};
    const rawById = new Map<string, Record<string, unknown>>();
    for (const c of COLLECTIONS) {
      for (const raw of Object.values<Record<string, unknown>>(json[c] ?? {})) {
        expected[raw.resource_type as string] = (expected[raw.resource_type as string] ?? 0) + 1;
        rawById.set(raw.unique_id as string, raw);
      }
    }
    const actual: Record<string, number> = {};
    for (const n of r.facts.nodes) actual[n.resourceType] = (actual[n.resourceType] ?? 0) + 1;
    assert.deepEqual(actual, expected);
    for (const n of r.facts.nodes) {
      const raw = rawById.get(n.uniqueId)!;
      const deps = ((raw.depends_on as { nodes?: string[] } | undefined)?.nodes ?? []).slice();
      assert.deepEqual([...n.dependsOn].sort(), [...new Set(deps)].sort(), n.uniqueId);
      assert.equal(n.name, raw.name);
      assert.equal(n.packageName, raw.package_name);
      // no project files here, so no location may be invented (root_path is never used)
      assert.deepEqual(n.locations, [], n.uniqueId);
    }
    if (json.metadata.project_name) assert.equal(r.facts.name, json.metadata.project_name);
  });
}

test('project name of a pre-v10 manifest comes from the md5 project_id', () => {
  const r = load(path.join(MANIFEST_DIR, 'fivetran-dbt_ad_reporting__docs_v7_multipkg.json'));
  assert.equal(r.facts!.name, 'ad_reporting_integration_tests');
  const r4 = load(path.join(MANIFEST_DIR, 'FlipsideCrypto-ethereum-models__docs_v4.json'));
  assert.equal(r4.facts!.name, 'ethereum_models');
});

test('versioned models get [alias] keys and versioned refs (v10)', () => {
  const r = load(path.join(MANIFEST_DIR, 'astronomer-cosmos__model_version_v10.json'));
  const nodes = byId(r.facts!.nodes);
  const v1 = nodes.get('model.jaffle_shop.customers.v1')!;
  assert.equal(v1.version, 1);
  assert.equal(v1.latestVersion, 2);
  assert.deepEqual(defaultAssetKey(v1), ['customers_v1']);
  assert.deepEqual(defaultAssetKey(nodes.get('model.jaffle_shop.customers.v2')!), ['customers_v2']);
  assert.deepEqual(defaultAssetKey(nodes.get('model.jaffle_shop.orders')!), ['orders']);
  assert.deepEqual(
    v1.refs.map((x) => x.target),
    [
      { kind: 'dbt_ref', name: 'stg_customers', version: 1 },
      { kind: 'dbt_ref', name: 'stg_orders' },
      { kind: 'dbt_ref', name: 'stg_payments' },
    ],
  );
  assert.deepEqual(v1.dependsOn, ['model.jaffle_shop.stg_customers.v1', 'model.jaffle_shop.stg_orders.v1', 'model.jaffle_shop.stg_payments']);
});

test('list-of-lists refs (v7) are read and de-duplicated; sources keep [source, table]', () => {
  const r = load(path.join(MANIFEST_DIR, 'fivetran-dbt_ad_reporting__docs_v7_multipkg.json'));
  const nodes = byId(r.facts!.nodes);
  const m = r.facts!.nodes.find((n) => n.uniqueId === 'model.microsoft_ads_source.stg_microsoft_ads__account_daily_report')!;
  assert.deepEqual(
    m.refs.map((x) => x.target),
    [{ kind: 'dbt_ref', name: 'stg_microsoft_ads__account_daily_report_tmp' }],
  );
  assert.equal(m.configSchema, 'microsoft_ads_source');
  assert.deepEqual(defaultAssetKey(m), ['microsoft_ads_source', 'stg_microsoft_ads__account_daily_report']);
  const tmp = nodes.get('model.microsoft_ads_source.stg_microsoft_ads__account_daily_report_tmp')!;
  assert.equal(tmp.sources.length, 1);
  assert.equal(tmp.sources[0].target.kind, 'dbt_source');
  const src = nodes.get(tmp.dependsOn[0])!;
  assert.equal(src.resourceType, 'source');
  assert.deepEqual(defaultAssetKey(src), [src.sourceName, src.name]);
  assert.deepEqual(tmp.sources[0].target, { kind: 'dbt_source', sourceName: src.sourceName, table: src.name });
});

test('ephemeral models are walked through (real v7 and v12 manifests)', () => {
  const f = load(path.join(MANIFEST_DIR, 'fivetran-dbt_ad_reporting__docs_v7_multipkg.json')).facts!;
  const map = byId(f.nodes);
  const report = map.get('model.snapchat_ads.snapchat_ads__ad_report')!;
  const up = effectiveUpstream(report, map);
  assert.ok(!up.includes('model.snapchat_ads.snapchat_ads__creative_history_prep'));
  assert.deepEqual(
    [...up].sort(),
    [
      'model.snapchat_ads_source.stg_snapchat_ads__ad_account_history',
      'model.snapchat_ads_source.stg_snapchat_ads__ad_history',
      'model.snapchat_ads_source.stg_snapchat_ads__ad_hourly_report',
      'model.snapchat_ads_source.stg_snapchat_ads__creative_history',
      'model.snapchat_ads_source.stg_snapchat_ads__creative_url_tag_history',
    ],
  );
  const b = load(path.join(MANIFEST_DIR, 'godatadriven-dbt-bouncer__dbt_project_1.12.json')).facts!;
  const bm = byId(b.nodes);
  assert.deepEqual(effectiveUpstream(bm.get('snapshot.dbt_bouncer_test_project.snapshot_orders')!, bm), ['seed.dbt_bouncer_test_project.raw_orders']);
});

test('cross-project nodes with empty original_file_path do not crash and get no location', () => {
  const r = load(path.join(MANIFEST_DIR, 'astronomer-cosmos__cross_project_downstream.json'), repoRoot());
  const up = r.facts!.nodes.find((n) => n.uniqueId === 'model.upstream.int_orders_enriched')!;
  assert.equal(up.originalFilePath, undefined);
  assert.deepEqual(up.locations, []);
  const down = r.facts!.nodes.find((n) => n.uniqueId === 'model.downstream.dim_payment_methods')!;
  assert.deepEqual(down.refs.map((x) => x.target), [{ kind: 'dbt_ref', name: 'int_orders_enriched', package: 'upstream' }]);
});

test('example manifest: locations are local files and point at the right text', () => {
  const root = path.join(repoRoot(), 'examples/taxi/analytics');
  const manifest = path.join(root, 'target/manifest.json');
  const r = readManifest(readFileSync(manifest), manifest, root, new DiskFileSource());
  assert.equal(r.facts!.name, 'analytics');
  const nodes = byId(r.facts!.nodes);
  for (const n of r.facts!.nodes) {
    for (const loc of n.locations) {
      assert.ok(loc.file.startsWith(root + path.sep), loc.file);
      assert.ok(!loc.file.includes('/home/runner'));
    }
  }
  const trips = nodes.get('source.analytics.raw_taxis.trips')!;
  assert.equal(trips.locations.length, 1);
  const sourcesYml = readFileSync(path.join(root, 'models/sources.yml'), 'utf8');
  assert.equal(trips.locations[0].file, path.join(root, 'models/sources.yml'));
  assert.match(lineOf(sourcesYml, trips.locations[0].range.start.line), /- name: trips/);
  assert.equal(sliceRange(sourcesYml, trips.locations[0].range), 'trips');
  const stg = nodes.get('model.analytics.stg_trips')!;
  assert.equal(stg.locations.length, 2);
  assert.equal(stg.locations[0].file, path.join(root, 'models/staging/stg_trips.sql'));
  assert.deepEqual(stg.locations[0].range, { start: { line: 0, character: 0 }, end: { line: 0, character: 19 } });
  const schemaYml = readFileSync(path.join(root, 'models/staging/schema.yml'), 'utf8');
  assert.equal(stg.locations[1].file, path.join(root, 'models/staging/schema.yml'));
  assert.equal(sliceRange(schemaYml, stg.locations[1].range), 'stg_trips');
  assert.deepEqual(stg.dependsOn, ['source.analytics.raw_taxis.trips']);
  assert.equal(stg.refs.length, 0);
  assert.equal(nodes.get('model.analytics.daily_metrics')!.materialized, 'incremental');
});

test('package nodes resolve under dbt_packages/<pkg>; paths escaping the project are dropped', () => {
  const root = '/p/proj';
  const fs = new MemoryFileSource()
    .set(`${root}/dbt_project.yml`, 'name: proj\n')
    .set(`${root}/models/a.sql`, '\n\n  select 1\n')
    .set(`${root}/dbt_packages/helper_pkg/dbt_project.yml`, 'name: helper\n')
    .set(`${root}/dbt_packages/helper_pkg/models/h.sql`, 'select 2\n')
    .set(`${root}/dbt_packages/helper_pkg/models/props.yml`, 'version: 2\nmodels:\n  - name: other\n  - name: h\n')
    .set('/p/secret.sql', 'select 3\n');
  const manifest = {
    metadata: { dbt_schema_version: 'https://schemas.getdbt.com/dbt/manifest/v12.json', dbt_version: '1.9.0', project_name: 'proj' },
    nodes: {
      'model.proj.a': { unique_id: 'model.proj.a', resource_type: 'model', name: 'a', package_name: 'proj', original_file_path: 'models/a.sql', root_path: '/elsewhere/proj', config: {} },
      'model.helper.h': {
        unique_id: 'model.helper.h',
        resource_type: 'model',
        name: 'h',
        package_name: 'helper',
        original_file_path: 'models/h.sql',
        patch_path: 'helper://models/props.yml',
        config: { schema: 'util' },
      },
      'model.proj.evil': { unique_id: 'model.proj.evil', resource_type: 'model', name: 'evil', package_name: 'proj', original_file_path: '../secret.sql', config: {} },
      'seed.proj.gone': { unique_id: 'seed.proj.gone', resource_type: 'seed', name: 'gone', package_name: 'proj', original_file_path: 'seeds/gone.csv', config: {} },
    },
    sources: {},
  };
  const r = readManifest(Buffer.from(JSON.stringify(manifest)), `${root}/target/manifest.json`, root, fs);
  const nodes = byId(r.facts!.nodes);
  assert.deepEqual(plain(nodes.get('model.proj.a')!.locations), [
    { file: `${root}/models/a.sql`, range: { start: { line: 2, character: 2 }, end: { line: 2, character: 10 } } },
  ]);
  const h = nodes.get('model.helper.h')!;
  assert.equal(h.locations[0].file, `${root}/dbt_packages/helper_pkg/models/h.sql`);
  assert.equal(h.locations[1].file, `${root}/dbt_packages/helper_pkg/models/props.yml`);
  assert.deepEqual(h.locations[1].range, { start: { line: 3, character: 10 }, end: { line: 3, character: 11 } });
  assert.deepEqual(defaultAssetKey(h), ['util', 'h']);
  assert.deepEqual(nodes.get('model.proj.evil')!.locations, []);
  assert.deepEqual(nodes.get('seed.proj.gone')!.locations, []);
});

test('broken JSON reports the byte offset of the error', () => {
  const text = '{"metadata": {"dbt_version": "1.9.0"}, "nodes": {"é": x}}';
  const r = readManifest(Buffer.from(text), '/p/target/manifest.json', '/p', new MemoryFileSource());
  assert.equal(r.facts, undefined);
  const at = Buffer.from(text).indexOf('x');
  assert.equal(r.invalidJsonAt, at);
  assert.equal(r.diagnostics[0].code, 'manifest-invalid');
  assert.equal(r.diagnostics[0].message, `manifest.json is not valid JSON at byte ${at}`);
  const cut = readFileSync(path.join(MANIFEST_DIR, 'more/dbt-core__state_v12.json')).subarray(0, 5000);
  const r2 = readManifest(cut, '/p/target/manifest.json', '/p', new MemoryFileSource());
  assert.equal(r2.invalidJsonAt, 5000);
});
