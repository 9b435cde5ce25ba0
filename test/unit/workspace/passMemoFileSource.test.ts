import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContainedFileSource } from '../../../server/src/workspace/containedFileSource';
import { DiskFileSource } from '../../../server/src/workspace/diskFileSource';
import { PassMemoFileSource } from '../../../server/src/workspace/passMemoFileSource';

const tempDir = () => realpathSync(mkdtempSync(join(tmpdir(), 'asset-lens-memo-')));

test('stats and listings are remembered during a pass only; texts are always read afresh', async () => {
  const dir = tempDir();
  try {
    const file = join(dir, 'a.sql');
    writeFileSync(file, 'select 1');
    const memo = new PassMemoFileSource(new DiskFileSource());
    await memo.during(async () => {
      assert.equal(memo.stat(file)?.size, 8);
      assert.deepEqual(memo.list(dir), ['a.sql']);
      writeFileSync(file, 'select 12');
      writeFileSync(join(dir, 'b.sql'), 'select 2');
      assert.equal(memo.stat(file)?.size, 8, 'the stat taken earlier in the pass');
      assert.deepEqual(memo.list(dir), ['a.sql'], 'the listing taken earlier in the pass');
      assert.equal(memo.readText(file), 'select 12', 'text is never remembered');
      // a caller changing the listing it got does not change the remembered one
      memo.list(dir)!.push('x');
      assert.deepEqual(memo.list(dir), ['a.sql']);
    });
    assert.equal(memo.stat(file)?.size, 9, 'a new pass sees the disk');
    assert.deepEqual(memo.list(dir)?.sort(), ['a.sql', 'b.sql']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('containment with remembered directory real paths: links to files or directories outside are refused, plain files inside read', async () => {
  const root = tempDir();
  const outside = tempDir();
  try {
    writeFileSync(join(outside, 'secret.sql'), 'secret');
    mkdirSync(join(root, 'models'));
    writeFileSync(join(root, 'models', 'ok.sql'), 'ok');
    symlinkSync(join(outside, 'secret.sql'), join(root, 'models', 'file_link.sql'));
    symlinkSync(outside, join(root, 'models', 'dir_link'));
    mkdirSync(join(root, 'inner'));
    writeFileSync(join(root, 'inner', 'target.sql'), 'inner');
    symlinkSync(join(root, 'inner'), join(root, 'models', 'inner_link'));
    // a sibling whose name starts with the root's: outside, though its path has the root's as a prefix
    const sibling = `${root}_sibling`;
    mkdirSync(sibling);
    writeFileSync(join(sibling, 'near.sql'), 'near');
    symlinkSync(join(sibling, 'near.sql'), join(root, 'models', 'sibling_link.sql'));
    const memo = new PassMemoFileSource(new DiskFileSource());
    const files = new ContainedFileSource(memo, [root]);
    const check = () => {
      assert.equal(files.readText(join(sibling, 'near.sql')), undefined);
      assert.equal(files.readText(join(root, 'models', 'sibling_link.sql')), undefined);
      assert.equal(files.readText(join(root, 'models', 'ok.sql')), 'ok');
      assert.equal(files.readText(join(root, 'models', 'file_link.sql')), undefined);
      assert.equal(files.readText(join(root, 'models', 'dir_link', 'secret.sql')), undefined);
      assert.equal(files.readText(join(root, 'models', 'inner_link', 'target.sql')), 'inner', 'a link that stays inside is followed');
    };
    check();
    await memo.during(async () => {
      check();
      check();
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
    rmSync(`${root}_sibling`, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  }
});
