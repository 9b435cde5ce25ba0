/**
 * Loaded into the language server with `node --require` by the robust
 * tests. It replaces every process-spawning function of child_process (and
 * the Worker constructor) with one that records the call on stderr and
 * throws, so a test can assert the server never runs anything. The one
 * Worker let through is the server's own reader thread script
 * (dist/readerWorker.js), recorded as such. With --expose-gc, SIGUSR2 makes
 * it collect garbage and print the RSS.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const cp = require('node:child_process') as Record<string, unknown>;
const wt = require('node:worker_threads') as Record<string, unknown>;
const { resolve } = require('node:path') as typeof import('node:path');

function record(name: string) {
  return function blocked(...args: unknown[]): never {
    const what = typeof args[0] === 'string' ? args[0] : JSON.stringify(args[0] ?? null);
    process.stderr.write(`ROBUST-SPAWN ${name} ${what}\n`);
    throw new Error(`asset-lens robust tests: ${name} is not allowed in the language server`);
  };
}

for (const name of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']) {
  cp[name] = record(`child_process.${name}`);
}
// out/test/robust/lib → the repository's dist/
const READER_THREAD = resolve(__dirname, '..', '..', '..', '..', 'dist', 'readerWorker.js');
const RealWorker = wt.Worker as new (...args: unknown[]) => unknown;
const blockedWorker = record('worker_threads.Worker');
wt.Worker = function Worker(...args: unknown[]) {
  const file = args[0];
  if (typeof file === 'string' && resolve(file) === READER_THREAD) {
    process.stderr.write(`ROBUST-READER-THREAD ${file}\n`);
    return new RealWorker(...args);
  }
  return blockedWorker(...args);
};

process.on('SIGUSR2', () => {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
  const m = process.memoryUsage();
  process.stderr.write(`ROBUST-MEMORY rss=${m.rss} heapUsed=${m.heapUsed} external=${m.external}\n`);
});
process.stderr.write('ROBUST-PRELOAD ready\n');
