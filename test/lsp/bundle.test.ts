/**
 * The shipped bundles as files (dist/): what a broken install looks like to
 * the user.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyExample, ensureBundle, repoRoot } from './harness';

test('without its .wasm grammars the CLI says, on every Python and TypeScript file, why it was not indexed; dbt still is', () => {
  ensureBundle();
  // the bundle alone, away from dist/ and node_modules/: no grammar can be found
  const dir = mkdtempSync(join(tmpdir(), 'asset-lens-no-wasm-'));
  const { root, cleanup } = copyExample('taxi');
  try {
    copyFileSync(join(repoRoot, 'dist/cli.js'), join(dir, 'cli.js'));
    const out = execFileSync(process.execPath, [join(dir, 'cli.js'), 'check', root], { cwd: dir, encoding: 'utf8' });
    const skipped = out.split('\n').filter((l) => /info \[file-skipped\].*cannot find tree-sitter\.wasm/.test(l));
    const files = skipped.map((l) => l.slice(0, l.indexOf(':')));
    assert.ok(files.includes('defs/assets/trips.py'), out);
    assert.ok(files.includes('ts/dagster.ts'), out);
    assert.ok(skipped.every((l) => /Python file not indexed: the Python reader failed|could not read this TypeScript file/.test(l)), out);
    const keys = execFileSync(process.execPath, [join(dir, 'cli.js'), 'keys', root], { cwd: dir, encoding: 'utf8' });
    assert.match(keys, /^daily_metrics\s+dbt model/m);
  } finally {
    cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
});
