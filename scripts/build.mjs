// Bundles the client, the language server and the CLI into dist/ and copies
// the tree-sitter .wasm files next to them (the bundle loads them from there).
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
mkdirSync(dist, { recursive: true });

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  absWorkingDir: root,
  // web-tree-sitter's CommonJS build: its ES module build loads node:module
  // through import(), which code run from V8's code cache cannot call (see
  // server/src/codeCache.ts)
  alias: { 'web-tree-sitter': './node_modules/web-tree-sitter/tree-sitter.cjs' },
};

const entries = [
  { in: 'server/src/cli.ts', out: 'cli.js', banner: '#!/usr/bin/env node' },
  // server.js is a small loader; it runs serverMain.js through the code cache,
  // so serverMain.js must have no import() left (the test below)
  { in: 'server/src/server.ts', out: 'server.js', banner: '#!/usr/bin/env node' },
  { in: 'server/src/serverMain.ts', out: 'serverMain.js', noDynamicImport: true },
  // the client carries elkjs (~4 MB unminified): minified it loads faster in the extension host
  { in: 'client/src/extension.ts', out: 'client.js', external: ['vscode'], minify: true },
];

await Promise.all(
  entries
    .filter((e) => existsSync(join(root, e.in)))
    .map((e) =>
      build({
        ...common,
        entryPoints: [e.in],
        outfile: join(dist, e.out),
        external: e.external ?? [],
        minify: e.minify ?? false,
        supported: e.noDynamicImport ? { 'dynamic-import': false } : {},
        banner: e.banner ? { js: e.banner } : {},
      }),
    ),
);

if (/\bimport\(/.test(readFileSync(join(dist, 'serverMain.js'), 'utf8'))) {
  console.error('dist/serverMain.js calls import(), which fails when it runs from the code cache');
  process.exit(1);
}

for (const [pkg, file] of [
  ['web-tree-sitter', 'tree-sitter.wasm'],
  ['tree-sitter-python', 'tree-sitter-python.wasm'],
  ['tree-sitter-typescript', 'tree-sitter-typescript.wasm'],
  ['tree-sitter-typescript', 'tree-sitter-tsx.wasm'],
]) {
  copyFileSync(join(root, 'node_modules', pkg, file), join(dist, file));
}
