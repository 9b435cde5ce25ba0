// What every esbuild bundle of Asset Lens shares (scripts/build.mjs for dist/,
// bench/run.mjs for the benchmark's engine), so the bench measures code built
// the way the extension ships it.
import { copyFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const bundleOptions = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  logLevel: 'warning',
  absWorkingDir: repoRoot,
  // web-tree-sitter's CommonJS build: its ES module build loads node:module
  // through import(), which code run from V8's code cache cannot call (see
  // server/src/codeCache.ts)
  alias: { 'web-tree-sitter': './node_modules/web-tree-sitter/tree-sitter.cjs' },
};

/** For a bundle run from the code cache: no import() may be left in it. */
export const codeCacheSafe = { supported: { 'dynamic-import': false } };

/** Copies the tree-sitter .wasm files next to a bundle (it loads them from there). */
export function copyGrammars(dir) {
  for (const [pkg, file] of [
    ['web-tree-sitter', 'tree-sitter.wasm'],
    ['tree-sitter-python', 'tree-sitter-python.wasm'],
    ['tree-sitter-typescript', 'tree-sitter-typescript.wasm'],
    ['tree-sitter-typescript', 'tree-sitter-tsx.wasm'],
  ]) {
    copyFileSync(join(repoRoot, 'node_modules', pkg, file), join(dir, file));
  }
}
