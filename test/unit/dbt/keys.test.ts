import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  applyTranslator,
  defaultAssetKey,
  defaultGroupName,
  effectiveUpstream,
  findDuplicateKeys,
  isAssetNode,
} from '../../../server/src/analysis/dbtKeys';
import type { DbtNode } from '../../../server/src/model/dbt';
import type { TranslatorCase } from '../../../server/src/model/code';

function node(partial: Partial<DbtNode> & { uniqueId: string }): DbtNode {
  const [resourceType, pkg, ...rest] = partial.uniqueId.split('.');
  return {
    resourceType,
    name: rest[rest.length - 1],
    packageName: pkg,
    tags: [],
    fqn: [pkg, rest[rest.length - 1]],
    dependsOn: [],
    refs: [],
    sources: [],
    locations: [],
    ...partial,
  };
}

test('default key: plain model, configured schema, source, versioned model', () => {
  assert.deepEqual(defaultAssetKey(node({ uniqueId: 'model.p.orders' })), ['orders']);
  assert.deepEqual(defaultAssetKey(node({ uniqueId: 'model.p.orders', configSchema: 'marts' })), ['marts', 'orders']);
  assert.deepEqual(defaultAssetKey(node({ uniqueId: 'seed.p.countries', configSchema: 'raw' })), ['raw', 'countries']);
  assert.deepEqual(defaultAssetKey(node({ uniqueId: 'source.p.raw_taxis.trips', name: 'trips', sourceName: 'raw_taxis' })), ['raw_taxis', 'trips']);
  // versioned: [alias], even with a configured schema
  assert.deepEqual(
    defaultAssetKey(node({ uniqueId: 'model.p.customers.v2', name: 'customers', version: 2, alias: 'customers_v2', configSchema: 'marts' })),
    ['customers_v2'],
  );
});

test('meta.dagster.asset_key: config.meta first, then meta; a string is one part', () => {
  const both = node({
    uniqueId: 'model.p.orders',
    configMeta: { dagster: { asset_key: ['from', 'config'] } },
    meta: { dagster: { asset_key: ['from', 'meta'] } },
  });
  assert.deepEqual(defaultAssetKey(both), ['from', 'config']);
  // an empty config.meta falls back to meta (dagster-dbt: `config.meta or meta`)
  assert.deepEqual(defaultAssetKey(node({ uniqueId: 'model.p.orders', configMeta: {}, meta: { dagster: { asset_key: ['m'] } } })), ['m']);
  // a non-empty config.meta without asset_key hides meta's (no merging)
  assert.deepEqual(
    defaultAssetKey(node({ uniqueId: 'model.p.orders', configMeta: { owner: 'x' }, meta: { dagster: { asset_key: ['m'] } } })),
    ['orders'],
  );
  assert.deepEqual(defaultAssetKey(node({ uniqueId: 'model.p.orders', configMeta: { dagster: { asset_key: 'a/b' } } })), ['a/b']);
  assert.deepEqual(
    defaultAssetKey(node({ uniqueId: 'source.p.s.t', name: 't', sourceName: 's', meta: { dagster: { asset_key: ['taxi_t'] } } })),
    ['taxi_t'],
  );
});

test('assets: models, seeds, snapshots except ephemeral; ephemeral upstreams are walked through', () => {
  const src = node({ uniqueId: 'source.p.raw.orders', name: 'orders', sourceName: 'raw' });
  const e1 = node({ uniqueId: 'model.p.e1', materialized: 'ephemeral', dependsOn: ['source.p.raw.orders', 'model.p.e2'] });
  const e2 = node({ uniqueId: 'model.p.e2', materialized: 'ephemeral', dependsOn: ['seed.p.s', 'model.p.e1'] });
  const seed = node({ uniqueId: 'seed.p.s' });
  const test_ = node({ uniqueId: 'test.p.t' });
  const m = node({ uniqueId: 'model.p.m', materialized: 'table', dependsOn: ['model.p.e1', 'test.p.t', 'model.p.missing', 'seed.p.s'] });
  const byId = new Map([src, e1, e2, seed, test_, m].map((n) => [n.uniqueId, n]));
  assert.equal(isAssetNode(m), true);
  assert.equal(isAssetNode(seed), true);
  assert.equal(isAssetNode(node({ uniqueId: 'snapshot.p.snap' })), true);
  assert.equal(isAssetNode(e1), false);
  assert.equal(isAssetNode(src), false);
  assert.equal(isAssetNode(test_), false);
  assert.deepEqual(effectiveUpstream(m, byId).sort(), ['seed.p.s', 'source.p.raw.orders']);
  assert.deepEqual(effectiveUpstream(m, Object.fromEntries(byId)).sort(), ['seed.p.s', 'source.p.raw.orders']);
});

test('applyTranslator: first matching case wins, placeholders, prefix, default fallback', () => {
  const cases: TranslatorCase[] = [
    { when: { resourceType: ['source'] }, key: { kind: 'parts', parts: ['taxi_{name}'] } },
    { when: { name: ['special'] }, key: { kind: 'parts', parts: ['{package_name}', '{resource_type}', '{alias}'] } },
    { when: { notResourceType: ['seed'], notName: ['plain'] }, key: { kind: 'default', prefix: ['wh', 'dbt'] } },
  ];
  const src = node({ uniqueId: 'source.p.raw_taxis.trips', name: 'trips', sourceName: 'raw_taxis' });
  assert.deepEqual(applyTranslator(src, cases), ['taxi_trips']);
  assert.deepEqual(applyTranslator(node({ uniqueId: 'model.p.special', alias: 'special_tbl' }), cases), ['p', 'model', 'special_tbl']);
  assert.deepEqual(applyTranslator(node({ uniqueId: 'model.p.m', configSchema: 'marts' }), cases), ['wh', 'dbt', 'marts', 'm']);
  assert.deepEqual(applyTranslator(node({ uniqueId: 'model.p.plain' }), cases), ['plain']);
  assert.deepEqual(applyTranslator(node({ uniqueId: 'seed.p.s' }), cases), ['s']);
  assert.deepEqual(applyTranslator(src, [{ key: { kind: 'parts', parts: ['{source_name}', '{schema}', '{name}'] } }]), ['raw_taxis', '{schema}', 'trips']);
  assert.deepEqual(applyTranslator(src, null), ['raw_taxis', 'trips']);
  assert.deepEqual(applyTranslator(src, undefined), ['raw_taxis', 'trips']);
});

test('default group: meta.dagster.group, then the dbt group', () => {
  assert.equal(defaultGroupName(node({ uniqueId: 'model.p.m', meta: { dagster: { group: 'g1' } }, group: 'g2' })), 'g1');
  assert.equal(defaultGroupName(node({ uniqueId: 'model.p.m', group: 'g2' })), 'g2');
  assert.equal(defaultGroupName(node({ uniqueId: 'model.p.m' })), undefined);
});

test('duplicate keys are found across nodes', () => {
  const dups = findDuplicateKeys(
    new Map([
      ['model.p.a', ['x']],
      ['model.q.a', ['x']],
      ['model.p.b', ['y']],
    ]),
  );
  assert.deepEqual([...dups], [['x', ['model.p.a', 'model.q.a']]]);
});
