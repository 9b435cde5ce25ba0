import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { forEachLocation, type CodeFileFacts } from '../../../server/src/model/code';
import type { Location } from '../../../server/src/model/location';
import { readCodeText } from '../../../server/src/sources/codeText';
import { readComponentYaml } from '../../../server/src/sources/componentYaml';

/**
 * forEachLocation (model/code.ts) must reach every Location a reader puts in
 * a file's facts: the reader pool gives each one the facts' own path string
 * through it, and a Location it missed would keep a copy of its own.
 */

const EXAMPLES = join(__dirname, '..', '..', '..', '..', 'examples');

/** Every object shaped like a Location anywhere in `value`, found without knowing the facts' shape. */
function locationsByWalking(value: unknown): Set<object> {
  const found = new Set<object>();
  const seen = new Set<object>();
  const stack = [value];
  while (stack.length) {
    const v = stack.pop();
    if (!v || typeof v !== 'object' || seen.has(v)) continue;
    seen.add(v);
    const o = v as Record<string, unknown>;
    const range = o.range as { start?: unknown; end?: unknown } | undefined;
    if (typeof o.file === 'string' && range && typeof range === 'object' && range.start && range.end) found.add(o);
    for (const x of Array.isArray(v) ? v : Object.values(o)) stack.push(x);
  }
  return found;
}

function visited(facts: CodeFileFacts): Location[] {
  const out: Location[] = [];
  forEachLocation(facts, (l) => out.push(l));
  return out;
}

function filesUnder(dir: string, ext: RegExp): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p, ext) : ext.test(name) ? [p] : [];
  });
}

/** Facts that hold a Location in every place the model has one. */
const SNIPPETS: { file: string; language: 'python' | 'typescript'; text: string }[] = [
  {
    file: '/project/defs/everything.py',
    language: 'python',
    text: `from dagster import AssetIn, AssetKey, AssetSelection, DailyPartitionsDefinition, MonthlyPartitionsDefinition, asset, define_asset_job, materialize
from dagster_dbt import DagsterDbtTranslator, dbt_assets, get_asset_key_for_model
from .parts import imported_daily
daily = DailyPartitionsDefinition(start_date="2024-01-01")
class Translator(DagsterDbtTranslator):
    def get_asset_key(self, dbt_resource_props):
        return AssetKey(f"taxi_{dbt_resource_props['name']}")
class Opaque(DagsterDbtTranslator):
    def get_asset_key(self, dbt_resource_props):
        return compute(dbt_resource_props)
@dbt_assets(manifest="target/manifest.json", select="tag:daily", dagster_dbt_translator=Translator(), partitions_def=daily)
def models(context, dbt):
    ...
@asset(deps=["a", AssetKey(["b", "c"]), get_asset_key_for_model([models], "m")], partitions_def=daily)
def first():
    ...
@asset(ins={"up": AssetIn(key="first")}, partitions_def=imported_daily)
def second(up):
    ...
@asset(partitions_def=MonthlyPartitionsDefinition(start_date="2024-01-01"))
def second():
    ...
job = define_asset_job("job", selection=["first", "second"])
both = AssetSelection.keys("first", "missing")
result = materialize([first, second])
mention = AssetKey("mentioned")
@asset(deps=["unclosed"
`,
  },
  {
    file: '/project/ts/everything.ts',
    language: 'typescript',
    text: `import { asset, defineAssetJob, DailyPartitionsDefinition } from "./dagster";
const daily = new DailyPartitionsDefinition({ startDate: "2024-01-01" });
export const a = asset({ key: ["raw", "a"], deps: ["b", "c"], partitionsDef: daily }, async () => {});
export const job = defineAssetJob({ name: "job", selection: ["a", "nowhere"] });
`,
  },
];

/** Component files: an inline translator, and one too deep to read (a file-skipped diagnostic). */
const COMPONENTS: { file: string; text: string }[] = [
  {
    file: '/project/src/proj/defs/dbt_ingest/defs.yaml',
    text: `type: dagster_dbt.DbtProjectComponent\nattributes:\n  project: /abs/dbt\n  select: "tag:daily"\n  translation:\n    key: "taxi_{{ node.name }}"\n`,
  },
  { file: '/project/src/proj/defs/deep/defs.yaml', text: `type: dagster_dbt.DbtProjectComponent\nattributes: ${'['.repeat(5000)}${']'.repeat(5000)}\n` },
];

test('forEachLocation reaches every Location of the facts of every example file and of facts with each kind', async () => {
  const all: CodeFileFacts[] = [];
  for (const file of filesUnder(EXAMPLES, /\.(py|ts)$/)) {
    const language = file.endsWith('.py') ? ('python' as const) : ('typescript' as const);
    const job = language === 'python' ? { language, file, module: 'm', isPackageInit: file.endsWith('__init__.py') } : { language, file };
    const out = await readCodeText(job, readFileSync(file, 'utf8'));
    if (out.kind === 'facts') all.push(out.facts);
  }
  for (const c of COMPONENTS) {
    const facts = readComponentYaml(c.file, c.text);
    assert.ok(facts, c.file);
    all.push(facts);
  }
  for (const s of SNIPPETS) {
    const job = s.language === 'python' ? { language: s.language, file: s.file, module: 'defs.everything', isPackageInit: false } : { language: s.language, file: s.file };
    const out = await readCodeText(job, s.text);
    assert.equal(out.kind, 'facts', s.file);
    if (out.kind === 'facts') all.push(out.facts);
  }

  // the files between them hold a Location in each place forEachLocation looks
  const has = (pick: (f: CodeFileFacts) => boolean, what: string) => assert.ok(all.some(pick), `no facts with ${what}`);
  has((f) => f.assets.some((a) => a.partitions?.kind === 'name'), 'partitions by name');
  has((f) => f.assets.some((a) => a.partitions?.kind === 'inline' && a.partitions.def.location), 'inline partitions with a location');
  has((f) => f.assets.some((a) => a.deps.length > 0), 'deps');
  has((f) => f.references.length > 0, 'references');
  has((f) => f.translators.length > 0, 'translators');
  has((f) => f.dbtBindings.some((b) => b.partitions && b.translator?.kind === 'name'), 'a dbt binding with partitions and a translator class');
  has((f) => f.dbtBindings.some((b) => b.translator?.kind === 'inline'), 'a dbt binding with an inline translator');
  has((f) => f.selections.length > 0, 'selections');
  has((f) => Object.keys(f.symbols.partitions).length > 0, 'module partitions');
  has((f) => f.diagnostics.length > 0, 'a diagnostic');

  let total = 0;
  for (const facts of all) {
    const walked = locationsByWalking(facts);
    const seen = new Set<object>(visited(facts));
    const missed = [...walked].filter((l) => !seen.has(l));
    assert.deepEqual(missed, [], `${facts.file}: Locations forEachLocation does not reach`);
    for (const l of seen) assert.ok(walked.has(l), `${facts.file}: visited something that is not a Location of the facts`);
    total += walked.size;
  }
  assert.ok(total >= 50, `only ${total} Locations read`);
});
