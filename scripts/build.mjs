// Bundles the client, the language server and the CLI into dist/ and copies
// the tree-sitter .wasm files next to them (the bundle loads them from there).
import { build } from 'esbuild';
import { mkdirSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleOptions, codeCacheSafe, copyGrammars, repoRoot as root } from './lib/bundle.mjs';

const dist = join(root, 'dist');
mkdirSync(dist, { recursive: true });

const entries = [
  { in: 'server/src/cli.ts', out: 'cli.js', banner: '#!/usr/bin/env node' },
  // server.js is a small loader; it runs serverMain.js through the code cache,
  // so serverMain.js must have no import() left (the test below)
  { in: 'server/src/server.ts', out: 'server.js', banner: '#!/usr/bin/env node' },
  { in: 'server/src/serverMain.ts', out: 'serverMain.js', noDynamicImport: true },
  // the reader threads' script: found next to the bundle that starts them (workspace/readerPool.ts)
  { in: 'server/src/workspace/readerWorker.ts', out: 'readerWorker.js' },
  // the manifest scan thread's script, found the same way (workspace/manifestScanThread.ts)
  { in: 'server/src/workspace/manifestScanWorker.ts', out: 'manifestScanWorker.js' },
  // the client carries elkjs (~4 MB unminified): minified it loads faster in the extension host
  { in: 'client/src/extension.ts', out: 'client.js', external: ['vscode'], minify: true },
];

await Promise.all(
  entries
    .filter((e) => existsSync(join(root, e.in)))
    .map((e) =>
      build({
        ...bundleOptions,
        ...(e.noDynamicImport ? codeCacheSafe : {}),
        sourcemap: true,
        entryPoints: [e.in],
        outfile: join(dist, e.out),
        external: e.external ?? [],
        minify: e.minify ?? false,
        banner: e.banner ? { js: e.banner } : {},
      }),
    ),
);

if (/\bimport\(/.test(readFileSync(join(dist, 'serverMain.js'), 'utf8'))) {
  console.error('dist/serverMain.js calls import(), which fails when it runs from the code cache');
  process.exit(1);
}

copyGrammars(dist);
