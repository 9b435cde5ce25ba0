import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readPy, textAt, r } from './helpers';

const ASSETS = `import dagster as dg
from dagster import AssetDep, AssetIn, AssetKey, DailyPartitionsDefinition, TimeWindowPartitionMapping, asset
from dagster_duckdb import DuckDBResource


@asset
def plain():
    """Plain asset."""


@dg.asset(name="renamed", group_name="g1")
def renamed_fn(context: dg.AssetExecutionContext, upstream_a, database: DuckDBResource, config: MyConfig):
    pass


@asset(key="a/b", deps=["x/y", AssetKey("k1"), AssetKey(["p", "q"]), AssetKey.from_user_string("s/t")])
def keyed():
    pass


@asset(key=["one", "two"], key_prefix="ignored")
def keyed_list():
    pass


@asset(key_prefix=["pre", "fix"], description="From the argument.")
def prefixed():
    """Not this."""


@asset(
    ins={"up": AssetIn(key="real_up", partition_mapping=TimeWindowPartitionMapping(start_offset=-1)), "other": AssetIn(key_prefix="lake")},
    deps=[AssetDep("dep_mapped", partition_mapping=TimeWindowPartitionMapping()), plain],
    partitions_def=DailyPartitionsDefinition(start_date="2024-01-01", end_date="2024-02-01"),
)
def with_ins(up, other, extra):
    pass
`;

test('@asset forms: keys, names, prefixes', async () => {
  const f = await readPy(ASSETS);
  const keys = f.assets.map((a) => a.key?.join('|'));
  assert.deepEqual(keys, ['plain', 'renamed', 'a/b', 'one|two', 'pre|fix|prefixed', 'with_ins']);
  const [plain, renamed, keyed, keyedList, prefixed, withIns] = f.assets;
  // location: the function name; with name= / key=, the literal
  assert.deepEqual(plain.location.range, r(6, 4, 6, 9));
  assert.equal(textAt(ASSETS, renamed.location.range), 'renamed');
  assert.deepEqual(renamed.location.range, r(10, 16, 10, 23));
  assert.equal(textAt(ASSETS, keyed.location.range), 'a/b');
  assert.equal(textAt(ASSETS, keyedList.location.range), '"one", "two"');
  assert.equal(textAt(ASSETS, prefixed.location.range), 'prefixed');
  // extent: decorator to end of function
  assert.deepEqual(plain.extent.range, r(5, 0, 7, 22));
  assert.equal(plain.description, 'Plain asset.');
  assert.equal(prefixed.description, 'From the argument.');
  assert.equal(renamed.group, 'g1');
  assert.equal(plain.partitions, undefined);
  assert.deepEqual(withIns.partitions, { kind: 'inline', def: { shape: { type: 'daily', start: '2024-01-01', end: '2024-02-01' } } });
  assert.deepEqual(f.symbols.definitions, {
    plain: ['plain'],
    renamed_fn: ['renamed'],
    keyed: ['a/b'],
    keyed_list: ['one/two'],
    prefixed: ['pre/fix/prefixed'],
    with_ins: ['with_ins'],
  });
});

test('parameters are inputs unless context, config or resources', async () => {
  const f = await readPy(ASSETS);
  const renamed = f.assets[1];
  assert.equal(renamed.deps.length, 1);
  const d = renamed.deps[0];
  assert.deepEqual(d.target, { kind: 'key', key: ['upstream_a'] });
  assert.equal(d.form, 'param');
  assert.equal(d.role, 'dependency');
  assert.deepEqual(d.location.range, r(11, 50, 11, 60));
});

test('deps: strings are one part, AssetKey forms, ranges cover the written key', async () => {
  const f = await readPy(ASSETS);
  const deps = f.assets[2].deps;
  assert.deepEqual(
    deps.map((d) => [d.target.kind === 'key' ? d.target.key : null, d.form, textAt(ASSETS, d.location.range)]),
    [
      [['x/y'], 'deps', 'x/y'],
      [['k1'], 'asset_key', 'k1'],
      [['p', 'q'], 'asset_key', '["p", "q"]'],
      [['s', 't'], 'asset_key', 's/t'],
    ],
  );
  assert.deepEqual(deps[0].location.range, r(15, 25, 15, 28));
  assert.ok(deps.every((d) => d.role === 'dependency'));
  // nothing from a dependency list leaks into the free-standing references
  assert.equal(f.references.length, 0);
});

test('ins=, AssetDep with partition_mapping, python-name deps', async () => {
  const f = await readPy(ASSETS);
  const deps = f.assets[5].deps;
  const summary = deps.map((d) => [d.target.kind === 'key' ? d.target.key.join('/') : '', d.form, !!d.hasPartitionMapping, textAt(ASSETS, d.location.range)]);
  assert.deepEqual(summary, [
    ['dep_mapped', 'asset_dep', true, 'dep_mapped'],
    // a function defined in this file resolves to its key
    ['plain', 'deps', false, 'plain'],
    ['real_up', 'asset_in', true, 'real_up'],
    ['lake/other', 'asset_in', false, 'other'],
    // `extra` is a plain parameter; `up` / `other` are covered by ins=
    ['extra', 'param', false, 'extra'],
  ]);
});

test('imported function names in deps stay symbolic for the linker', async () => {
  const text = `from dagster import asset
from .trips import taxi_trips as tt
from . import other

@asset(deps=[tt, other.thing])
def down():
    pass
`;
  const f = await readPy(text);
  const deps = f.assets[0].deps;
  assert.deepEqual(deps.map((d) => [d.form, d.target]), [
    ['deps_name', { kind: 'key', key: ['taxi_trips'] }],
    ['deps_name', { kind: 'key', key: ['thing'] }],
  ]);
  assert.deepEqual(f.symbols.imports.tt, { module: 'defs.assets.trips', name: 'taxi_trips' });
  assert.deepEqual(f.symbols.imports['other.thing'], { module: 'defs.assets.other', name: 'thing' });
});

test('multi_asset with specs and outs', async () => {
  const text = `from dagster import AssetOut, AssetSpec, multi_asset, StaticPartitionsDefinition

colors = StaticPartitionsDefinition(["red", "green"])

@multi_asset(
    specs=[AssetSpec("s1", deps=["up1"], group_name="own"), AssetSpec(["s", "2"], partitions_def=colors)],
    group_name="shared",
)
def two_specs():
    pass

@multi_asset(outs={"o1": AssetOut(), "o2": AssetOut(key_prefix="pre"), "o3": AssetOut(key=["x", "y"])}, deps=["shared_up"])
def three_outs():
    pass
`;
  const f = await readPy(text);
  assert.deepEqual(
    f.assets.map((a) => [a.key, a.group ?? null, textAt(text, a.location.range), a.deps.map((d) => (d.target.kind === 'key' ? d.target.key.join('/') : ''))]),
    [
      [['s1'], 'own', 's1', ['up1']],
      [['s', '2'], 'shared', '"s", "2"', []],
      [['o1'], null, 'o1', ['shared_up']],
      [['pre', 'o2'], null, 'o2', ['shared_up']],
      [['x', 'y'], null, '"x", "y"', ['shared_up']],
    ],
  );
  assert.deepEqual(f.assets[1].partitions, {
    kind: 'inline',
    def: { shape: { type: 'static', keys: ['red', 'green'] }, name: 'colors', location: { file: f.file, range: r(2, 0, 2, 6) } },
  });
  assert.deepEqual(f.symbols.definitions.two_specs, ['s1', 's/2']);
  assert.deepEqual(f.symbols.definitions.three_outs, ['o1', 'pre/o2', 'x/y']);
  // the multi_asset's extent covers the whole definition
  assert.deepEqual(f.assets[0].extent.range, r(4, 0, 9, 8));
});

test('free-standing AssetSpec lists are assets and definitions', async () => {
  const text = `import dagster as dg

external = [dg.AssetSpec("ext_a"), dg.AssetSpec(key=["ext", "b"], deps=["ext_a"])]
`;
  const f = await readPy(text);
  assert.deepEqual(f.assets.map((a) => a.key), [['ext_a'], ['ext', 'b']]);
  assert.deepEqual(f.assets[0].location.range, r(2, 26, 2, 31));
  assert.deepEqual(f.assets[1].deps.map((d) => d.target), [{ kind: 'key', key: ['ext_a'] }]);
  assert.deepEqual(f.symbols.definitions.external, ['ext_a', 'ext/b']);
});

test('non-dagster decorators named asset are ignored', async () => {
  const text = `from mylib import asset

@asset
def not_dagster():
    pass
`;
  const f = await readPy(text);
  assert.equal(f.assets.length, 0);
});

test('multi_asset: a python-name dep shared by every out resolves in each copy', async () => {
  const text = `from dagster import AssetOut, SourceAsset, asset, asset_check, multi_asset

@asset
def base():
    pass

@multi_asset(outs={"m1": AssetOut(), "m2": AssetOut()}, deps=[base])
def both():
    pass

raw = SourceAsset(key="raw_events", group_name="external")

@asset_check(asset=base)
def base_has_rows():
    pass

@asset_check(asset="raw_events")
def raw_fresh():
    pass
`;
  const f = await readPy(text);
  assert.deepEqual(f.assets.map((a) => a.key?.join('/')), ['base', 'm1', 'm2', 'raw_events']);
  for (const a of f.assets.slice(1, 3)) {
    assert.deepEqual(a.deps.map((d) => [d.target, d.form]), [[{ kind: 'key', key: ['base'] }, 'deps']]);
  }
  assert.equal(f.assets[3].group, 'external');
  assert.deepEqual(f.symbols.definitions.raw, ['raw_events']);
  assert.deepEqual(f.references.map((x) => [x.target, x.role, textAt(text, x.location.range)]), [
    [{ kind: 'key', key: ['base'] }, 'mention', 'base'],
    [{ kind: 'key', key: ['raw_events'] }, 'mention', 'raw_events'],
  ]);
});

test('deps from a module-level list; keys built inside a translator are not mentions', async () => {
  const text = `from dagster import AssetKey, asset
from dagster_dbt import DagsterDbtTranslator

UPSTREAM = ["u1", AssetKey(["u", "2"])]

@asset(deps=UPSTREAM)
def uses_list():
    pass

class T(DagsterDbtTranslator):
    def get_asset_key(self, props):
        return AssetKey("fixed")
`;
  const f = await readPy(text);
  assert.deepEqual(f.assets[0].deps.map((d) => [d.target, textAt(text, d.location.range)]), [
    [{ kind: 'key', key: ['u1'] }, 'u1'],
    [{ kind: 'key', key: ['u', '2'] }, '["u", "2"]'],
  ]);
  assert.deepEqual(f.references, []);
  assert.deepEqual(f.translators[0].cases, [{ key: { kind: 'parts', parts: ['fixed'] } }]);
});
