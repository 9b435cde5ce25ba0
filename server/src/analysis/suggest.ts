import { LayeredSet } from '../model/layeredSet';

/**
 * Did-you-mean. An unknown key is compared with the asset keys of the
 * workspace (100k in a large one, on every save that has one) whose length
 * is within its limit, so the distance works in two reused rows and gives
 * up as soon as a row is over the best distance found so far. A workspace
 * whose code names a dbt project it does not have asks for thousands of
 * keys, each in many places: an answer is kept with the keys it was found
 * in.
 */
let rowA = new Uint32Array(64);
let rowB = new Uint32Array(64);

/** Levenshtein distance of a and b; any value over `limit` is returned as limit + 1. */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  if (rowA.length <= b.length) {
    rowA = new Uint32Array(b.length * 2 + 1);
    rowB = new Uint32Array(b.length * 2 + 1);
  }
  let prev = rowA;
  let cur = rowB;
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const sub = prev[j - 1] + (ca === b.charCodeAt(j - 1) ? 0 : 1);
      const del = prev[j] + 1;
      const ins = cur[j - 1] + 1;
      const v = sub < del ? (sub < ins ? sub : ins) : del < ins ? del : ins;
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > limit) return limit + 1;
    const t = prev;
    prev = cur;
    cur = t;
  }
  const d = prev[b.length];
  return d > limit ? limit + 1 : d;
}

/** A bit per kind of character: a–z, 0–9, `_`, `-`, `.`, `/`, then the rest folded into 24 bits. */
function letterBit(c: number): number {
  if (c >= 97 && c <= 122) return c - 97;
  if (c >= 48 && c <= 57) return c - 48 + 26;
  if (c === 95) return 36;
  if (c === 45) return 37;
  if (c === 46) return 38;
  if (c === 47) return 39;
  return 40 + (c % 24);
}

/** The kinds of characters of a lower-cased string, as two 32-bit halves of a 64-bit set. */
function letterMask(s: string, out: Uint32Array, at: number): void {
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < s.length; i++) {
    const b = letterBit(s.charCodeAt(i));
    if (b < 32) lo |= 1 << b;
    else hi |= 1 << (b - 32);
  }
  out[at * 2] = lo >>> 0;
  out[at * 2 + 1] = hi >>> 0;
}

/**
 * Edits needed at least between candidate `i` (its letterMask in `masks`)
 * and a string of mask lo/hi: the kinds of characters one has and the other
 * lacks each need an edit.
 */
function lettersApart(masks: Uint32Array, i: number, lo: number, hi: number): number {
  const cLo = masks[i * 2];
  const cHi = masks[i * 2 + 1];
  const extra = popcount(cLo & ~lo) + popcount(cHi & ~hi);
  const missing = popcount(lo & ~cLo) + popcount(hi & ~cHi);
  return extra > missing ? extra : missing;
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

interface CandidateLists {
  /** the candidates, shortest (lower-cased) first */
  source: string[];
  lower: string[];
  /** letterMask of each lower-cased candidate, two words each */
  masks: Uint32Array;
  /** the candidates of lower-cased length L are those from starts[L] to starts[L + 1] */
  starts: Int32Array;
  /** closest() answers over these candidates, by word: a set is not changed once linked */
  answers: Map<string, string | undefined>;
}

/** Lower-cased candidates of a set or list seen before (the workspace's keys, asked again on every save). */
const lowered = new WeakMap<object, CandidateLists>();

/** The lists built before for this set or list, while it still has their size (a Set or array is not changed once linked). */
function cachedLists(candidates: Iterable<string>): CandidateLists | undefined {
  if (!(candidates instanceof Set) && !Array.isArray(candidates)) return undefined;
  const hit = lowered.get(candidates);
  const size = candidates instanceof Set ? candidates.size : candidates.length;
  return hit && hit.source.length === size ? hit : undefined;
}

/**
 * The candidates grouped by length (a counting sort): a word is only
 * compared with candidates of a length within its limit, and the lengths,
 * masks and group bounds sit in flat arrays, so a group that is out of
 * reach costs nothing and a candidate ruled out by its letters costs no
 * visit to its string.
 */
function candidateLists(candidates: Iterable<string> | ReadonlySet<string>): CandidateLists {
  const hit = cachedLists(candidates);
  if (hit) return hit;
  const cacheable = candidates instanceof Set || Array.isArray(candidates);
  const given = [...candidates];
  const givenLower = given.map((c) => c.toLowerCase());
  let longest = 0;
  for (const c of givenLower) if (c.length > longest) longest = c.length;
  const starts = new Int32Array(longest + 2);
  for (const c of givenLower) starts[c.length + 1]++;
  for (let l = 1; l < starts.length; l++) starts[l] += starts[l - 1];
  const next = starts.slice(0, longest + 1);
  const source = new Array<string>(given.length);
  const lower = new Array<string>(given.length);
  const masks = new Uint32Array(given.length * 2);
  givenLower.forEach((c, k) => {
    const at = next[c.length]++;
    source[at] = given[k];
    lower[at] = c;
    letterMask(c, masks, at);
  });
  const made = { source, lower, masks, starts, answers: new Map<string, string | undefined>() };
  if (cacheable) lowered.set(candidates, made);
  return made;
}

const wordCounts = new Int32Array(128);
const work = new Int32Array(128);
const wordMask = new Uint32Array(2);

/**
 * The candidate nearest to `word` (case-insensitive) within a third of its
 * length (at least 2); ties go to the smallest. Most candidates are ruled out
 * before the distance by their length or by the letters they do not share
 * (each unmatched letter costs at least one edit).
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const w = word.toLowerCase();
  if (candidates instanceof LayeredSet) {
    // the base's lists stay cached across derived sets; its removed keys are skipped
    const layered = candidates as LayeredSet<string>;
    const found = startSearch(w, word.length);
    nearestIn(w, candidateLists(layered.base), found, layered.removed);
    nearestIn(w, candidateLists([...layered.added]), found);
    return found.distance <= found.limit ? found.best : undefined;
  }
  // one workspace names the same unknown key in many places (a missing dbt project: thousands)
  const lists = candidateLists(candidates);
  if (lists.answers.has(word)) return lists.answers.get(word);
  const found = startSearch(w, word.length);
  nearestIn(w, lists, found);
  const answer = found.distance <= found.limit ? found.best : undefined;
  lists.answers.set(word, answer);
  return answer;
}

/**
 * The words whose did-you-mean `key` may be, of `words` (each its own
 * limit, as closest() gives it): a key added or removed can change the
 * answers of these words only. Found through the same length groups and
 * letter masks as closest(), so a new key costs the few words near it, not
 * every unknown key of the workspace.
 */
export function wordsNear(key: string, words: readonly string[]): string[] {
  const { source, lower, masks, starts } = candidateLists(words);
  const k = key.toLowerCase();
  const mask = new Uint32Array(2);
  letterMask(k, mask, 0);
  const out: string[] = [];
  for (let len = 0; len < starts.length - 1; len++) {
    // a word's limit is a third of its length as written; one more for lower-casing that changes a length
    if (Math.abs(len - k.length) > Math.max(2, Math.floor(len / 3)) + 1) continue;
    for (let i = starts[len], end = starts[len + 1]; i < end; i++) {
      const limit = Math.max(2, Math.floor(source[i].length / 3));
      if (lettersApart(masks, i, mask[0], mask[1]) > limit) continue;
      if (editDistance(lower[i], k, limit) <= limit) out.push(source[i]);
    }
  }
  return out;
}

function startSearch(w: string, wordLength: number): Nearest {
  const limit = Math.max(2, Math.floor(wordLength / 3));
  wordCounts.fill(0);
  for (let i = 0; i < w.length; i++) wordCounts[w.charCodeAt(i) & 127]++;
  work.set(wordCounts);
  letterMask(w, wordMask, 0);
  return { best: undefined, distance: limit + 1, limit };
}

/**
 * Builds (and keeps) the lower-cased lists closest() needs for these
 * candidates, so that the first save with an unknown key does not pay for it
 * (100k keys: 10–20 ms); the workspace calls it with its first index, and
 * for a later full link once the editor is idle.
 */
export function prepareCandidates(candidates: Iterable<string>): void {
  candidateLists(baseOf(candidates));
}

/** Whether prepareCandidates() (or a lookup) already built the lists for these candidates. */
export function candidatesPrepared(candidates: Iterable<string>): boolean {
  return cachedLists(baseOf(candidates)) !== undefined;
}

/** A patched link's keys are layered over the full link's: the lists are those of the base. */
function baseOf(candidates: Iterable<string>): Iterable<string> {
  return candidates instanceof LayeredSet ? (candidates as LayeredSet<string>).base : candidates;
}

interface Nearest {
  best: string | undefined;
  distance: number;
  limit: number;
}

/**
 * Improves `found` with the candidates nearer to `w` (lower-cased) than it,
 * or as near and smaller. Lengths nearest the word's come first, so a close
 * candidate found early narrows the lengths left; within a length, two
 * lower bounds rule candidates out before the distance, cheapest first:
 * the kinds of characters one has and the other lacks (each needs an edit;
 * two 32-bit words per candidate, so most of 100k keys cost a few
 * operations); the characters left unmatched counting repeats.
 */
function nearestIn(w: string, lists: CandidateLists, found: Nearest, skip?: ReadonlySet<string>): void {
  const { source, lower, masks, starts } = lists;
  const n = w.length;
  const longest = starts.length - 2;
  const wLo = wordMask[0];
  const wHi = wordMask[1];
  let best = found.best;
  let bestD = found.distance;
  // a candidate must be nearer than bestD, or as near as a best already found
  const reach = (): number => (best === undefined ? bestD - 1 : bestD);
  for (let delta = 0; delta <= reach(); delta++) {
    for (let side = 0; side < (delta === 0 ? 1 : 2); side++) {
      const len = side === 0 ? n - delta : n + delta;
      if (len < 0 || len > longest) continue;
      for (let k = starts[len], end = starts[len + 1]; k < end; k++) {
        if (delta > reach()) break;
        if (lettersApart(masks, k, wLo, wHi) > bestD) continue;
        // letters of the candidate the word does not have, and the other way round, repeats counted
        const lc = lower[k];
        let matched = 0;
        for (let i = 0; i < len; i++) {
          const slot = lc.charCodeAt(i) & 127;
          if (work[slot] > 0) {
            work[slot]--;
            matched++;
          }
        }
        // only the word's letters were taken from `work`
        for (let i = 0; i < n; i++) {
          const slot = w.charCodeAt(i) & 127;
          work[slot] = wordCounts[slot];
        }
        if (Math.max(len - matched, n - matched) > bestD) continue;
        const c = source[k];
        const d = editDistance(w, lc, bestD);
        if ((d < bestD || (d === bestD && best !== undefined && c < best)) && !skip?.has(c)) {
          best = c;
          bestD = d;
        }
      }
    }
  }
  found.best = best;
  found.distance = bestD;
}
