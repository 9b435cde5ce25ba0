import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { walk, walkOnly } from '../../../server/src/sources/dbt/projectWalk';
import { DiskFileSource } from '../../../server/src/workspace/diskFileSource';

/** A project tree with every case the walk treats specially. */
function tree(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'asset-lens-walk-'));
  const files = [
    'models/a.sql',
    'models/B.SQL',
    'models/z.sql',
    'models/a_b.sql',
    'models/a/b.sql',
    'models/a/deep/c.sql',
    'models/schema.yml',
    'models/.hidden.sql',
    'models/.hidden/x.sql',
    'models/target/t.sql',
    'models/node_modules/n.sql',
    'models/notes.txt',
    `models/${Array.from({ length: 31 }, (_, i) => `d${i}`).join('/')}/too_deep.sql`,
    'elsewhere/e.sql',
  ];
  for (const f of files) {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    writeFileSync(path.join(dir, f), 'select 1');
  }
  mkdirSync(path.join(dir, 'models', 'dir.sql'));
  symlinkSync(path.join(dir, 'elsewhere'), path.join(dir, 'models', 'linked'));
  return dir;
}

test('walkOnly finds what walk finds among the given files, in the same order', () => {
  const dir = tree();
  try {
    const fs = new DiskFileSource();
    const models = path.join(dir, 'models');
    // an unsaved editor buffer of a file not on disk: the walk does not list it
    fs.setOverlay(path.join(models, 'unsaved.sql'), 'select 2');
    const everything = walk(fs, models, ['.sql']);
    assert.ok(everything.length >= 6, 'the fixture has files the walk finds');
    const candidates = [
      ...everything.map(([f]) => f),
      path.join(models, '.hidden.sql'),
      path.join(models, '.hidden', 'x.sql'),
      path.join(models, 'target', 't.sql'),
      path.join(models, 'node_modules', 'n.sql'),
      path.join(models, 'notes.txt'),
      path.join(models, 'schema.yml'),
      path.join(models, 'dir.sql'),
      path.join(models, 'linked', 'e.sql'),
      path.join(models, 'missing.sql'),
      path.join(models, 'unsaved.sql'),
      path.join(models, ...Array.from({ length: 31 }, (_, i) => `d${i}`), 'too_deep.sql'),
      path.join(dir, 'elsewhere', 'e.sql'),
      models,
      `${models}/./a.sql`,
    ];
    // every subset shape: all, none, every other one, reversed
    const subsets = [candidates, [], candidates.filter((_, i) => i % 2 === 0), [...candidates].reverse()];
    for (const only of subsets) {
      const wanted = new Set(only);
      assert.deepEqual(walkOnly(fs, models, ['.sql'], new Set(only)), everything.filter(([f]) => wanted.has(f)));
    }
    assert.deepEqual(
      walkOnly(fs, models, ['.sql'], candidates).map(([f, folders]) => [path.relative(models, f), folders.join('/')]),
      [
        ['B.SQL', ''],
        ['a/b.sql', 'a'],
        ['a/deep/c.sql', 'a/deep'],
        ['a.sql', ''],
        ['a_b.sql', ''],
        ['z.sql', ''],
      ],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
