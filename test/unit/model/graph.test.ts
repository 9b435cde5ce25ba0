import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AssetGraph, keyId, LineIndex, parseKeyPath, range, type Asset } from '../../../server/src/model';

const asset = (id: string, line = 0): Asset => ({
  key: parseKeyPath(id),
  id,
  kind: 'python',
  locations: [{ file: '/w/a.py', range: range(line, 0, line + 2, 0) }],
});

test('keys keep their parts; "a/b" in AssetKey is one part', () => {
  assert.equal(keyId(['a/b']), 'a/b');
  assert.deepEqual(parseKeyPath('a/b'), ['a', 'b']);
});

test('upstream, downstream and lineage trees with diamonds expanded once', () => {
  const g = new AssetGraph();
  for (const id of ['a', 'b', 'c', 'd']) g.addAsset(asset(id));
  g.addEdge({ from: 'a', to: 'b' });
  g.addEdge({ from: 'a', to: 'c' });
  g.addEdge({ from: 'b', to: 'd' });
  g.addEdge({ from: 'c', to: 'd' });
  g.addEdge({ from: 'c', to: 'd' }); // duplicate ignored
  g.addEdge({ from: 'd', to: 'd' }); // self edge ignored
  assert.deepEqual(g.upstream('d').map((e) => e.from).sort(), ['b', 'c']);
  assert.deepEqual(g.downstream('a').map((e) => e.to).sort(), ['b', 'c']);
  const tree = g.lineage('a', 'down')!;
  assert.deepEqual(tree.children.map((c) => c.asset.id), ['b', 'c']);
  assert.equal(tree.children[0].children[0].asset.id, 'd');
  assert.equal(tree.children[1].children[0].repeated, true);
  const shallow = g.lineage('a', 'down', 1)!;
  assert.equal(shallow.children[0].children.length, 0);
  assert.equal(g.lineage('zzz', 'up'), undefined);
});

test('assetAt and referenceAt find by position', () => {
  const g = new AssetGraph();
  g.addAsset(asset('x', 10));
  g.addReference({ target: { kind: 'key', key: ['x'] }, location: { file: '/w/a.py', range: range(3, 5, 3, 8) }, role: 'mention', form: 'asset_key', resolved: 'x' });
  assert.equal(g.assetAt('/w/a.py', { line: 11, character: 3 })?.id, 'x');
  assert.equal(g.assetAt('/w/a.py', { line: 2, character: 3 }), undefined);
  assert.equal(g.referenceAt('/w/a.py', { line: 3, character: 6 })?.resolved, 'x');
  assert.equal(g.referenceAt('/w/a.py', { line: 3, character: 9 }), undefined);
  assert.equal(g.referencesTo('x').length, 1);
});

test('LineIndex counts UTF-16 code units (astral characters are two)', () => {
  const text = 'a = "😀"\nkey = "x"\n';
  const idx = new LineIndex(text);
  const off = text.indexOf('x');
  assert.deepEqual(idx.positionAt(off), { line: 1, character: 7 });
  const emojiEnd = text.indexOf('"', 5);
  assert.deepEqual(idx.positionAt(emojiEnd), { line: 0, character: 7 });
  assert.equal(idx.offsetAt({ line: 1, character: 7 }), off);
});
