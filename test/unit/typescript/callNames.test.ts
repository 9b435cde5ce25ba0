import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readTypeScriptFile, DEFAULT_TS_CALL_NAMES } from '../../../server/src/sources/typescript';

const FILE = '/proj/src/custom.ts';

const TEXT = [
  'export const a = defineAsset({ key: "custom_a", partitionsDef: new Daily({ startDate: "2023-01-01", endDate: "2023-01-08" }) }, fn);',
  'export const b = asset({ key: "default_b" }, fn);',
  'export const c = lib.defineAsset({ key: "custom_c", deps: [Key(["x", "y"])] }, fn);',
  'ctx.emitMaterialization({}, undefined, "reported");',
].join('\n');

test('custom call names are recognised, by last member name too', async () => {
  const f = await readTypeScriptFile(FILE, TEXT, {
    callNames: {
      asset: ['defineAsset'],
      assetKey: ['Key'],
      dailyPartitionsDefinition: ['Daily'],
      reportAssetMaterialization: ['emitMaterialization'],
    },
  });
  assert.deepEqual(
    f.assets.map((x) => x.key),
    [['custom_a'], ['custom_c']],
  );
  const p = f.assets[0].partitions;
  assert.ok(p && p.kind === 'inline');
  assert.deepEqual(p.def.shape, { type: 'daily', start: '2023-01-01', end: '2023-01-08' });
  assert.deepEqual(f.assets[1].deps.map((d) => d.target), [{ kind: 'key', key: ['x', 'y'] }]);
  assert.deepEqual(
    f.references.map((r) => [r.target, r.form]),
    [[{ kind: 'key', key: ['reported'] }, 'pipes']],
  );
});

test('an overridden role replaces its default names; spreading the defaults keeps them', async () => {
  const replaced = await readTypeScriptFile(FILE, TEXT, { callNames: { asset: ['defineAsset'] } });
  assert.ok(!replaced.assets.some((x) => x.key?.[0] === 'default_b'), 'asset(...) no longer counts');
  const extended = await readTypeScriptFile(FILE, TEXT, { callNames: { asset: [...DEFAULT_TS_CALL_NAMES.asset, 'defineAsset'] } });
  assert.deepEqual(
    extended.assets.map((x) => x.key?.join('/')),
    ['custom_a', 'default_b', 'custom_c'],
  );
  // roles not overridden keep their defaults: Daily is not a partitions class by default
  const a = extended.assets[0].partitions;
  assert.ok(a && a.kind === 'inline');
  assert.equal(a.def.shape.type, 'unknown');
});

test('without options only the default names count', async () => {
  const f = await readTypeScriptFile(FILE, TEXT);
  assert.deepEqual(
    f.assets.map((x) => x.key),
    [['default_b']],
  );
  assert.deepEqual(f.references, []);
});
