import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readManifest } from '../../../server/src/sources/dbt/manifest';
import { decodeManifestRead, encodeManifestRead } from '../../../server/src/sources/dbt/manifestReadCodec';
import { MemoryFileSource, plain, sliceRange } from './helpers';

const ROOT = '/w/shop';
const MANIFEST = `${ROOT}/target/manifest.json`;
const at = (line: number, character: number, endLine = line, endCharacter = character) => ({ start: { line, character }, end: { line: endLine, character: endCharacter } });

function manifest(models: Record<string, { refs?: string[]; sources?: [string, string][]; file?: string }>, sources: Record<string, [string, string]> = {}): Buffer {
  const nodes: Record<string, unknown> = {};
  for (const [name, m] of Object.entries(models)) {
    nodes[`model.shop.${name}`] = {
      unique_id: `model.shop.${name}`,
      resource_type: 'model',
      name,
      package_name: 'shop',
      original_file_path: m.file ?? `models/${name}.sql`,
      patch_path: 'shop://models/schema.yml',
      config: {},
      depends_on: { nodes: [] },
      refs: (m.refs ?? []).map((r) => ({ name: r, package: null, version: null })),
      sources: m.sources ?? [],
    };
  }
  const src: Record<string, unknown> = {};
  for (const [id, [sourceName, table]] of Object.entries(sources)) {
    src[id] = { unique_id: id, resource_type: 'source', name: table, source_name: sourceName, package_name: 'shop', original_file_path: 'models/sources.yml', config: {} };
  }
  return Buffer.from(
    JSON.stringify({
      metadata: { dbt_schema_version: 'https://schemas.getdbt.com/dbt/manifest/v12.json', dbt_version: '1.9.2', project_name: 'shop' },
      nodes,
      sources: src,
    }),
  );
}

function shop(): MemoryFileSource {
  return new MemoryFileSource()
    .set(`${ROOT}/dbt_project.yml`, 'name: shop\n')
    .set(`${ROOT}/models/schema.yml`, 'version: 2\nmodels:\n  - name: a\n  - name: b\n')
    .set(`${ROOT}/models/sources.yml`, 'version: 2\nsources:\n  - name: raw\n    tables:\n      - name: orders\n')
    .set(`${ROOT}/models/a.sql`, 'select 1')
    .set(`${ROOT}/models/b.sql`, "\n  -- b\nselect * from {{ ref('a') }}\n{% set t = 'a' %}\nunion all select * from {{ ref(t) }} join {{ source('raw', 'orders') }}\n");
}

test('each ref() / source() call the manifest lists is placed on its text; one the text builds by Jinja at the start of the first line', () => {
  const fs = shop();
  const r = readManifest(manifest({ a: {}, b: { refs: ['a', 'c'], sources: [['raw', 'orders']] } }), MANIFEST, ROOT, fs);
  const b = r.facts!.nodes.find((n) => n.name === 'b')!;
  const text = fs.readText(`${ROOT}/models/b.sql`)!;
  // the scan sees ref('a') once (ref(t) names no literal): the manifest's `c` is not in the text
  assert.equal(sliceRange(text, b.refs[0].location!.range), 'a');
  assert.deepEqual(b.refs[0].location!.range, at(2, 22, 2, 23));
  assert.deepEqual(plain(b.refs[1].location), { file: `${ROOT}/models/b.sql`, range: at(1, 2) }, 'not in the text: the file, where its content starts');
  assert.equal(sliceRange(text, b.sources[0].location!.range), 'orders');
  assert.deepEqual(plain(b.locations), [
    { file: `${ROOT}/models/b.sql`, range: at(1, 2, 1, 6) },
    { file: `${ROOT}/models/schema.yml`, range: at(3, 10, 3, 11) },
  ]);
});

test('places read the file when asked: a missing file gives no place, an over-size or removed one the file at 0:0', () => {
  const fs = shop().set(`${ROOT}/models/big.sql`, 'select 1\n'.repeat(10));
  const r = readManifest(manifest({ a: {}, gone: {}, big: {}, odd: { file: 'models/odd.yml' } }, { 'source.shop.raw.orders': ['raw', 'orders'] }), MANIFEST, ROOT, fs);
  const byName = new Map(r.facts!.nodes.map((n) => [n.name, n]));
  assert.deepEqual(byName.get('gone')!.locations.map((l) => l.file), [`${ROOT}/models/schema.yml`], 'no SQL file: only its properties entry');
  assert.deepEqual(plain(byName.get('orders')!.locations), [{ file: `${ROOT}/models/sources.yml`, range: at(4, 14, 4, 20) }]);
  // the file goes between the read and the question
  fs.files.delete(`${ROOT}/models/a.sql`);
  assert.deepEqual(byName.get('a')!.locations[0].range, at(0, 0));
  // over the 20 MB limit when asked: never read
  fs.set(`${ROOT}/models/big.sql`, Buffer.alloc(21 * 1024 * 1024, 0x20));
  const reads = fs.reads;
  assert.deepEqual(byName.get('big')!.locations[0].range, at(0, 0));
  assert.equal(fs.reads, reads);
});

test('many files asked in turn (more than the finder keeps) each give their own ranges, and a place keeps its range', () => {
  const fs = shop();
  const models: Record<string, { refs: string[] }> = {};
  for (let i = 0; i < 600; i++) {
    models[`m${i}`] = { refs: ['a'] };
    fs.set(`${ROOT}/models/m${i}.sql`, `${'\n'.repeat(i % 7)}select * from {{ ref('a') }} -- ${i}`);
  }
  const r = readManifest(manifest(models), MANIFEST, ROOT, fs);
  const nodes = r.facts!.nodes.filter((n) => n.name.startsWith('m'));
  const before = fs.reads;
  for (const pass of [1, 2]) {
    for (const n of nodes) {
      const i = Number(n.name.slice(1));
      assert.deepEqual(n.locations[0].range.start, { line: i % 7, character: 0 }, `${n.name}, pass ${pass}`);
      assert.deepEqual(n.refs[0].location!.range, at(i % 7, 22, i % 7, 23));
      // every model's properties are in the one schema.yml, asked between 600 SQL files
      assert.deepEqual(n.locations[1].range.start.line, 0, 'not in schema.yml: the file at 0:0');
    }
    if (pass === 1) assert.equal(fs.reads - before, 601, 'each SQL file read once, and schema.yml once');
  }
  const reads = fs.reads;
  for (const n of nodes) void n.refs[0].location!.range;
  assert.equal(fs.reads, reads, 'found once');
});

test('a kept read writes places without ranges; decoded, they find theirs in the files as they are then', () => {
  const fs = shop();
  const bytes = manifest({ a: {}, b: { refs: ['a'] } });
  const result = readManifest(bytes, MANIFEST, ROOT, fs);
  const encoded = encodeManifestRead({ path: MANIFEST, size: bytes.length, mtimeMs: 1, result, files: new Map() });
  assert.equal(JSON.stringify(encoded).includes('"range"'), false);
  const reads = fs.reads;
  // b.sql is edited after the read was kept
  fs.set(`${ROOT}/models/b.sql`, "select 2\n\nfrom {{ ref('a') }}");
  const back = decodeManifestRead(JSON.parse(JSON.stringify(encoded)), fs)!;
  assert.equal(fs.reads, reads, 'decoding reads no file');
  const b = back.result.facts!.nodes.find((n) => n.name === 'b')!;
  assert.deepEqual(plain(b.refs[0].location), { file: `${ROOT}/models/b.sql`, range: at(2, 13, 2, 14) });
  assert.deepEqual(b.locations[0].range, at(0, 0, 0, 8));
  assert.deepEqual(b.locations[1].range, at(3, 10, 3, 11));
});
