// Runs the VS Code mocha suite inside this extension host when the e2e
// driver (scripts/e2e.mjs, code-server) asks for it through the environment:
// code-server has no --extensionTestsPath, so the extension starts it itself.
import { createRequire } from 'node:module';
import * as vscode from 'vscode';

export const E2E_SUITE_ENV = 'ASSET_LENS_E2E_SUITE';

export function runE2eSuiteIfRequested(api: unknown, log: vscode.OutputChannel): void {
  const suitePath = process.env[E2E_SUITE_ENV];
  if (!suitePath) return;
  // After activate() has returned, so the suite sees this extension as active.
  setTimeout(async () => {
    log.appendLine(`[e2e] running ${suitePath}`);
    try {
      // A runtime path outside the bundle: a plain Node require, not esbuild's.
      const nodeRequire = createRequire(__filename);
      const suite = nodeRequire(suitePath) as { run: (api?: unknown) => Promise<void> };
      await suite.run(api);
      log.appendLine('[e2e] suite passed');
    } catch (err) {
      log.appendLine(`[e2e] suite failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }, 500);
}
