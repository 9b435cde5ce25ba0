import { test } from 'node:test';
import assert from 'node:assert/strict';
import { completionContextAt, languageOf, type CompletionLanguage } from '../../../server/src/lsp/completionContext';

/** `|` marks the cursor; it is removed from the text. */
function at(src: string, language: CompletionLanguage) {
  const offset = src.indexOf('|');
  assert.ok(offset >= 0, 'test text needs a | cursor');
  const text = src.slice(0, offset) + src.slice(offset + 1);
  const ctx = completionContextAt(text, language, offset);
  return { ctx, text, replaced: ctx ? text.slice(ctx.replaceStart, ctx.replaceEnd) : undefined };
}

test('python deps=["… is a one-part key, replace range covers the partial key up to the closing quote', () => {
  const { ctx, replaced } = at('@asset(deps=["dai|ly"])\ndef x(): ...', 'python');
  assert.equal(ctx?.kind, 'key-single');
  assert.equal(ctx?.form, 'deps');
  assert.equal(ctx?.prefix, 'dai');
  assert.equal(replaced, 'daily');
  assert.equal(ctx?.quote, '"');
});

test('python deps with an unterminated string and unclosed brackets (half-typed)', () => {
  const { ctx, replaced } = at('from dagster import asset\n\n@asset(deps=["taxi_|\ndef manhattan():\n    pass\n', 'python');
  assert.equal(ctx?.kind, 'key-single');
  assert.equal(ctx?.prefix, 'taxi_');
  assert.equal(replaced, 'taxi_');
});

test('python deps: second element, empty string', () => {
  const { ctx, replaced } = at('@asset(\n    group_name="x",\n    deps=["a", \'|\'],\n)\n', 'python');
  assert.equal(ctx?.kind, 'key-single');
  assert.equal(ctx?.prefix, '');
  assert.equal(replaced, '');
  assert.equal(ctx?.quote, "'");
});

test('python deps=[AssetKey("… is a one-part key', () => {
  const { ctx } = at('@asset(deps=[AssetKey("daily_|")])', 'python');
  assert.equal(ctx?.kind, 'key-single');
  assert.equal(ctx?.prefix, 'daily_');
});

test('python AssetKey(["a", "… gives the part index and earlier parts', () => {
  const { ctx, replaced } = at('x = dg.AssetKey(["raw", "tax|"])', 'python');
  assert.equal(ctx?.kind, 'key-part');
  assert.equal(ctx?.partIndex, 1);
  assert.deepEqual(ctx?.previousParts, ['raw']);
  assert.equal(replaced, 'tax');
  const first = at('AssetKey(["|', 'python').ctx;
  assert.equal(first?.kind, 'key-part');
  assert.equal(first?.partIndex, 0);
  assert.deepEqual(first?.previousParts, []);
});

test('python AssetKey with a non-literal earlier part', () => {
  const { ctx } = at('AssetKey([PREFIX, "|"])', 'python');
  assert.equal(ctx?.kind, 'key-part');
  assert.equal(ctx?.partIndex, 1);
  assert.deepEqual(ctx?.previousParts, [undefined]);
});

test('python AssetIn(key="…", AssetIn("…") and AssetDep("…")', () => {
  assert.equal(at('ins={"t": AssetIn(key="ta|")}', 'python').ctx?.form, 'asset_in');
  assert.equal(at('ins={"t": AssetIn("ta|")}', 'python').ctx?.kind, 'key-single');
  assert.equal(at('AssetIn(key_prefix="ta|")', 'python').ctx, undefined);
  assert.equal(at('deps=[AssetDep("x|", partition_mapping=m)]', 'python').ctx?.form, 'asset_dep');
});

test('python AssetSelection.assets / .keys / define_asset_job(selection=[…])', () => {
  assert.equal(at('sel = AssetSelection.assets("tax|")', 'python').ctx?.form, 'selection');
  assert.equal(at('sel = dg.AssetSelection.keys("a", "|")', 'python').ctx?.kind, 'key-path');
  const job = at('job = define_asset_job(name="j", selection=["taxi_trips", "|"])', 'python').ctx;
  assert.equal(job?.kind, 'key-path');
  assert.equal(job?.form, 'selection');
  assert.equal(at('job = define_asset_job(name="|")', 'python').ctx, undefined);
});

test('python get_asset_key_for_model / get_asset_key_for_source', () => {
  const m = at('get_asset_key_for_model([taxi_dbt_assets], "daily|")', 'python').ctx;
  assert.equal(m?.kind, 'dbt-model');
  assert.equal(m?.prefix, 'daily');
  const s = at('get_asset_key_for_source([taxi_dbt_assets], "|")', 'python').ctx;
  assert.equal(s?.kind, 'dbt-source');
  assert.equal(at('get_asset_key_for_model([x], "a", "|")', 'python').ctx, undefined);
});

test('python: not a key position', () => {
  assert.equal(at('print("|")', 'python').ctx, undefined);
  assert.equal(at('@asset(group_name="|")', 'python').ctx, undefined);
  assert.equal(at('@asset(deps=["a"]) # "|', 'python').ctx, undefined);
  assert.equal(at('x = "abc"|', 'python').ctx, undefined);
  assert.equal(at('x = |"abc"', 'python').ctx, undefined);
  assert.equal(at('"""\ndeps=["|\n"""', 'python').ctx, undefined);
  assert.equal(completionContextAt('', 'python', 0), undefined);
  assert.equal(completionContextAt('deps=["a"]', 'python', 99), undefined);
});

test('python: closed brackets before the cursor do not leak context', () => {
  const src = '@asset(deps=["a"])\ndef x():\n    return "|"\n';
  assert.equal(at(src, 'python').ctx, undefined);
  const src2 = '@asset(deps=["a"], group_name="|")';
  assert.equal(at(src2, 'python').ctx, undefined);
});

test('python: string prefixes, comments with quotes and an earlier unterminated string', () => {
  assert.equal(at('# don\'t\n@asset(deps=[r"|"])', 'python').ctx?.kind, 'key-single');
  assert.equal(at('x = "oops\n@asset(deps=["|"])', 'python').ctx?.kind, 'key-single');
  assert.equal(at('s = """a "quoted" thing"""\n@asset(deps=["|', 'python').ctx?.kind, 'key-single');
});

test('python: multi-line deps list, cursor in the middle of a closed string', () => {
  const { ctx, replaced } = at('@asset(\n    deps=[\n        "taxi_trips",\n        "daily_me|trics",\n    ],\n)', 'python');
  assert.equal(ctx?.kind, 'key-single');
  assert.equal(ctx?.prefix, 'daily_me');
  assert.equal(replaced, 'daily_metrics');
});

test('typescript asset({ deps: ["… and AssetKey(["…', () => {
  const d = at('export const x = asset({ key: "x", deps: ["dai|"] }, () => 1);', 'typescript').ctx;
  assert.equal(d?.kind, 'key-single');
  assert.equal(d?.form, 'deps');
  const k = at('const k = new AssetKey(["raw", \'|\']);', 'typescript').ctx;
  assert.equal(k?.kind, 'key-part');
  assert.deepEqual(k?.previousParts, ['raw']);
  const key = at('assetSpec({ key: "tax|" })', 'typescript').ctx;
  assert.equal(key?.form, 'key_prop');
  assert.equal(at('foo({ key: "tax|" })', 'typescript').ctx, undefined);
  const job = at('defineAssetJob({ name: "j", selection: ["|"] })', 'typescript').ctx;
  assert.equal(job?.kind, 'key-path');
  assert.equal(job?.form, 'selection');
  assert.equal(at('defineAssetJob({ name: "|" })', 'typescript').ctx, undefined);
});

test('typescript comments and template strings do not confuse the scan', () => {
  assert.equal(at('// deps: ["\nasset({ deps: [`x`, "|"] })', 'typescript').ctx?.kind, 'key-single');
  assert.equal(at('/* asset({ deps: [ */ const s = "|"', 'typescript').ctx, undefined);
});

test('sql ref(\'… is a dbt model; ref(\'pkg\', \'… carries the package', () => {
  const { ctx, replaced } = at("select * from {{ ref('stg_|') }}", 'sql');
  assert.equal(ctx?.kind, 'dbt-model');
  assert.equal(ctx?.form, 'sql_ref');
  assert.equal(ctx?.prefix, 'stg_');
  assert.equal(replaced, 'stg_');
  const pkg = at("{{ ref('analytics', \"da|\") }}", 'sql').ctx;
  assert.equal(pkg?.kind, 'dbt-model');
  assert.equal(pkg?.packageName, 'analytics');
  const v = at("{{ ref('dim_customers', v='|') }}", 'sql').ctx;
  assert.equal(v?.kind, 'dbt-model-version');
  assert.equal(v?.modelName, 'dim_customers');
});

test('sql source(\'… then source(\'x\', \'…', () => {
  const s = at("from {{ source('raw|') }}", 'sql').ctx;
  assert.equal(s?.kind, 'dbt-source');
  const t = at("from {{ source('raw_taxis', '|') }}", 'sql').ctx;
  assert.equal(t?.kind, 'dbt-source-table');
  assert.equal(t?.sourceName, 'raw_taxis');
  const half = at("with t as (select * from {{ source(\"raw_taxis\", 'tr|\n", 'sql');
  assert.equal(half.ctx?.kind, 'dbt-source-table');
  assert.equal(half.replaced, 'tr');
});

test('sql: strings outside Jinja, Jinja comments and earlier blocks are ignored', () => {
  assert.equal(at("select 'ref(|'", 'sql').ctx, undefined);
  assert.equal(at("{# {{ ref(' #} select '|'", 'sql').ctx, undefined);
  assert.equal(at("{{ ref('a') }} where x = '|'", 'sql').ctx, undefined);
  assert.equal(at("-- it's here\nselect * from {{ ref('|') }}", 'sql').ctx?.kind, 'dbt-model');
  assert.equal(at("{{ config(materialized='|') }}", 'sql').ctx, undefined);
  assert.equal(at("{%- set x = ref('|') -%}", 'sql').ctx?.kind, 'dbt-model');
});

test('languageOf maps language ids and extensions', () => {
  assert.equal(languageOf('python', '/a/b.txt'), 'python');
  assert.equal(languageOf('jinja-sql', '/a/b'), 'sql');
  assert.equal(languageOf(undefined, '/a/b.sql'), 'sql');
  assert.equal(languageOf('plaintext', '/a/b.tsx'), 'typescript');
  assert.equal(languageOf('yaml', '/a/b.yml'), undefined);
});

test('lists of parts inside deps and selections, from_user_string paths', () => {
  const nested = at('asset({ deps: [["raw", "|"]] })', 'typescript').ctx;
  assert.equal(nested?.kind, 'key-part');
  assert.deepEqual(nested?.previousParts, ['raw']);
  const sel = at("AssetSelection.assets('zone_report', ['taxi', '|'])", 'typescript').ctx;
  assert.equal(sel?.kind, 'key-part');
  assert.equal(sel?.partIndex, 1);
  assert.equal(at('AssetKey.from_user_string("raw/|")', 'python').ctx?.kind, 'key-path');
  assert.equal(at("AssetKey.fromUserString('|')", 'typescript').ctx?.kind, 'key-path');
  assert.equal(at("asset({ key: 'zone_|' })", 'typescript').ctx?.kind, 'key-single');
  assert.equal(at("AssetDep('weather|', { partitionMapping })", 'typescript').ctx?.kind, 'key-single');
});

test('literal bounds cover the quotes (for edits that replace the whole string)', () => {
  const closed = at('@asset(deps=["ana|lytics"])', 'python');
  assert.equal(closed.text.slice(closed.ctx!.literalStart, closed.ctx!.literalEnd), '"analytics"');
  const open = at('@asset(deps=[r"ana|\n', 'python');
  assert.equal(open.text.slice(open.ctx!.literalStart, open.ctx!.literalEnd), '"ana');
});

test('never throws on garbage: every offset of random token soup, all languages', () => {
  const pieces = ['deps=[', 'AssetKey(', '["', '"', "'", '"""', '`', '(', ')', '[', ']', '{', '}', ',', '=', ':', '#', '//', '/*', '*/', '{{', '}}', '{%', '%}', '{#', '#}', 'ref(', 'source(', '\n', ' ', 'x', '\\', 'r"', 'selection:', 'key:', '.'];
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  let contexts = 0;
  for (let n = 0; n < 300; n++) {
    let text = '';
    const len = 5 + Math.floor(rand() * 30);
    for (let i = 0; i < len; i++) text += pieces[Math.floor(rand() * pieces.length)];
    for (const lang of ['python', 'typescript', 'sql'] as const) {
      for (let off = 0; off <= text.length; off++) {
        const ctx = completionContextAt(text, lang, off);
        if (ctx) {
          contexts++;
          assert.ok(ctx.replaceStart <= off && off <= ctx.replaceEnd, `replace range holds the cursor: ${JSON.stringify(text)} @${off}`);
          assert.ok(ctx.literalStart < ctx.replaceStart && ctx.literalEnd >= ctx.replaceEnd);
        }
      }
    }
  }
  assert.ok(contexts > 0, 'some positions are key positions');
});
