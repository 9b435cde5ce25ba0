// `npm run fuzz`: bundles the fuzzers (test/robust/lib) with esbuild and runs
// them for longer than `npm test` does. Flags: see test/robust/lib/fuzzCli.ts.
//   npm run fuzz -- --seed 42 --minutes 30
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'out', 'fuzz');
await build({
  entryPoints: { fuzzCli: join(root, 'test/robust/lib/fuzzCli.ts'), readerWorker: join(root, 'test/robust/lib/readerWorker.ts') },
  outdir,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  packages: 'external',
  logLevel: 'warning',
  absWorkingDir: root,
});
const r = spawnSync(process.execPath, ['--enable-source-maps', join(outdir, 'fuzzCli.js'), ...process.argv.slice(2)], { stdio: 'inherit', cwd: root });
process.exit(r.status ?? 1);
