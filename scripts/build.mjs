// Bundles the client, the language server and the CLI into dist/ and copies
// the tree-sitter .wasm files next to them (the bundle loads them from there).
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
mkdirSync(dist, { recursive: true });

// web-tree-sitter locates files through import.meta.url, which a CJS bundle
// does not have: give it the bundle's own URL.
const importMetaShim = "const __importMetaUrl = require('url').pathToFileURL(__filename).href;";

const common = {
  define: { 'import.meta.url': '__importMetaUrl' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  absWorkingDir: root,
};

const entries = [
  { in: 'server/src/cli.ts', out: 'cli.js', banner: '#!/usr/bin/env node' },
  { in: 'server/src/server.ts', out: 'server.js', banner: '#!/usr/bin/env node' },
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
        banner: { js: e.banner ? `${e.banner}\n${importMetaShim}` : importMetaShim },
      }),
    ),
);

for (const [pkg, file] of [
  ['web-tree-sitter', 'tree-sitter.wasm'],
  ['tree-sitter-python', 'tree-sitter-python.wasm'],
  ['tree-sitter-typescript', 'tree-sitter-typescript.wasm'],
  ['tree-sitter-typescript', 'tree-sitter-tsx.wasm'],
]) {
  copyFileSync(join(root, 'node_modules', pkg, file), join(dist, file));
}
