import { test } from 'node:test';
import { createHash } from 'node:crypto';
import assert from 'node:assert/strict';
import { DbtProjectCache, loadDbtProject } from '../../../server/src/sources/dbt/project';
import type { FileStat } from '../../../server/src/sources/fileSource';
import { MemoryFileSource, plain } from './helpers';

const ROOT = '/w/shop';
const MANIFEST = `${ROOT}/target/manifest.json`;

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

function manifestJson(checksums: Record<string, string> = {}): string {
  const model = (name: string, deps: string[]) => ({
    ...(checksums[name] ? { checksum: { name: 'sha256', checksum: checksums[name] } } : {}),
    unique_id: `model.shop.${name}`,
    resource_type: 'model',
    name,
    package_name: 'shop',
    original_file_path: `models/${name}.sql`,
    patch_path: 'shop://models/schema.yml',
    fqn: ['shop', name],
    config: { materialized: 'view' },
    depends_on: { nodes: deps.map((d) => `model.shop.${d}`) },
    refs: deps.map((d) => ({ name: d, package: null, version: null })),
    sources: [],
  });
  return JSON.stringify({
    metadata: { dbt_schema_version: 'https://schemas.getdbt.com/dbt/manifest/v12.json', dbt_version: '1.9.2', project_name: 'shop' },
    nodes: { 'model.shop.a': model('a', []), 'model.shop.b': model('b', ['a']) },
    sources: {},
  });
}

/** Can serve a file as an editor overlay (same size and mtime, other text). */
class CountingSource extends MemoryFileSource {
  readonly overlays = new Set<string>();
  override stat(p: string): FileStat | undefined {
    const st = super.stat(p);
    return st && this.overlays.has(p) ? { ...st, isOverlay: true } : st;
  }
}

function shop(): CountingSource {
  const fs = new CountingSource();
  fs.set(`${ROOT}/dbt_project.yml`, 'name: shop\n', 100)
    .set(`${ROOT}/models/a.sql`, 'select 1', 100)
    .set(`${ROOT}/models/b.sql`, "select * from {{ ref('a') }}", 100)
    .set(MANIFEST, manifestJson(), 500);
  return fs;
}

const depsOf = (facts: { nodes: { uniqueId: string; dependsOn: string[] }[] }, id: string) => facts.nodes.find((n) => n.uniqueId === id)?.dependsOn;

test('an unchanged manifest is not read again when the project reloads', async () => {
  const fs = shop();
  const cache = new DbtProjectCache();
  const first = await loadDbtProject(ROOT, fs, { cache });
  const second = await loadDbtProject(ROOT, fs, { cache });
  assert.equal(fs.readCount(MANIFEST), 1);
  assert.deepEqual(second.facts.nodes, first.facts.nodes);
  // a rewritten manifest (new mtime) is read
  fs.set(MANIFEST, manifestJson(), 900);
  await loadDbtProject(ROOT, fs, { cache });
  assert.equal(fs.readCount(MANIFEST), 2);
});

test('after one more model file changes, only that file is scanned again', async () => {
  const fs = shop();
  const cache = new DbtProjectCache();
  fs.set(`${ROOT}/models/b.sql`, "select * from {{ ref('a') }} -- edited", 600);
  const first = await loadDbtProject(ROOT, fs, { cache });
  assert.equal(first.facts.origin, 'manifest+files');
  const aReads = fs.readCount(`${ROOT}/models/a.sql`);
  const bReads = fs.readCount(`${ROOT}/models/b.sql`);

  fs.set(`${ROOT}/models/c.sql`, "select * from {{ ref('b') }}", 700);
  const second = await loadDbtProject(ROOT, fs, { cache });
  assert.deepEqual(depsOf(second.facts, 'model.shop.c'), ['model.shop.b']);
  // a.sql is not newer than the manifest: not read at all; b.sql is read (its text decides) but not scanned again
  assert.equal(fs.readCount(`${ROOT}/models/a.sql`), aReads);
  assert.ok(fs.readCount(`${ROOT}/models/b.sql`) > bReads);
  assert.ok(second.facts.log.some((l) => /1 scanned, 1 unchanged/.test(l)), second.facts.log.join('\n'));
});

test('the overlay of one load does not leak into the next: a deleted model is gone', async () => {
  const fs = shop();
  const cache = new DbtProjectCache();
  fs.set(`${ROOT}/models/c.sql`, "select * from {{ ref('b') }}", 700);
  const withC = await loadDbtProject(ROOT, fs, { cache });
  assert.ok(withC.facts.nodes.some((n) => n.uniqueId === 'model.shop.c'));
  fs.files.delete(`${ROOT}/models/c.sql`);
  const without = await loadDbtProject(ROOT, fs, { cache });
  assert.deepEqual(without.facts.nodes.map((n) => n.uniqueId).sort(), ['model.shop.a', 'model.shop.b']);
  assert.equal(without.facts.origin, 'manifest');
});

test('an editor overlay is never taken from the memo, even with the same size and mtime', async () => {
  const fs = shop();
  const cache = new DbtProjectCache();
  const b = `${ROOT}/models/b.sql`;
  fs.set(b, "select * from {{ ref('a') }}", 600);
  await loadDbtProject(ROOT, fs, { cache });
  // same length, same mtime: only the text tells them apart
  fs.set(b, "select * from {{ ref('x') }}", 600);
  fs.overlays.add(b);
  const edited = await loadDbtProject(ROOT, fs, { cache });
  const node = edited.facts.nodes.find((n) => n.uniqueId === 'model.shop.b')!;
  assert.deepEqual(node.refs.map((r) => (r.target.kind === 'dbt_ref' ? r.target.name : '')), ['x']);
});

test('a file newer than the manifest but with the checksum it recorded is not overlaid (a fresh checkout)', async () => {
  const fs = shop();
  // dbt 1.x records the file whole or stripped: both count as unchanged
  fs.set(MANIFEST, manifestJson({ a: sha256('select 1'), b: sha256("select * from {{ ref('a') }}") }), 500);
  fs.set(`${ROOT}/models/a.sql`, 'select 1', 900);
  fs.set(`${ROOT}/models/b.sql`, "select * from {{ ref('a') }}\n", 900);
  const checkedOut = await loadDbtProject(ROOT, fs);
  assert.equal(checkedOut.facts.origin, 'manifest');
  assert.doesNotMatch(checkedOut.facts.log[0], /overlaid/);

  // an edit changes the content: overlaid
  fs.set(`${ROOT}/models/b.sql`, "select * from {{ ref('a') }} where 1 = 1\n", 950);
  const edited = await loadDbtProject(ROOT, fs);
  assert.equal(edited.facts.origin, 'manifest+files');
  assert.match(edited.facts.log[0], /1 newer file overlaid/);
});

test('an unsaved editor buffer counts as newer even when the file on disk is older than the manifest', async () => {
  const fs = shop();
  const b = `${ROOT}/models/b.sql`;
  fs.set(b, "select * from {{ ref('zz') }}", 100);
  fs.overlays.add(b);
  const r = await loadDbtProject(ROOT, fs);
  const node = r.facts.nodes.find((n) => n.uniqueId === 'model.shop.b')!;
  assert.deepEqual(node.refs.map((x) => (x.target.kind === 'dbt_ref' ? x.target.name : '')), ['zz']);
});

test('a kept manifest read is located again where files changed: a removed YAML entry leaves no stale range', async () => {
  const fs = shop();
  const yml = `${ROOT}/models/schema.yml`;
  fs.set(yml, 'version: 2\nmodels:\n  - name: a\n  - name: b\n    description: the b model\n', 100);
  const cache = new DbtProjectCache();
  const first = await loadDbtProject(ROOT, fs, { cache });
  const b0 = first.facts.nodes.find((n) => n.uniqueId === 'model.shop.b')!;
  assert.deepEqual(plain(b0.locations[1]), { file: yml, range: { start: { line: 3, character: 10 }, end: { line: 3, character: 11 } } });

  fs.set(yml, 'version: 2\n', 900);
  const second = await loadDbtProject(ROOT, fs, { cache });
  assert.equal(fs.readCount(MANIFEST), 1, 'the manifest itself is not read again');
  const b1 = second.facts.nodes.find((n) => n.uniqueId === 'model.shop.b')!;
  for (const l of b1.locations) assert.ok(l.file !== yml || l.range.start.line === 0, JSON.stringify(b1.locations));
  // the kept read is untouched: the first load's node still says where b was
  assert.equal(b0.locations[1].range.start.line, 3);
});

test('a manifest read opens no model file: each is read when a place in it is first asked, once, and a rebuilt manifest reads the file as it is then', async () => {
  const fs = shop();
  fs.set(`${ROOT}/models/a.sql`, '\n\n  select 1 as id', 100);
  fs.set(`${ROOT}/models/b.sql`, "-- b\nselect * from {{ ref('a') }} join {{ ref('a') }}", 100);
  const reads = () => [fs.readCount(`${ROOT}/models/a.sql`), fs.readCount(`${ROOT}/models/b.sql`)];
  const cache = new DbtProjectCache();
  const first = await loadDbtProject(ROOT, fs, { cache });
  assert.deepEqual(reads(), [0, 0], 'the load reads the manifest, not the model files');
  const b0 = first.facts.nodes.find((n) => n.name === 'b')!;
  assert.deepEqual(b0.refs[0].location?.range, { start: { line: 1, character: 22 }, end: { line: 1, character: 23 } });
  assert.deepEqual(reads(), [0, 1], 'asking a call of b reads b.sql only');
  assert.deepEqual(plain(b0.locations), [{ file: `${ROOT}/models/b.sql`, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 4 } } }]);
  assert.deepEqual(reads(), [0, 1], 'once: its other places come from the same read');

  // dbt rebuilt the manifest; b.sql changed (edited, then the manifest was built from it)
  fs.set(`${ROOT}/models/b.sql`, "-- b, edited\n\nselect *\nfrom {{ ref('a') }}", 150);
  fs.set(MANIFEST, manifestJson(), 900);
  const rebuilt = await loadDbtProject(ROOT, fs, { cache });
  assert.deepEqual(reads(), [0, 1], 'the rebuilt manifest is read; no model file yet');
  const b = rebuilt.facts.nodes.find((n) => n.name === 'b')!;
  assert.deepEqual(b.refs[0].location?.range, { start: { line: 3, character: 13 }, end: { line: 3, character: 14 } });
  const a = rebuilt.facts.nodes.find((n) => n.name === 'a')!;
  assert.deepEqual(a.locations[0].range, { start: { line: 2, character: 2 }, end: { line: 2, character: 16 } });
  assert.deepEqual(b0.refs[0].location?.range, { start: { line: 1, character: 22 }, end: { line: 1, character: 23 } }, 'a place keeps the range it found');
  const fresh = await loadDbtProject(ROOT, fs, {});
  assert.deepEqual(plain(rebuilt.facts.nodes), plain(fresh.facts.nodes));
});
