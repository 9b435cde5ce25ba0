import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closest, editDistance, wordsNear } from '../../../server/src/analysis/suggest';
import { LayeredSet } from '../../../server/src/model/layeredSet';
import { Rng } from '../../robust/lib/prng';

/** The textbook full-matrix Levenshtein distance, to check the two-row bounded one against. */
function reference(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length][b.length];
}

test('editDistance equals the full-matrix distance, and caps at limit + 1 (seeded strings, long ones included)', () => {
  const rng = new Rng(11);
  const word = (n: number) => Array.from({ length: n }, () => 'abcd_'[rng.int(5)]).join('');
  for (let i = 0; i < 2000; i++) {
    const a = word(rng.int(i % 100 === 0 ? 150 : 12));
    const b = word(rng.int(i % 100 === 1 ? 150 : 12));
    const want = reference(a, b);
    assert.equal(editDistance(a, b), want, `${a} / ${b}`);
    const limit = rng.int(4);
    assert.equal(editDistance(a, b, limit), want <= limit ? want : limit + 1, `${a} / ${b} within ${limit}`);
  }
});

test('closest: case-insensitive, nearest within a third of the length, ties to the smallest, nothing when too far', () => {
  assert.equal(closest('Daily_Metrics', ['daily_metrics', 'daily_metric', 'weekly_metrics']), 'daily_metrics');
  assert.equal(closest('stg_trip', ['stg_tripz', 'stg_trips', 'stg_zones']), 'stg_trips');
  assert.equal(closest('stg_trip', ['stg_trips', 'stg_tripz']), 'stg_trips');
  assert.equal(closest('manhattan_stats', ['taxi_trips', 'taxi_zones']), undefined);
  assert.equal(closest('ab', ['xyz']), undefined);
  assert.equal(closest('ab', ['a', 'zzzzz']), 'a');
});

/** The brute-force answer: the nearest within the limit, ties to the smallest. */
function bruteClosest(w: string, list: string[]): string | undefined {
  const limit = Math.max(2, Math.floor(w.length / 3));
  let want: string | undefined;
  let wantD = Infinity;
  for (const c of list) {
    const d = reference(w.toLowerCase(), c.toLowerCase());
    if (d <= limit && (d < wantD || (d === wantD && c < want!))) {
      want = c;
      wantD = d;
    }
  }
  return want;
}

test('closest with its pruning picks what a brute-force search picks (seeded words, a reused candidate set)', () => {
  const rng = new Rng(12);
  // letters, digits, separators, and two characters that share a folded mask bit (é, ā)
  const alphabet = 'abcdeAB_é09/-.ā';
  const word = (n: number) => Array.from({ length: n }, () => alphabet[rng.int(alphabet.length)]).join('');
  const candidates = new Set(Array.from({ length: 400 }, () => word(3 + rng.int(10))));
  const list = [...candidates];
  for (let i = 0; i < 300; i++) {
    const w = word(2 + rng.int(12));
    assert.equal(closest(w, candidates), bruteClosest(w, list), w);
  }
});

/** Seeded words of an alphabet, and a word with some edits (a deletion, an insertion or a substitution each). */
function seededWords(rng: Rng, alphabet: string) {
  const letter = () => alphabet[rng.int(alphabet.length)];
  return {
    word: (n: number) => Array.from({ length: n }, letter).join(''),
    edited: (k: string, edits: number) => {
      const a = [...k];
      for (let e = edits; e > 0; e--) {
        const at = rng.int(a.length + 1);
        const op = rng.int(3);
        if (op === 0) a.splice(at, 1);
        else if (op === 1) a.splice(at, 0, letter());
        else a[at] = letter();
      }
      return a.join('');
    },
  };
}

test('closest over keys of very different lengths, asked again, and over a second set: what a brute-force search picks', () => {
  const rng = new Rng(14);
  const { word, edited } = seededWords(rng, 'abcdE_0123');
  // one edit or a few away from a key, or nowhere near one
  const near = (k: string) => edited(k, 1 + rng.int(4));
  // short keys and long ones (a code workspace's keys beside dbt model names), a few of every length between
  const first = new Set([...Array.from({ length: 300 }, () => word(3 + rng.int(6))), ...Array.from({ length: 300 }, () => word(20 + rng.int(12))), ...Array.from({ length: 40 }, () => word(1 + rng.int(40)))]);
  const second = new Set([...first].filter(() => rng.int(3) > 0).concat(Array.from({ length: 50 }, () => word(2 + rng.int(30)))));
  const words = Array.from({ length: 400 }, (_, i) => (i % 4 === 3 ? word(1 + rng.int(45)) : near([...first][rng.int(first.size)])));
  for (const candidates of [first, second, first]) {
    const list = [...candidates];
    for (const w of words) {
      const want = bruteClosest(w, list);
      assert.equal(closest(w, candidates), want, w);
      // the answer kept for this set is the one found
      assert.equal(closest(w, candidates), want, `${w}, asked again`);
    }
  }
});

test('closest over a LayeredSet picks what it picks over the same keys as a plain Set (removed keys never suggested)', () => {
  const rng = new Rng(13);
  const word = (n: number) => Array.from({ length: n }, () => 'abcdeAB_'[rng.int(8)]).join('');
  const base = new Set(Array.from({ length: 400 }, () => word(3 + rng.int(8))));
  let layered: ReadonlySet<string> = base;
  for (let round = 0; round < 40; round++) {
    const keys = [...layered];
    const remove = Array.from({ length: 3 }, () => keys[rng.int(keys.length)]);
    const add = Array.from({ length: 3 }, () => word(3 + rng.int(8)));
    layered = LayeredSet.derive(layered, add, remove);
    const plain = new Set(layered);
    for (let i = 0; i < 20; i++) {
      // words near a removed key, near an added key, and random ones
      const w = i % 3 === 0 ? remove[i % 3] : i % 3 === 1 ? add[i % 3] + 'a' : word(2 + rng.int(10));
      assert.equal(closest(w, layered), closest(w, plain), `round ${round}: ${w}`);
      if (!plain.has(remove[0])) assert.notEqual(closest(w, layered), remove[0]);
    }
  }
});

test('wordsNear: exactly the words a key is within the did-you-mean limit of (seeded words of every length, a growing list)', () => {
  const rng = new Rng(16);
  const { word, edited } = seededWords(rng, 'abcdE_0123é');
  const near = (k: string) => edited(k, rng.int(5));
  const keys = Array.from({ length: 60 }, () => word(1 + rng.int(30)));
  const words = [...new Set([...keys.flatMap((k) => [near(k), near(k), near(k.toUpperCase())]), ...Array.from({ length: 200 }, () => word(1 + rng.int(40)))])];
  const within = (w: string, k: string) => reference(w.toLowerCase(), k.toLowerCase()) <= Math.max(2, Math.floor(w.length / 3));
  let found = 0;
  for (const list of [words, words.slice(0, 150)]) {
    for (const k of keys) {
      const got = wordsNear(k, list).sort();
      const want = list.filter((w) => within(w, k)).sort();
      assert.deepEqual(got, want, k);
      found += got.length;
      // every word whose did-you-mean the key is, among other keys, is among them
      for (const w of list) if (closest(w, [k, ...keys.slice(0, 10)]) === k) assert.ok(got.includes(w), `${w} → ${k}`);
    }
  }
  assert.ok(found > 100, `words found near the keys: ${found}`);
});
