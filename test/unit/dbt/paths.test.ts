import { test } from 'node:test';
import assert from 'node:assert/strict';
import { baseInsideRoots, isPlainRelative, resolveInside } from '../../../server/src/sources/dbt/paths';

test('the join of plain paths gives what resolving gives, and anything else is resolved (escapes refused)', () => {
  const roots = ['/p/proj', '/p/proj/dbt_packages'];
  const bases = ['/p/proj', '/p/proj/dbt_packages/util'];
  const rels = [
    'models/a.sql',
    'models/staging/stg_a.sql',
    'a.sql',
    '..foo/x.sql',
    '.hidden/x.sql',
    'models/...sql',
    'models/./a.sql',
    'models/../a.sql',
    '../outside.sql',
    '../../etc/passwd',
    'models//a.sql',
    'models/',
    '/etc/passwd',
    './a.sql',
    '.',
    '..',
    'models\\a.sql',
    'models/a b/ü.sql',
  ];
  for (const base of bases) {
    assert.equal(baseInsideRoots(base, roots), true);
    for (const rel of rels) assert.equal(resolveInside(base, rel, roots, true), resolveInside(base, rel, roots), `${base} + ${rel}`);
  }
  assert.equal(resolveInside('/p/proj', '../../etc/passwd', roots, true), undefined);
  assert.equal(resolveInside('/p/proj', '/etc/passwd', roots, true), undefined);
  assert.equal(resolveInside('/p/proj', 'models/a.sql', roots, true), '/p/proj/models/a.sql');
  // bases the caller may not call inside
  assert.equal(baseInsideRoots('/p/other', roots), false);
  assert.equal(baseInsideRoots('/p/proj/../other', roots), false);
  assert.equal(baseInsideRoots('/p/proj/', roots), false, 'not normalised');
  assert.equal(baseInsideRoots('/', ['/']), false);
});

test('plain relative paths', () => {
  for (const p of ['a', 'a/b.sql', '..a', 'a..', '.a/b', 'a/.b', '...']) assert.equal(isPlainRelative(p), true, p);
  for (const p of ['', '/a', 'a/', 'a//b', '.', '..', 'a/./b', 'a/../b', './a', '../a', 'a/..', 'a\\b']) assert.equal(isPlainRelative(p), false, p);
});
