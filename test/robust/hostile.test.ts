/**
 * Hostile workspaces: each case is built in a temp copy of examples/taxi,
 * indexed in a worker thread under a time bound (a hang fails with the
 * case's name), and checked for: no exception, no path opened and no
 * location returned outside the workspace, ranges inside their texts.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync, writeSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInWorker } from './lib/fuzzReaders';
import { deeplyNestedJson } from './lib/mutate';
import { tempCopy } from './lib/lspServer';
import { repoRoot } from './lib/corpus';
import { diffTrees, snapshotTrees, type TreeSnapshot } from './lib/trees';
import { LineIndex } from '../../server/src/model/location';
import { main as cliMain } from '../../server/src/cli';
import type { IndexSummary } from './lib/readerWorker';

const WORKER = join(__dirname, 'lib', 'readerWorker.js');
const TIME_BOUND_MS = 60_000;
let guard: TreeSnapshot;
const cleanups: (() => void)[] = [];

before(() => {
  guard = snapshotTrees();
});
after(() => {
  for (const c of cleanups) c();
  assert.deepEqual(diffTrees(guard, snapshotTrees()), [], 'examples/ or a fixture workspace changed');
});

function workspace(): string {
  const c = tempCopy('taxi');
  cleanups.push(c.cleanup);
  return c.dir;
}

/** A directory outside every workspace, holding bait a reader must never pick up. */
function outsideDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'asset-lens-outside-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'models'), { recursive: true });
  writeFileSync(join(dir, 'outside_bait.py'), 'from dagster import asset\n\n@asset\ndef outside_bait():\n    pass\n');
  writeFileSync(join(dir, 'models', 'outside_model.sql'), "select * from {{ ref('stg_trips') }}\n");
  writeFileSync(join(dir, 'dbt_project.yml'), 'name: outside_pkg\nversion: "1.0"\nconfig-version: 2\n');
  return dir;
}

async function index(root: string, name: string, settings?: Record<string, unknown>): Promise<IndexSummary> {
  const r = await runInWorker(WORKER, undefined, { kind: 'index', roots: [root], settings }, TIME_BOUND_MS);
  assert.ok(!r.hung, `${name}: indexing did not finish within ${TIME_BOUND_MS} ms (hang)`);
  assert.ok(r.ok, `${name}: indexing threw: ${r.error}`);
  const s = r.summary!;
  assert.deepEqual(s.openedOutside, [], `${name}: opened paths outside the workspace`);
  assert.deepEqual(s.violations, [], `${name}: invalid locations`);
  for (const f of s.locationFiles) assert.ok(f.startsWith(root + '/'), `${name}: location outside the workspace: ${f}`);
  return s;
}

const manifestPath = (root: string) => join(root, 'analytics', 'target', 'manifest.json');

test('baseline: the taxi example indexes with dbt and Python assets', async () => {
  const s = await index(workspace(), 'baseline');
  assert.ok(s.ids.includes('daily_metrics'), `ids: ${s.ids.join(', ')}`);
  assert.ok(s.ids.includes('manhattan_stats'), `ids: ${s.ids.join(', ')}`);
});

test('a manifest nested 100,000 levels deep (arrays, objects, and inside a node\'s meta)', async () => {
  for (const kind of ['array', 'object'] as const) {
    const root = workspace();
    writeFileSync(manifestPath(root), deeplyNestedJson(100_000, kind));
    const s = await index(root, `deep ${kind}`);
    assert.ok(s.ids.includes('manhattan_stats'), 'Python assets still indexed');
  }
  const root = workspace();
  const m = JSON.parse(readFileSync(manifestPath(root), 'utf8'));
  const deep = '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000);
  const node = m.nodes['model.analytics.daily_metrics'];
  const text = JSON.stringify(m).replace(JSON.stringify(node), JSON.stringify({ ...node, meta: '__DEEP__', config: { ...node.config, meta: '__DEEP__' } }));
  writeFileSync(manifestPath(root), text.replace(/"__DEEP__"/g, deep));
  const s = await index(root, 'deep meta');
  assert.ok(s.ids.includes('manhattan_stats'));
  // every CLI output over it (JSON printers must not recurse into meta)
  for (const argv of [['keys', root, '--format', 'json'], ['graph', root, '--format', 'json'], ['graph', root, '--format', 'dot'], ['check', root, '--format', 'sarif'], ['lineage', 'daily_metrics', root, '--format', 'json']]) {
    let err = '';
    const code = await cliMain(argv, () => undefined, (e) => (err += e));
    assert.ok(code === 0 || code === 1, `asset-lens ${argv.join(' ')} exited ${code}: ${err.slice(0, 500)}`);
  }
});

test('a 300 MB manifest (under the 500 MB limit): zeros fail fast as invalid, real JSON padded with spaces is read', async () => {
  const root = workspace();
  // sparse: 300 MB of zeros that take no disk
  const fd = openSync(manifestPath(root), 'w');
  ftruncateSync(fd, 300 * 1024 * 1024);
  closeSync(fd);
  let s = await index(root, '300 MB sparse');
  assert.ok(s.diagnostics.some((d) => d.code === 'manifest-invalid' && d.file === manifestPath(root)), JSON.stringify(s.diagnostics.map((d) => d.code)));
  assert.ok(s.ids.includes('daily_metrics'), 'dbt models still come from the project files');
  // real JSON: the real manifest padded with whitespace to 300 MB
  const real = readFileSync(join(repoRoot(), 'examples', 'taxi', 'analytics', 'target', 'manifest.json'));
  const fd2 = openSync(manifestPath(root), 'w');
  writeSync(fd2, real);
  const pad = Buffer.alloc(16 * 1024 * 1024, 0x20);
  for (let n = real.length; n < 300 * 1024 * 1024; n += pad.length) writeSync(fd2, pad);
  closeSync(fd2);
  s = await index(root, '300 MB real');
  assert.ok(!s.diagnostics.some((d) => d.code === 'file-skipped' || d.code === 'manifest-invalid'), JSON.stringify(s.diagnostics.map((d) => d.code)));
  assert.ok(s.ids.includes('daily_metrics'));
  rmSync(manifestPath(root));
});

test('a binary file named manifest.json', async () => {
  const root = workspace();
  const bytes = Buffer.alloc(64 * 1024);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919 + 13) & 0xff;
  writeFileSync(manifestPath(root), Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0]), bytes]));
  const s = await index(root, 'binary manifest');
  assert.ok(s.diagnostics.some((d) => d.code === 'manifest-invalid'), JSON.stringify(s.diagnostics.map((d) => d.code)));
  assert.ok(s.ids.includes('daily_metrics'), 'dbt models come from the project files');
});

test('symlink loops (two self-links in models/ and a link to a parent)', async () => {
  const root = workspace();
  const models = join(root, 'analytics', 'models');
  symlinkSync('.', join(models, 'loop_a'));
  symlinkSync('.', join(models, 'loop_b'));
  symlinkSync('..', join(models, 'loop_up'));
  symlinkSync(join(root, 'defs'), join(root, 'defs', 'assets', 'loop_defs'));
  symlinkSync('/nonexistent/dangling', join(root, 'defs', 'dangling.py'));
  const s = await index(root, 'symlink loops');
  assert.ok(s.ids.includes('daily_metrics'));
  rmSync(manifestPath(root));
  const s2 = await index(root, 'symlink loops, no manifest');
  assert.ok(s2.ids.includes('daily_metrics'));
});

test('symlinked directories pointing outside the workspace are not followed', async () => {
  const root = workspace();
  const out = outsideDir();
  symlinkSync(join(out, 'models'), join(root, 'analytics', 'models', 'outside_models'));
  symlinkSync(out, join(root, 'defs', 'outside_dir'));
  rmSync(manifestPath(root));
  const s = await index(root, 'outside directory links');
  assert.ok(!s.ids.includes('outside_bait'), 'an asset from a file outside the workspace was indexed');
  assert.ok(!s.ids.some((id) => id.includes('outside_model')), 'a dbt model from outside the workspace was indexed');
});

test('symlinked files pointing outside the workspace are not read', async () => {
  const root = workspace();
  const out = outsideDir();
  symlinkSync(join(out, 'outside_bait.py'), join(root, 'defs', 'outside_link.py'));
  symlinkSync(join(out, 'models', 'outside_model.sql'), join(root, 'analytics', 'models', 'outside_link.sql'));
  rmSync(manifestPath(root));
  const s = await index(root, 'outside file links');
  assert.ok(!s.ids.includes('outside_bait'), 'an asset from a file outside the workspace was indexed');
});

test('original_file_path / patch_path with ../../ or absolute paths never leave the workspace', async () => {
  const root = workspace();
  const out = outsideDir();
  const m = JSON.parse(readFileSync(manifestPath(root), 'utf8'));
  const ids = Object.keys(m.nodes).filter((k) => k.startsWith('model.'));
  const escapes = [
    '../../../../../../../../' + join(out, 'models', 'outside_model.sql'),
    join(out, 'models', 'outside_model.sql'),
    '../../outside/models/outside_model.sql',
    'models/../../../' + out.split('/').pop() + '/models/outside_model.sql',
  ];
  ids.forEach((id, i) => {
    m.nodes[id].original_file_path = escapes[i % escapes.length];
    m.nodes[id].root_path = out;
    m.nodes[id].patch_path = `analytics://${escapes[(i + 1) % escapes.length]}`;
  });
  for (const src of Object.values(m.sources ?? {}) as Record<string, unknown>[]) src.original_file_path = join(out, 'models', 'sources.yml');
  writeFileSync(manifestPath(root), JSON.stringify(m));
  await index(root, 'escaping paths');
});

test('dbt_project.yml paths (packages-install-path, model-paths) pointing outside the workspace', async () => {
  const root = workspace();
  const out = outsideDir();
  const yml = join(root, 'analytics', 'dbt_project.yml');
  const original = readFileSync(yml, 'utf8');
  writeFileSync(yml, original + `\npackages-install-path: "${join(out, '..')}"\n`);
  await index(root, 'packages-install-path outside');
  rmSync(manifestPath(root));
  await index(root, 'packages-install-path outside, no manifest');
  writeFileSync(yml, original.replace('model-paths: ["models"]', `model-paths: ["models", "../../../../../../..${out}/models", "${out}"]`));
  await index(root, 'model-paths outside');
});

test('a 100,000-line decorator (Python) and a 100,000-line asset call (TypeScript)', async () => {
  const root = workspace();
  const lines = Array.from({ length: 100_000 }, (_, i) => `        AssetKey(["k${i}"]),`);
  writeFileSync(join(root, 'defs', 'huge.py'), `from dagster import asset, AssetKey\n\n@asset(\n    deps=[\n${lines.join('\n')}\n    ],\n)\ndef huge_asset():\n    pass\n`);
  const tsLines = Array.from({ length: 100_000 }, (_, i) => `    "k${i}",`);
  writeFileSync(join(root, 'ts', 'huge.ts'), `import { asset } from "./dagster";\nexport const huge = asset({\n  key: "huge_ts",\n  deps: [\n${tsLines.join('\n')}\n  ],\n});\n`);
  const s = await index(root, '100k-line decorator');
  assert.ok(s.ids.includes('huge_asset'), 'the asset behind the huge decorator is indexed');
});

test('non-UTF-8 bytes, CRLF line ends and astral characters keep LSP (UTF-16) positions exact', async () => {
  const root = workspace();
  // Latin-1 bytes (invalid UTF-8) before the asset
  writeFileSync(join(root, 'defs', 'latin1.py'), Buffer.concat([Buffer.from('# caf'), Buffer.from([0xe9, 0xff, 0xfe]), Buffer.from('\nfrom dagster import asset\n\n@asset\ndef latin1_asset():\n    pass\n')]));
  // CRLF
  const crlf = 'from dagster import asset, AssetKey\r\n\r\n@asset(deps=[AssetKey(["daily_metrics"])])\r\ndef crlf_asset():\r\n    pass\r\n';
  writeFileSync(join(root, 'defs', 'crlf.py'), crlf);
  // astral characters in keys and before them on the line
  const astral = 'from dagster import asset, AssetKey\n\n@asset(key=["𝔱𝔞𝔵𝔦", "🚀rocket"], deps=[AssetKey(["🚀unknown_𝔨𝔢𝔶"])])\ndef astral_asset():\n    pass\n';
  writeFileSync(join(root, 'defs', 'astral.py'), astral);
  // a dbt model under an astral directory name
  mkdirSync(join(root, 'analytics', 'models', '🚀'), { recursive: true });
  writeFileSync(join(root, 'analytics', 'models', '🚀', 'astral_model.sql'), "-- 🚀 𝔪𝔬𝔡𝔢𝔩\nselect * from {{ ref('🚀nope') }}\n");
  rmSync(manifestPath(root));
  const s = await index(root, 'encodings');
  assert.ok(s.ids.includes('latin1_asset'));
  assert.ok(s.ids.includes('crlf_asset'));
  assert.ok(s.ids.includes('𝔱𝔞𝔵𝔦/🚀rocket'), `ids: ${s.ids.join(', ')}`);
  assert.ok(s.ids.includes('astral_model'));
  // the unknown key's range covers exactly the string's content, in UTF-16 code units
  const unknown = s.diagnostics.find((d) => d.code === 'unknown-asset-key' && d.file.endsWith('astral.py'));
  assert.ok(unknown, JSON.stringify(s.diagnostics.filter((d) => d.file.endsWith('astral.py'))));
  const idx = new LineIndex(astral);
  const r = unknown.range as { start: { line: number; character: number }; end: { line: number; character: number } };
  const covered = astral.slice(idx.offsetAt(r.start), idx.offsetAt(r.end));
  // the string, the quoted string or the one-part list: each boundary lands exactly on a UTF-16 unit of the key text
  assert.ok(['🚀unknown_𝔨𝔢𝔶', '"🚀unknown_𝔨𝔢𝔶"', '["🚀unknown_𝔨𝔢𝔶"]'].includes(covered), `range covers ${JSON.stringify(covered)}`);
  const ref = s.diagnostics.find((d) => d.code === 'unknown-dbt-ref' && d.file.endsWith('astral_model.sql'));
  assert.ok(ref, 'unknown ref in the astral model is reported');
  const sql = "-- 🚀 𝔪𝔬𝔡𝔢𝔩\nselect * from {{ ref('🚀nope') }}\n";
  const ri = new LineIndex(sql);
  const rr = ref.range as { start: { line: number; character: number }; end: { line: number; character: number } };
  assert.match(sql.slice(ri.offsetAt(rr.start), ri.offsetAt(rr.end)), /🚀nope/);
  // CRLF: the unknown-free dep resolves; the function name's line is right
  assert.ok(!s.diagnostics.some((d) => d.file.endsWith('crlf.py') && d.code === 'unknown-asset-key'), 'CRLF text reads the key without a trailing \\r');
});

test('odd entries: a directory named like a Python file, empty Python, SQL and YAML files', async () => {
  const root = workspace();
  // unreadable: a directory named like a Python file, a FIFO-free stand-in for an unreadable file
  mkdirSync(join(root, 'defs', 'not_a_file.py'));
  writeFileSync(join(root, 'defs', 'empty.py'), '');
  writeFileSync(join(root, 'analytics', 'models', 'empty.sql'), '');
  writeFileSync(join(root, 'analytics', 'models', 'empty.yml'), '');
  const s = await index(root, 'odd files');
  assert.ok(s.ids.includes('daily_metrics'));
});

test('YAML bombs and deep YAML: alias expansion, 100,000-deep flow collections, in schema.yml, defs.yaml and dbt_project.yml', async () => {
  const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
  for (let i = 1; i < 12; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill('*' + String.fromCharCode(96 + i)).join(',')}]`);
  const bombText = bomb.join('\n') + '\n';
  const deep = 'models:\n  - name: ' + '['.repeat(100_000) + ']'.repeat(100_000) + '\n';
  const deepMap = 'models: ' + '{a: '.repeat(50_000) + '1' + '}'.repeat(50_000) + '\n';
  for (const [name, text] of [['bomb', bombText], ['deep', deep], ['deepMap', deepMap]] as const) {
    const root = workspace();
    writeFileSync(join(root, 'analytics', 'models', 'marts', 'schema.yml'), text);
    writeFileSync(join(root, 'analytics', 'models', 'bomb.yml'), 'version: 2\n' + text);
    mkdirSync(join(root, 'defs', 'comp'), { recursive: true });
    writeFileSync(join(root, 'defs', 'comp', 'defs.yaml'), 'type: dagster_dbt.DbtProjectComponent\nattributes:\n' + text.replace(/^/gm, '  '));
    let s = await index(root, `YAML ${name}`);
    assert.ok(s.ids.includes('manhattan_stats'), `YAML ${name}: Python assets still indexed`);
    assert.ok(s.ids.includes('daily_metrics'), `YAML ${name}: the dbt project survives one bad YAML file`);
    rmSync(manifestPath(root));
    s = await index(root, `YAML ${name}, no manifest`);
    assert.ok(s.ids.includes('daily_metrics'), `YAML ${name}, no manifest: the dbt project survives one bad YAML file`);
    writeFileSync(join(root, 'analytics', 'dbt_project.yml'), 'name: analytics\n' + text);
    s = await index(root, `YAML ${name} in dbt_project.yml`);
  }
});

test('SQL: unterminated Jinja, 100,000-deep nesting and a 10 MB model', async () => {
  const root = workspace();
  const models = join(root, 'analytics', 'models');
  writeFileSync(join(models, 'open_jinja.sql'), "select * from {{ ref('stg_trips'" + ' {{ {% {# '.repeat(50_000));
  writeFileSync(join(models, 'deep_jinja.sql'), '{{ ' + 'ref('.repeat(100_000) + "'x'" + ')'.repeat(100_000) + ' }}');
  writeFileSync(join(models, 'big.sql'), ("select 1 -- {{ ref('stg_trips') }} " + 'x'.repeat(200) + '\n').repeat(40_000));
  // sorted before marts/: a reader that gives up here would lose the models after it
  writeFileSync(join(models, 'a_deep_config.sql'), '{{ config(meta=' + '{"a": ['.repeat(50_000) + ']}'.repeat(50_000) + ") }}\nselect * from {{ ref('stg_trips') }}\n");
  rmSync(manifestPath(root));
  const s = await index(root, 'hostile SQL');
  assert.ok(s.ids.includes('daily_metrics'));
});
