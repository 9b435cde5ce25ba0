import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  scanManifest,
  SCANNED_COLLECTIONS,
  SCANNED_CONFIG_FIELDS,
  SCANNED_DEPENDS_ON_FIELDS,
  SCANNED_NODE_FIELDS,
} from '../../../server/src/sources/dbt/manifestScan';
import { ODD_MANIFEST } from './helpers';

const MANIFESTS = join(__dirname, '..', '..', '..', '..', '..', 'shared', 'manifests');

function manifestFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...manifestFiles(p));
    else if (name.endsWith('.json')) out.push(p);
  }
  return out;
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);

function pick(v: Json, fields: string[], nested: Record<string, string[]> = {}): Json {
  const out: Json = {};
  // JSON.parse's key order, restricted to the kept fields
  for (const [k, value] of Object.entries(v)) {
    if (!fields.includes(k)) continue;
    out[k] = nested[k] && isObj(value) ? pick(value, nested[k]) : value;
  }
  return out;
}

/** What the scanner must return: JSON.parse's result restricted to the fields the reader uses. */
function expected(text: string): Json {
  const full = JSON.parse(text) as Json;
  const out: Json = {};
  for (const [k, value] of Object.entries(full)) {
    if (k === 'metadata') out[k] = value;
    else if (SCANNED_COLLECTIONS.includes(k)) {
      if (!isObj(value)) {
        out[k] = value;
        continue;
      }
      const coll: Json = {};
      for (const [id, node] of Object.entries(value)) {
        coll[id] = isObj(node) ? pick(node, SCANNED_NODE_FIELDS, { config: SCANNED_CONFIG_FIELDS, depends_on: SCANNED_DEPENDS_ON_FIELDS }) : node;
      }
      out[k] = coll;
    }
  }
  return out;
}

const files = manifestFiles(MANIFESTS);

test('there are real manifests to check against', () => {
  assert.ok(files.length >= 20, `found ${files.length} manifests under ${MANIFESTS}`);
});

for (const file of files) {
  test(`scan equals JSON.parse on the kept fields: ${file.slice(MANIFESTS.length + 1)}`, () => {
    const bytes = readFileSync(file);
    const scanned = scanManifest(bytes);
    assert.ok(scanned, 'the scanner gave up on a valid manifest');
    assert.deepStrictEqual(scanned, expected(bytes.toString('utf8')));
  });
}

test('keeps escapes, unicode and nested picks exactly; skips what is not read', () => {
  const manifest = ODD_MANIFEST;
  for (const text of [JSON.stringify(manifest), JSON.stringify(manifest, null, 2), JSON.stringify(manifest, null, '\t').replace(/\n/g, '\r\n')]) {
    const scanned = scanManifest(Buffer.from(text, 'utf8'));
    assert.deepStrictEqual(scanned, expected(text));
    const a = (scanned!.nodes as Json)['model.p.a'] as Json;
    assert.equal(a.raw_code, undefined);
    assert.equal(a.columns, undefined);
    assert.deepEqual(a.config, { materialized: 'view', meta: { dagster: { asset_key: ['x', 'y'] } }, schema: null });
    assert.deepEqual(a.depends_on, { nodes: ['model.p.b'] });
  }
});

test('small kept values decoded in place equal JSON.parse, odd ones included', () => {
  // each value below is a node's `meta` (kept whole): the in-place decoder takes the plain ones and hands the rest to JSON.parse
  const metas = [
    '{}',
    '[]',
    '{"a": [true, false, null, "s", [], {}], "b": {"c": {"d": ["e"]}}}',
    '{"__proto__": {"x": "1"}, "y": "z"}',
    '{"a": 1, "a": "later", "2": "two", "1": "one"}',
    '{"n": [1, -2.5e3, "x"]}',
    '{"esc": "a\\"b", "u": "\\u00e9", "raw": "\u00e9\ud83d\ude00"}',
    '[[[[[[[[[[[[["deep"]]]]]]]]]]]]]',
    '{ "spaced" :\t[ "a" ,\r\n"b" ] , "t" : true }',
    'null',
    'true',
    '"plain"',
  ];
  for (const meta of metas) {
    const text = `{"metadata": {}, "nodes": {"m": {"name": "m", "meta": ${meta}, "fqn": ["p", "m"], "tags": ["a","b"]}}}`;
    const scanned = scanManifest(Buffer.from(text, 'utf8'));
    assert.deepStrictEqual(scanned, expected(text), meta);
    const got = ((scanned!.nodes as Json).m as Json).meta;
    // an own "__proto__" key, as JSON.parse makes it (an assignment would set the prototype instead)
    if (meta.includes('__proto__')) assert.equal(Object.getPrototypeOf(got), Object.prototype, meta);
    if (meta.includes('__proto__')) assert.ok(Object.prototype.hasOwnProperty.call(got, '__proto__'), meta);
  }
  for (const bad of ['[nul]', '[truex]', '{"a" "b"}', '["a",]', '{"a": tru}', '[1 2]']) {
    const text = `{"metadata": {}, "nodes": {"m": {"name": "m", "meta": ${bad}}}}`;
    assert.equal(scanManifest(Buffer.from(text, 'utf8')), undefined, `accepted meta ${bad}`);
  }
});

test('an escaped key that spells a kept field is still kept', () => {
  const text = '{"nodes": {"m": {"n\\u0061me": "a", "unique_id": "m"}}}';
  assert.deepStrictEqual(scanManifest(Buffer.from(text)), { nodes: { m: { name: 'a', unique_id: 'm' } } });
});

test('gives up (so the caller parses in full) on anything that is not a whole manifest object', () => {
  const good = JSON.stringify({ metadata: {}, nodes: { m: { name: 'm', raw_code: 'x'.repeat(100) } } });
  for (let cut = 1; cut < good.length; cut += 7) {
    assert.equal(scanManifest(Buffer.from(good.slice(0, cut))), undefined, `accepted a file cut at ${cut}`);
  }
  assert.equal(scanManifest(Buffer.from('[1, 2]')), undefined);
  assert.equal(scanManifest(Buffer.from('')), undefined);
  assert.equal(scanManifest(Buffer.from(good + ' x')), undefined);
  assert.equal(scanManifest(Buffer.from('\ufeff' + good)), undefined);
  assert.equal(scanManifest(Buffer.from('{"nodes": {"__proto__": {"name": "m"}}}')), undefined);
  assert.ok(scanManifest(Buffer.from(good + '\n')));
});
