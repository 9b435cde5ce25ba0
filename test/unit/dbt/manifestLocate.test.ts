import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { allManifests, MANIFEST_DIR, ODD_MANIFEST } from './helpers';
import { decodeLocatedNodes, locateManifest, scanManifest, type LocatedNodes } from '../../../server/src/sources/dbt/manifestScan';

// The scan a thread does (locateManifest: where each kept value starts) and the decode the
// language server's thread does from the same bytes must give the nodes scanManifest gives.

type Taken = [collection: string, id: string, raw: unknown][];

/** scanManifest taking every node as it meets it, with the metadata seen at each. */
function viaScan(bytes: Buffer): { nodes: Taken; metadata: unknown[]; rest?: unknown } {
  const nodes: Taken = [];
  const metadata: unknown[] = [];
  const rest = scanManifest(bytes, (c, id, raw, met) => {
    nodes.push([c, id, raw]);
    metadata.push(met);
    return true;
  });
  return { nodes, metadata, rest };
}

/** locateManifest in batches, each table decoded; undefined rest: the locate gave up; decoded false: a value did not parse. */
function viaLocate(bytes: Buffer, batchNodes: number, accepts: (m: unknown) => boolean = () => true) {
  const tables: LocatedNodes[] = [];
  const rest = locateManifest(bytes, { batchNodes, accepts, flush: (t) => tables.push(t) });
  const nodes: Taken = [];
  let decoded = true;
  for (const t of tables) decoded &&= decodeLocatedNodes(bytes, t, (c, id, raw) => nodes.push([c, id, raw]));
  return { nodes, rest, tables, decoded };
}

const files = allManifests();

test('there are real manifests to locate', () => {
  assert.ok(files.length >= 20, `found ${files.length} manifests under ${MANIFEST_DIR}`);
});

for (const file of files) {
  test(`located and decoded equals the scan: ${basename(file)}`, () => {
    const bytes = readFileSync(file);
    const scanned = viaScan(bytes);
    assert.ok(scanned.rest, 'the scanner gave up on a valid manifest');
    for (const batch of [1, 7, 500]) {
      const located = viaLocate(bytes, batch);
      assert.ok(located.rest && located.decoded, `gave up with batches of ${batch}`);
      assert.deepStrictEqual(located.nodes, scanned.nodes, `batches of ${batch}`);
      assert.deepStrictEqual(located.rest, scanned.rest);
      // handed over every `batch` nodes, and the rest at the end
      assert.equal(located.tables.length, Math.ceil(scanned.nodes.length / batch));
    }
  });
}

test('odd nodes (escaped ids, non-object nodes and configs, own __proto__ keys) decode as the scan reads them', () => {
  // an own "__proto__" key in a kept value, as JSON.parse makes it
  const json = JSON.stringify(ODD_MANIFEST).replace('"meta":{"a"', '"meta":{"__proto__":{"x":1},"a"');
  assert.ok(json.includes('__proto__'));
  for (const text of [json, JSON.stringify(ODD_MANIFEST, null, 2), JSON.stringify(ODD_MANIFEST, null, '\t').replace(/\n/g, '\r\n')]) {
    const bytes = Buffer.from(text, 'utf8');
    const scanned = viaScan(bytes);
    for (const batch of [1, 2, 100]) {
      const located = viaLocate(bytes, batch);
      assert.ok(located.rest && located.decoded);
      assert.deepStrictEqual(located.nodes, scanned.nodes);
    }
  }
  // a config repeated, the last one an object or not: the last wins, as JSON.parse has it
  for (const configs of ['"config": {"tags": ["a"]}, "config": 5', '"config": 5, "config": {"schema": "s"}', '"config": {"tags": ["a"]}, "config": {"alias": "b"}']) {
    const bytes = Buffer.from(`{"metadata": {"project_name": "p"}, "nodes": {"m": {"name": "m", ${configs}, "fqn": ["m"]}}}`);
    const located = viaLocate(bytes, 1);
    assert.deepStrictEqual(located.nodes, viaScan(bytes).nodes, configs);
    const last = (JSON.parse(`{${configs}}`) as { config: unknown }).config;
    assert.deepStrictEqual((located.nodes[0][2] as { config: unknown }).config, last, configs);
  }
});

test('gives up where the scan gives up; a value that does not parse fails the decode', () => {
  const good = JSON.stringify({ metadata: { project_name: 'p' }, nodes: { m: { name: 'm', raw_code: 'x'.repeat(100) }, n: { name: 'n' } } });
  for (let cut = 1; cut < good.length; cut += 5) {
    assert.equal(viaLocate(Buffer.from(good.slice(0, cut)), 1).rest, undefined, `accepted a file cut at ${cut}`);
  }
  // a collection repeated: JSON.parse keeps the last, the located nodes of the first are already handed over
  assert.equal(viaLocate(Buffer.from('{"metadata": {}, "nodes": {"a": {}}, "nodes": {"b": {}}}'), 1).rest, undefined);
  assert.equal(viaLocate(Buffer.from('{"nodes": {"__proto__": {"name": "m"}}}'), 1).rest, undefined);
  // the metadata before the first node decides whether nodes are located at all
  const refused = viaLocate(Buffer.from(good), 1, (m) => !!m && typeof m === 'object' && (m as { project_name?: string }).project_name === 'q');
  assert.equal(refused.rest, undefined);
  assert.equal(refused.tables.length, 0);
  let seen: unknown;
  viaLocate(Buffer.from(good), 1, (m) => ((seen = m), true));
  assert.deepEqual(seen, { project_name: 'p' });
  // skipped while located, parsed when decoded: the scan refuses these values, the decode fails on them
  for (const bad of ['[nul]', '{"a" "b"}', '["a",]', '[1 2]', '1.2.3', '"\\x"']) {
    const bytes = Buffer.from(`{"metadata": {"project_name": "p"}, "nodes": {"m": {"name": "m", "meta": ${bad}}}}`);
    assert.equal(scanManifest(bytes), undefined, bad);
    const located = viaLocate(bytes, 1);
    assert.ok(located.rest === undefined || !located.decoded, `decoded meta ${bad}`);
  }
});
