import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LayeredMap } from '../../../server/src/model/layeredMap';
import { Rng } from '../../robust/lib/prng';

test('a derived LayeredMap behaves like a copied Map, and never changes the map it came from (seeded operations)', () => {
  const rng = new Rng(7);
  let layered = new LayeredMap<number, string>();
  let plain = new Map<number, string>();
  const frozen: [LayeredMap<number, string>, [number, string][]][] = [];
  for (let round = 0; round < 200; round++) {
    // publish: remember what this version holds, then derive the next one from it
    frozen.push([layered, [...plain]]);
    layered = new LayeredMap(layered);
    plain = new Map(plain);
    for (let op = 0; op < 20; op++) {
      const k = rng.int(300);
      if (rng.chance(0.3)) assert.equal(layered.delete(k), plain.delete(k));
      else {
        const v = `v${round}.${op}`;
        layered.set(k, v);
        plain.set(k, v);
      }
      assert.equal(layered.size, plain.size);
      assert.equal(layered.get(k), plain.get(k));
      assert.equal(layered.has(k), plain.has(k));
    }
    assert.deepEqual(new Map(layered), plain, `round ${round}: contents`);
  }
  for (const [map, entries] of frozen) assert.deepEqual([...map].sort((a, b) => a[0] - b[0]), entries.sort((a, b) => a[0] - b[0]));
});

test('a changed value keeps its place in the iteration order; new keys come after', () => {
  const base = new LayeredMap<string, number>();
  for (const [k, v] of [['a', 1], ['b', 2], ['c', 3]] as const) base.set(k, v);
  const next = new LayeredMap(base);
  next.set('b', 20);
  next.set('d', 4);
  next.delete('a');
  assert.deepEqual([...next.keys()], ['b', 'c', 'd']);
  assert.deepEqual([...next.values()], [20, 3, 4]);
  assert.deepEqual([...base.entries()], [['a', 1], ['b', 2], ['c', 3]]);
});
