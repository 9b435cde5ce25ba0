import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { readPy, textAt, FILE } from './helpers';

const DIR = path.dirname(FILE); // /project/defs/assets

test('@dbt_assets: select, exclude, inline partitions, translator instance via a variable', async () => {
  const text = `from pathlib import Path
import dagster as dg
from dagster_dbt import DagsterDbtTranslator, dbt_assets
from .translators import MyTranslator

MANIFEST = Path(__file__).parent / "dbt" / "target" / "manifest.json"
translator = MyTranslator(settings=None)

@dbt_assets(
    manifest=MANIFEST,
    select="tag:daily fqn:marts",
    exclude="stg_zones",
    partitions_def=dg.DailyPartitionsDefinition(start_date="2023-01-01"),
    dagster_dbt_translator=translator,
)
def daily_dbt(context, dbt):
    yield from dbt.cli(["build"], context=context).stream()

@dbt_assets(manifest=MANIFEST, dagster_dbt_translator=DagsterDbtTranslator())
def plain_dbt(context, dbt):
    ...
`;
  const f = await readPy(text);
  assert.equal(f.dbtBindings.length, 2);
  const [a, b] = f.dbtBindings;
  assert.equal(a.name, 'daily_dbt');
  assert.equal(textAt(text, a.location.range), 'daily_dbt');
  assert.equal(a.select, 'tag:daily fqn:marts');
  assert.equal(a.exclude, 'stg_zones');
  assert.deepEqual(a.partitions, { kind: 'inline', def: { shape: { type: 'daily', start: '2023-01-01' } } });
  assert.equal(a.translator?.kind === 'name' && a.translator.name, 'MyTranslator');
  assert.equal(a.translator?.kind === 'name' && textAt(text, a.translator.location.range), 'MyTranslator');
  assert.equal(a.projectDir, path.join(DIR, 'dbt'));
  // the stock translator is no custom translator
  assert.equal(b.translator, undefined);
  assert.equal(b.select, 'fqn:*');
  assert.deepEqual(f.symbols.definitions, { daily_dbt: [], plain_dbt: [] });
  // no asset facts: the linker turns bindings into dbt assets
  assert.equal(f.assets.length, 0);
});

test('project directory expressions', async () => {
  const cases: [string, string | undefined][] = [
        // Path(__file__) is the file itself: its first ".." is the file's directory
    ['DbtProject(project_dir=Path(__file__).joinpath("..", "..", "analytics").resolve()).manifest_path', path.resolve(DIR, '..', 'analytics')],
    ['DbtProject(Path(__file__).parent.parent / "analytics").manifest_path', path.resolve(DIR, '..', 'analytics')],
    ['file_relative_path(__file__, "../warehouse/target/manifest.json")', path.resolve(DIR, '..', 'warehouse')],
    ['os.path.join(os.path.dirname(__file__), "proj", "target", "manifest.json")', path.resolve(DIR, 'proj')],
    ['"relative/target/manifest.json"', undefined],
    ['load_manifest()', undefined],
  ];
  for (const [expr, want] of cases) {
    const text = `import os\nfrom pathlib import Path\nfrom dagster import file_relative_path\nfrom dagster_dbt import DbtProject, dbt_assets\n\n@dbt_assets(manifest=${expr})\ndef d(context, dbt):\n    pass\n`;
    const f = await readPy(text);
    assert.equal(f.dbtBindings[0].projectDir, want, expr);
  }
});

test('dbt_assets as a dagster_dbt module attribute', async () => {
  const text = `import dagster_dbt

@dagster_dbt.dbt_assets(manifest="/abs/proj/target/manifest.json", select="+daily_metrics")
def analytics(context, dbt):
    pass
`;
  const f = await readPy(text);
  assert.equal(f.dbtBindings[0].select, '+daily_metrics');
  assert.equal(f.dbtBindings[0].projectDir, path.resolve('/abs/proj'));
});
