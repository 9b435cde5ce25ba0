// Entry of the VS Code suite. Called by @vscode/test-electron (run() with no
// argument, as extensionTestsPath) or by the extension itself in the
// code-server e2e run (client/src/e2eHook.ts). Loads every *.test.js beside
// it into mocha (TDD UI) and, when ASSET_LENS_TEST_RESULTS is set, writes a
// JSON summary there for the driver (scripts/e2e.mjs).
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

export interface SuiteResult {
  passed: number;
  failed: number;
  tests: { title: string; state: 'passed' | 'failed'; durationMs?: number; error?: string }[];
}

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 120_000, reporter: 'spec' });
  for (const f of readdirSync(__dirname).sort()) {
    if (f.endsWith('.test.js')) mocha.addFile(join(__dirname, f));
  }
  const result: SuiteResult = { passed: 0, failed: 0, tests: [] };
  const resultFile = process.env.ASSET_LENS_TEST_RESULTS;
  const write = (extra?: string) => {
    if (!resultFile) return;
    const out = extra ? { ...result, error: extra } : result;
    writeFileSync(resultFile, JSON.stringify(out, null, 2));
  };
  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        write();
        if (failures > 0) reject(new Error(`${failures} VS Code test(s) failed`));
        else resolve();
      });
      runner.on('pass', (t) => {
        result.passed++;
        result.tests.push({ title: t.fullTitle(), state: 'passed', durationMs: t.duration });
      });
      runner.on('fail', (t, err: Error) => {
        result.failed++;
        result.tests.push({ title: t.fullTitle(), state: 'failed', error: String(err?.stack ?? err) });
      });
    } catch (err) {
      write(String(err));
      reject(err);
    }
  });
}
