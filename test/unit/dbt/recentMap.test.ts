import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecentMap } from '../../../server/src/sources/dbt/recentMap';

test('keeps the most recently used entries: a read counts as a use, the one used longest ago goes', () => {
  const m = new RecentMap<string, number>(3);
  m.set('a', 1);
  m.set('b', 2);
  m.set('c', 3);
  assert.equal(m.get('a'), 1); // a is now the most recent: b is the oldest
  m.set('d', 4);
  assert.equal(m.get('b'), undefined);
  assert.deepEqual(['a', 'c', 'd'].map((k) => m.get(k)), [1, 3, 4]);
  // setting a kept key again replaces its value and makes it the most recent
  m.set('c', 30);
  m.set('e', 5);
  m.set('f', 6);
  assert.equal(m.get('a'), undefined);
  assert.equal(m.get('d'), undefined);
  assert.deepEqual(['c', 'e', 'f'].map((k) => m.get(k)), [30, 5, 6]);
});
