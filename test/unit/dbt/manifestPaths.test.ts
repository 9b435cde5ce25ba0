import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { manifestObject, readManifest, readParsedManifest, SCAN_MIN_BYTES } from '../../../server/src/sources/dbt/manifest';
import { scanManifest } from '../../../server/src/sources/dbt/manifestScan';
import { DiskFileSource } from '../../../server/src/workspace/diskFileSource';
import { allManifests, repoRoot } from './helpers';

// readManifest goes through the skipping scanner; JSON.parse is only its fallback.
// Both must give the same DbtNodes, or the scanner silently changes the index.

const EXAMPLE = path.join(repoRoot(), 'examples/taxi/analytics');
const NOWHERE = '/nonexistent/asset-lens-project';

for (const file of [...allManifests(), path.join(EXAMPLE, 'target/manifest.json')]) {
  test(`manifest ${path.basename(file)}: the scanner path and the JSON.parse path give identical facts`, () => {
    const bytes = readFileSync(file);
    assert.ok(scanManifest(bytes), 'the scanner reads every real manifest (else this test compares JSON.parse with itself)');
    const root = file.startsWith(EXAMPLE) ? EXAMPLE : NOWHERE;
    const fs = new DiskFileSource();
    const scanned = readParsedManifest(scanManifest(bytes)!, file, root, fs);
    const parsed = readParsedManifest(JSON.parse(bytes.toString('utf8')), file, root, fs);
    assert.deepEqual(scanned, parsed);
    assert.deepEqual(manifestObject(bytes, 0), { manifest: scanManifest(bytes), scanned: true }, 'manifestObject scans from the threshold on');
    assert.deepEqual(readManifest(bytes, file, root, fs), parsed);
    // nodes read as the scanner meets them (v10+: the metadata names the project first)
    assert.deepEqual(readManifest(bytes, file, root, fs, { scanFromBytes: 0 }), parsed);
  });
}

/** readManifest through the scanner (nodes read as it meets them) and through JSON.parse. */
function bothWays(text: string) {
  const bytes = Buffer.from(text);
  const fs = new DiskFileSource();
  return {
    scanned: readManifest(bytes, '/p/target/manifest.json', NOWHERE, fs, { scanFromBytes: 0 }),
    parsed: readParsedManifest(JSON.parse(text), '/p/target/manifest.json', NOWHERE, fs),
  };
}

test('nodes read as the scanner meets them come out as JSON.parse orders them: a repeated id keeps its first place and last value, index-like ids first', () => {
  const node = (name: string, tag = 'x') => `{"resource_type": "model", "name": "${name}", "package_name": "p", "tags": ["${tag}"]}`;
  const text = `{"metadata": {"project_name": "p", "dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v12.json"},
    "nodes": {"model.p.a": ${node('a', 'first')}, "12": ${node('twelve')}, "model.p.x": ${node('x')}, "model.p.b": 5, "model.p.a": ${node('a', 'last')},
              "3": ${node('three')}, "model.p.c": ${node('c')}, "model.p.c": null, "model.p.d": ${node('d')}},
    "sources": {"source.p.s.t": {"resource_type": "source", "name": "t", "source_name": "s", "package_name": "p"}},
    "exposures": {"exposure.p.e": {"resource_type": "exposure", "name": "e", "package_name": "p"}}}`;
  const { scanned, parsed } = bothWays(text);
  assert.deepEqual(scanned, parsed);
  assert.deepEqual(
    scanned.facts!.nodes.map((n) => `${n.uniqueId}:${n.tags.join()}`),
    ['3:x', '12:x', 'model.p.a:last', 'model.p.x:x', 'model.p.d:x', 'source.p.s.t:', 'exposure.p.e:'],
  );
});

test('a manifest whose metadata comes after its nodes, or names no project (before v10), is read the same through the scanner', () => {
  const nodes = '"nodes": {"model.p.a": {"resource_type": "model", "name": "a", "package_name": "p", "depends_on": {"nodes": ["model.p.b"]}}, "model.p.b": {"resource_type": "model", "name": "b", "package_name": "p"}}';
  for (const text of [
    `{${nodes}, "metadata": {"project_name": "p"}}`,
    `{"metadata": {"project_id": "83878c91171338902e0fe0fb97a8c47a", "dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v9.json"}, ${nodes}}`,
    `{"metadata": {"project_name": "p", "dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v3.json"}, ${nodes}}`,
  ]) {
    const { scanned, parsed } = bothWays(text);
    assert.deepEqual(scanned, parsed, text);
  }
});

test('repeated top-level keys (metadata, a collection) are read as JSON.parse reads them: the last one wins', () => {
  const meta = (name: string) => `"metadata": {"project_name": "${name}", "dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v12.json"}`;
  const nodes = (...names: string[]) => `"nodes": {${names.map((n) => `"model.p.${n}": {"resource_type": "model", "name": "${n}", "package_name": "p"}`).join(', ')}}`;
  for (const text of [
    `{${meta('p')}, ${nodes('a', 'b')}, ${nodes('c')}}`,
    `{${meta('p')}, ${nodes('a')}, "nodes": null}`,
    `{${meta('p')}, ${nodes('a')}, ${meta('q')}}`,
  ]) {
    const { scanned, parsed } = bothWays(text);
    assert.deepEqual(scanned, parsed, text);
  }
  assert.deepEqual(bothWays(`{${meta('p')}, ${nodes('a', 'b')}, ${nodes('c')}}`).scanned.facts!.nodes.map((n) => n.name), ['c']);
});

test('a scan that gives up after reading some nodes (a "__proto__" id late in the file) leaves no trace: JSON.parse reads it', () => {
  const node = (name: string) => ({ resource_type: 'model', name, package_name: 'p' });
  const text = JSON.stringify({ metadata: { project_name: 'p' }, nodes: { 'model.p.a': node('a'), 'model.p.b': node('b'), PROTO: node('c') } }).replace('"PROTO"', '"__proto__"');
  const { scanned, parsed } = bothWays(text);
  assert.deepEqual(scanned, parsed);
  assert.deepEqual(scanned.facts!.nodes.map((n) => n.uniqueId), ['model.p.a', 'model.p.b', '__proto__']);
});

test('a manifest the scanner gives up on (a node id "__proto__") is still read, through JSON.parse', () => {
  const node = (name: string) => ({ resource_type: 'model', name, package_name: 'p' });
  const text = JSON.stringify({ metadata: { project_name: 'p' }, nodes: { 'model.p.a': node('a'), PROTO: node('b') } }).replace('"PROTO"', '"__proto__"');
  const bytes = Buffer.from(text);
  assert.equal(scanManifest(bytes), undefined);
  const viaFallback = manifestObject(bytes, 0);
  assert.ok('manifest' in viaFallback);
  assert.deepEqual(Object.keys(viaFallback.manifest.nodes as object), ['model.p.a', '__proto__']);
  const r = readManifest(bytes, '/p/target/manifest.json', NOWHERE, new DiskFileSource());
  assert.deepEqual(r.facts?.nodes.map((n) => n.uniqueId), ['model.p.a', '__proto__']);
});

test('a byte order mark is skipped, as TextDecoder does', () => {
  const text = '\ufeff' + JSON.stringify({ metadata: {}, nodes: { 'model.p.a': { resource_type: 'model', name: 'a', package_name: 'p' } } });
  const r = readManifest(Buffer.from(text), '/p/target/manifest.json', NOWHERE, new DiskFileSource());
  assert.deepEqual(r.facts?.nodes.map((n) => n.uniqueId), ['model.p.a']);
});

test('bytes that cannot start an object are rejected at the first bad byte, without decoding them', () => {
  assert.deepEqual(manifestObject(Buffer.alloc(1024 * 1024)), { invalidJsonAt: 0 });
  assert.deepEqual(manifestObject(Buffer.from('  \n[1, 2]')), { invalidJsonAt: 3 });
  assert.deepEqual(manifestObject(Buffer.from('')), { invalidJsonAt: 0 });
  assert.deepEqual(manifestObject(Buffer.from('{"nodes": {"a": ')), { invalidJsonAt: 16 });
  // a kept value the scanner cannot parse sends it to JSON.parse, which finds the error
  assert.deepEqual(manifestObject(Buffer.from('{"metadata": tru}')), { invalidJsonAt: 16 });
});

test('small manifests are parsed in full; from SCAN_MIN_BYTES on the scanner reads them (and does not validate skipped code)', () => {
  const node = { resource_type: 'model', name: 'a', package_name: 'p', raw_code: 'select 1 \\q' };
  // an invalid escape inside raw_code, a value the scanner skips unread
  const text = JSON.stringify({ metadata: { project_name: 'p' }, nodes: { 'model.p.a': node } }).replace('\\\\q', '\\q');
  assert.throws(() => JSON.parse(text));
  const small = Buffer.from(text);
  assert.ok('invalidJsonAt' in manifestObject(small), 'JSON.parse reports it');
  const big = Buffer.concat([small, Buffer.alloc(SCAN_MIN_BYTES, 0x20)]);
  const read = manifestObject(big);
  assert.ok('manifest' in read, 'the scanner reads past it');
  assert.deepEqual(Object.keys(read.manifest.nodes as object), ['model.p.a']);
});

test('a large file that starts like an object but is garbage is rejected where it breaks, without a JSON.parse', () => {
  const bytes = Buffer.alloc(SCAN_MIN_BYTES + 10);
  bytes.write('{"metadata": {}, "nodes": ');
  assert.deepEqual(manifestObject(bytes), { invalidJsonAt: 26 });
  // cut short (dbt still writing): reported at the end, as before
  const cut = Buffer.concat([Buffer.from('{"metadata": {}, "nodes": {"a": "'), Buffer.alloc(SCAN_MIN_BYTES, 0x61)]);
  assert.deepEqual(manifestObject(cut), { invalidJsonAt: cut.length });
});
