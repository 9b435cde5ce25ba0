import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { readManifest } from '../../../server/src/sources/dbt/manifest';
import { decodeManifestRead, encodeManifestRead, MANIFEST_READ_FORMAT, type KeptManifestRead } from '../../../server/src/sources/dbt/manifestReadCodec';
import { DiskFileSource } from '../../../server/src/workspace/diskFileSource';
import { Rng } from '../../robust/lib/prng';
import { allManifests, MemoryFileSource, repoRoot } from './helpers';

/** Plain data as JSON sees it (undefined fields dropped), so two reads compare field by field. */
const plain = (v: unknown) => JSON.parse(JSON.stringify(v));

function keptRead(manifest: string, root: string, fs: DiskFileSource | MemoryFileSource): KeptManifestRead {
  const bytes = readFileSync(manifest);
  const result = readManifest(bytes, manifest, root, fs);
  return { path: manifest, size: bytes.length, mtimeMs: 1234.5, result, files: new Map([[path.join(root, 'models', 'a.sql'), '10:1000']]) };
}

/** Through JSON and back, as the store does. */
const roundTrip = (read: KeptManifestRead) => decodeManifestRead(JSON.parse(JSON.stringify(encodeManifestRead(read))), new DiskFileSource());

test('a manifest read located in its files (examples/taxi) comes back equal, ranges and calls included', () => {
  const root = path.join(repoRoot(), 'examples', 'taxi', 'analytics');
  const read = keptRead(path.join(root, 'target', 'manifest.json'), root, new DiskFileSource());
  const calls = read.result.facts!.nodes.flatMap((n) => [...n.refs, ...n.sources]).filter((c) => c.location);
  assert.ok(calls.length > 0, 'the example places ref()/source() calls');
  const back = roundTrip(read);
  assert.ok(back);
  assert.deepEqual(plain(back.result), plain(read.result));
  assert.deepEqual([back.path, back.size, back.mtimeMs, [...back.files]], [read.path, read.size, read.mtimeMs, [...read.files]]);
});

test('every real manifest read comes back equal (versions, meta, packages, sources, tests)', () => {
  let checked = 0;
  for (const manifest of allManifests()) {
    const root = '/nowhere/project';
    const read = keptRead(manifest, root, new MemoryFileSource());
    // manifests older than v4 give no nodes, and such a read is never kept
    if (!read.result.facts) continue;
    checked++;
    const back = roundTrip(read);
    assert.ok(back, manifest);
    assert.deepEqual(plain(back.result), plain(read.result), manifest);
    // the encoding is much smaller than the manifest: code, columns and descriptions' duplicates are not in it
    const encoded = JSON.stringify(encodeManifestRead(read)).length;
    assert.ok(encoded < read.size, `${path.basename(manifest)}: ${encoded} bytes encoded of ${read.size}`);
  }
  assert.ok(checked >= 20, `${checked} manifests checked`);
});

test('decoded nodes share one empty list and one range object per distinct range, as read ones do', () => {
  const root = path.join(repoRoot(), 'examples', 'taxi', 'analytics');
  const back = roundTrip(keptRead(path.join(root, 'target', 'manifest.json'), root, new DiskFileSource()))!;
  const nodes = back.result.facts!.nodes;
  const empties = nodes.map((n) => n.tags).filter((t) => t.length === 0);
  assert.ok(empties.length > 1 && empties.every((t) => t === empties[0] && Object.isFrozen(t)));
  const byValue = new Map<string, object>();
  for (const n of nodes) {
    for (const l of n.locations) {
      const k = JSON.stringify(l.range);
      const had = byValue.get(k);
      if (had) assert.equal(l.range, had, `one object for range ${k}`);
      else byValue.set(k, l.range);
    }
  }
});

test('another format, or damaged data, is not decoded (undefined, never a throw)', () => {
  const root = path.join(repoRoot(), 'examples', 'taxi', 'analytics');
  const encoded = encodeManifestRead(keptRead(path.join(root, 'target', 'manifest.json'), root, new DiskFileSource()));
  assert.equal(decodeManifestRead({ ...encoded, format: MANIFEST_READ_FORMAT + 1 }, new DiskFileSource()), undefined);
  for (const bad of [null, 3, 'x', [], {}, { ...encoded, strings: 'no' }, { ...encoded, nodes: [[1, 2]] }, { ...encoded, facts: { ...encoded.facts, origin: 'elsewhere' } }]) {
    assert.equal(decodeManifestRead(bad, new DiskFileSource()), undefined, JSON.stringify(bad).slice(0, 80));
  }
  // seeded damage anywhere in the tree: a wrong index, a wrong type, a missing part
  const rng = new Rng(20261124);
  const text = JSON.stringify(encoded);
  let rejected = 0;
  for (let i = 0; i < 300; i++) {
    const data = JSON.parse(text);
    const node = data.nodes[rng.int(data.nodes.length)];
    const field = rng.int(node.length);
    node[field] = rng.pick([-5, 1e9, 'text', null, {}, [[]], [1e9]]);
    const back = decodeManifestRead(data, new DiskFileSource());
    if (back === undefined) rejected++;
    else assert.ok(back.result.facts!.nodes.every((n) => typeof n.uniqueId === 'string' && n.locations.every((l) => typeof l.file === 'string')));
  }
  assert.ok(rejected > 200, `${rejected} of 300 damaged reads rejected`);
});
