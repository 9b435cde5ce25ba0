// Compiles the TypeScript tests and runs them with Node's test runner.
// Suites (all three by default, or name some: `node scripts/test.mjs robust`):
// unit (engine), lsp (the bundled server over stdio), robust (seeded fuzzing,
// hostile workspaces, races, the read-only and no-process guarantees; about a
// minute on two cores). lsp and robust run dist/: `npm run build` first (npm
// test does). The VS Code suite runs separately via
// scripts/e2e.mjs (see README).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', root], { stdio: 'inherit' });

const suites = process.argv.slice(2).length ? process.argv.slice(2) : ['unit', 'lsp', 'robust'];
const files = [];
const walk = (dir) => {
  let entries = [];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of entries.sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    // only tests whose source still exists: out/ may hold a deleted test's old output
    else if (name.endsWith('.test.js') && existsSync(join(root, p.slice(join(root, 'out').length + 1).replace(/\.js$/, '.ts')))) files.push(p);
  }
};
for (const s of suites) walk(join(root, 'out/test', s));
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--test', '--test-reporter=spec', ...files], { stdio: 'inherit', cwd: root });
process.exit(r.status ?? 1);
