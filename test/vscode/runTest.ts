// Runs the VS Code suite in a downloaded VS Code desktop (needs network
// access to the VS Code CDN; where there is none use scripts/e2e.mjs, which
// runs the same suite in code-server). The workspace is a temp copy of
// examples/taxi, so the suite may edit files.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runTests } from '@vscode/test-electron';

async function main(): Promise<void> {
  const root = resolve(__dirname, '..', '..', '..');
  const work = mkdtempSync(join(tmpdir(), 'asset-lens-vscode-'));
  const workspace = join(work, 'taxi');
  cpSync(join(root, 'examples', 'taxi'), workspace, { recursive: true });
  try {
    await runTests({
      extensionDevelopmentPath: root,
      extensionTestsPath: join(root, 'out', 'test', 'vscode', 'suite', 'index.js'),
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', join(work, 'user-data')],
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(`VS Code tests failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
