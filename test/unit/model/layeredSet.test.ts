import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LayeredSet } from '../../../server/src/model/layeredSet';
import { Rng } from '../../robust/lib/prng';

test('a derived LayeredSet behaves like a copied Set, and never changes the set it came from (seeded operations)', () => {
  const rng = new Rng(11);
  const start = new Set(Array.from({ length: 2000 }, (_, i) => i));
  let layered: ReadonlySet<number> = start;
  let plain = new Set(start);
  const frozen: [ReadonlySet<number>, number[]][] = [];
  let flattened = 0;
  for (let round = 0; round < 300; round++) {
    frozen.push([layered, [...plain]]);
    const add = Array.from({ length: rng.int(4) }, () => rng.int(2600));
    const remove = Array.from({ length: rng.int(4) }, () => rng.int(2600));
    layered = LayeredSet.derive(layered, add, remove);
    if (!(layered instanceof LayeredSet)) flattened++;
    plain = new Set(plain);
    for (const x of remove) plain.delete(x);
    for (const x of add) plain.add(x);
    assert.equal(layered.size, plain.size, `round ${round}: size`);
    for (let k = 0; k < 50; k++) {
      const x = rng.int(2600);
      assert.equal(layered.has(x), plain.has(x), `round ${round}: has(${x})`);
    }
    assert.deepEqual([...layered].sort((a, b) => a - b), [...plain].sort((a, b) => a - b), `round ${round}: contents`);
  }
  assert.ok(flattened > 0, 'a long chain of changes flattens');
  for (const [set, values] of frozen) assert.deepEqual([...set].sort((a, b) => a - b), values.sort((a, b) => a - b));
  assert.equal(start.size, 2000);
});

test('removing an added value and adding a removed one cancel out', () => {
  const base = new Set(['a', 'b']);
  const one = LayeredSet.derive(base, ['c'], ['a']);
  const two = LayeredSet.derive(one, ['a'], ['c']);
  assert.deepEqual([...two].sort(), ['a', 'b']);
  assert.equal(two.size, 2);
  assert.ok(two instanceof LayeredSet && two.added.size === 0 && two.removed.size === 0);
  let seen = 0;
  two.forEach((v, v2, set) => {
    assert.equal(v, v2);
    assert.equal(set, two);
    seen++;
  });
  assert.equal(seen, 2);
});
