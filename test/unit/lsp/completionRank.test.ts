import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as lsp from 'vscode-languageserver';
import { CandidateCache, matchesTyped, RankedCandidates, type Candidate } from '../../../server/src/lsp/completionRank';

function candidate(label: string, sortText: string, wholeLiteral = false): Candidate {
  return { item: { label, sortText } as lsp.CompletionItem, text: label.toLowerCase(), wholeLiteral };
}

/** The ranking completion used before candidates were kept: filter, sort by (prefix?, sortText), cut. */
function reference(all: Candidate[], typed: string, max: number, withWhole: boolean): string[] {
  return all
    .filter((c) => (withWhole || !c.wholeLiteral) && matchesTyped(typed, c.text))
    .map((c) => ({ c, r: c.text.startsWith(typed) ? 0 : 1, s: c.item.sortText! }))
    .sort((a, b) => a.r - b.r || (a.s < b.s ? -1 : a.s > b.s ? 1 : 0))
    .slice(0, max)
    .map((x) => x.c.item.label);
}

test('top() ranks exactly as filtering and sorting every candidate would (random sets, ties included)', () => {
  let seed = 7;
  const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed % n);
  const letters = 'abcde_/';
  for (let round = 0; round < 50; round++) {
    const all: Candidate[] = [];
    for (let i = 0; i < 300; i++) {
      let label = '';
      for (let k = 1 + rnd(8); k > 0; k--) label += letters[rnd(letters.length)];
      all.push(candidate(label, `${rnd(4)}_${label}`, rnd(5) === 0));
    }
    const ranked = new RankedCandidates(all);
    for (const typed of ['', 'a', 'ab', 'b_', 'e/d', 'zz']) {
      for (const max of [1, 10, 500]) {
        for (const whole of [true, false]) {
          assert.deepEqual(ranked.top(typed, max, whole).map((c) => c.item.label), reference(all, typed, max, whole), `round ${round} typed ${typed} max ${max} whole ${whole}`);
        }
      }
    }
    assert.equal(ranked.count(true), all.length);
    assert.equal(ranked.count(false), all.filter((c) => !c.wholeLiteral).length);
  }
});

test('the cache keeps one context: same snapshot and key reuse it, anything else rebuilds', () => {
  const cache = new CandidateCache<object>();
  const a = {};
  const b = {};
  let builds = 0;
  const build = () => (builds++, new RankedCandidates([]));
  const first = cache.get(a, 'k', build);
  assert.equal(cache.get(a, 'k', build), first);
  assert.equal(builds, 1);
  cache.get(b, 'k', build);
  cache.get(b, 'other', build);
  assert.equal(builds, 3);
  assert.notEqual(cache.get(a, 'k', build), first, 'only the newest context is kept');
});
