import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TranslatorFact } from '../../../server/src/model/code';
import { readPy, textAt } from './helpers';

async function translator(body: string, header = 'from dagster import AssetKey\nfrom dagster_dbt import DagsterDbtTranslator\n\n\nclass T(DagsterDbtTranslator):\n'): Promise<TranslatorFact> {
  const f = await readPy(header + body);
  assert.equal(f.translators.length, 1);
  return f.translators[0];
}

test('f-string AssetKey from the node name', async () => {
  const t = await translator(`    def get_asset_key(self, dbt_resource_props):
        return AssetKey(f"taxi_{dbt_resource_props['name']}")
`);
  assert.equal(t.name, 'T');
  assert.deepEqual(t.cases, [{ key: { kind: 'parts', parts: ['taxi_{name}'] } }]);
  assert.deepEqual(t.location.range, { start: { line: 4, character: 6 }, end: { line: 4, character: 7 } });
});

test('AssetKey list with .get, config schema and a string constant', async () => {
  const t = await translator(`    def get_asset_key(self, props):
        schema = props["config"]["schema"]
        prefix = "warehouse"
        return AssetKey([prefix, schema, props.get("alias")])
`);
  assert.deepEqual(t.cases, [{ key: { kind: 'parts', parts: ['warehouse', '{schema}', '{alias}'] } }]);
});

test('super() and with_prefix (string and list)', async () => {
  const a = await translator(`    def get_asset_key(self, dbt_resource_props):
        return super().get_asset_key(dbt_resource_props)
`);
  assert.deepEqual(a.cases, [{ key: { kind: 'default', prefix: [] } }]);
  const b = await translator(`    def get_asset_key(self, dbt_resource_props):
        return super().get_asset_key(dbt_resource_props).with_prefix("dbt")
`);
  assert.deepEqual(b.cases, [{ key: { kind: 'default', prefix: ['dbt'] } }]);
  const c = await translator(`    def get_asset_key(self, p):
        key = super().get_asset_key(p)
        return key.with_prefix(["a", "b"]).with_prefix("top")
`);
  assert.deepEqual(c.cases, [{ key: { kind: 'default', prefix: ['top', 'a', 'b'] } }]);
  const d = await translator(`    def get_asset_key(self, p):
        return DagsterDbtTranslator.get_asset_key(self, p).with_prefix("x")
`);
  assert.deepEqual(d.cases, [{ key: { kind: 'default', prefix: ['x'] } }]);
});

test('branches on resource_type and name become ordered cases', async () => {
  const t = await translator(`    def get_asset_key(self, dbt_resource_props):
        resource_type = dbt_resource_props["resource_type"]
        name = dbt_resource_props["name"]
        if resource_type == "source":
            return AssetKey(f"taxi_{name}")
        elif resource_type in ("seed", "snapshot") and name != "skip_me":
            return AssetKey(["raw", name])
        elif dbt_resource_props["name"] == "special":
            return AssetKey("special_one")
        if not resource_type == "model":
            return AssetKey.from_user_string(f"{dbt_resource_props['source_name']}/{name}")
        return super().get_asset_key(dbt_resource_props)
`);
  assert.deepEqual(t.cases, [
    { when: { resourceType: ['source'] }, key: { kind: 'parts', parts: ['taxi_{name}'] } },
    { when: { resourceType: ['seed', 'snapshot'], notName: ['skip_me'] }, key: { kind: 'parts', parts: ['raw', '{name}'] } },
    { when: { name: ['special'] }, key: { kind: 'parts', parts: ['special_one'] } },
    { when: { notResourceType: ['model'] }, key: { kind: 'parts', parts: ['{source_name}', '{name}'] } },
    { key: { kind: 'default', prefix: [] } },
  ]);
});

test('the example style: if / else with super()', async () => {
  const t = await translator(`    def get_asset_key(self, dbt_resource_props):
        resource_type = dbt_resource_props["resource_type"]
        name = dbt_resource_props["name"]
        if resource_type == "source":
            return AssetKey(f"taxi_{name}")
        else:
            return super().get_asset_key(dbt_resource_props)
`);
  assert.deepEqual(t.cases, [
    { when: { resourceType: ['source'] }, key: { kind: 'parts', parts: ['taxi_{name}'] } },
    { key: { kind: 'default', prefix: [] } },
  ]);
});

test('too dynamic: loops, meta, unknown calls → cases null with a reason', async () => {
  const loop = await translator(`    def get_asset_key(self, dbt_resource_props):
        parts = []
        for segment in dbt_resource_props["meta"].get("path", []):
            parts.append(segment)
        return AssetKey(parts)
`);
  assert.equal(loop.cases, null);
  assert.match(loop.reason ?? '', /for statement/);
  const meta = await translator(`    def get_asset_key(self, dbt_resource_props):
        return AssetKey(dbt_resource_props["meta"]["dagster"]["key"])
`);
  assert.equal(meta.cases, null);
  assert.match(meta.reason ?? '', /meta/);
  const call = await translator(`    def get_asset_key(self, dbt_resource_props):
        return AssetKey(compute_key(dbt_resource_props))
`);
  assert.equal(call.cases, null);
  assert.ok(call.reason);
  const fmt = await translator(`    def get_asset_key(self, p):
        return AssetKey(f"{p['name'].upper()}")
`);
  assert.equal(fmt.cases, null);
});

test('no get_asset_key override: the default key; get_group_name literal', async () => {
  const t = await translator(`    def get_group_name(self, dbt_resource_props):
        return "analytics"
`);
  assert.deepEqual(t.cases, [{ key: { kind: 'default', prefix: [] } }]);
  assert.equal(t.group, 'analytics');
});

test('dagster_dbt.DagsterDbtTranslator base via module alias; subclass of a local translator', async () => {
  const text = `import dagster as dg
import dagster_dbt


class Base(dagster_dbt.DagsterDbtTranslator):
    def get_asset_key(self, props):
        return dg.AssetKey(["dbt", props["name"]])


class Child(Base):
    def get_group_name(self, props):
        return "kids"


class NotATranslator(dg.Config):
    pass
`;
  const f = await readPy(text);
  assert.deepEqual(f.translators.map((t) => [t.name, t.cases, t.group ?? null]), [
    ['Base', [{ key: { kind: 'parts', parts: ['dbt', '{name}'] } }], null],
    ['Child', [{ key: { kind: 'parts', parts: ['dbt', '{name}'] } }], 'kids'],
  ]);
  assert.equal(textAt(text, f.translators[1].location.range), 'Child');
});
