// End-to-end test in real VS Code: code-server (VS Code in the browser) with
// the packaged .vsix installed, driven by Debian's chromium via playwright-core.
//  1. builds the vsix and the compiled VS Code suite (out/test/vscode),
//  2. starts code-server on a temp copy of examples/taxi; the extension runs
//     the mocha suite in its extension host (ASSET_LENS_E2E_SUITE) and writes
//     results to ASSET_LENS_TEST_RESULTS,
//  3. runs what a user does in the browser (test/e2e/userChecks.mjs),
//  4. prints "N passed, M failed" and exits non-zero on any failure.
// Needs scripts/install-e2e.sh first. Screenshots: test/e2e/screenshots/.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runUserChecks } from '../test/e2e/userChecks.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const codeServer = join(root, '.e2e/code-server/node_modules/code-server/out/node/entry.js');
const vsix = join(root, 'asset-lens.vsix');
const suiteEntry = join(root, 'out/test/vscode/suite/index.js');
const shots = join(root, 'test/e2e/screenshots');
const SUITE_TIMEOUT_MS = 5 * 60 * 1000;
const started = Date.now();
const log = (msg) => console.log(`[e2e +${((Date.now() - started) / 1000).toFixed(0)}s] ${msg}`);

function die(msg) {
  console.error(`e2e: ${msg}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  return r.status ?? 1;
}

const freePort = () =>
  new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitForHttp(url, timeoutMs) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(300);
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000}s`);
}

async function waitForFile(file, timeoutMs, alive) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (existsSync(file)) {
      try {
        return JSON.parse(readFileSync(file, 'utf8'));
      } catch {
        // being written
      }
    }
    if (!alive()) throw new Error('code-server exited before the suite finished');
    await sleep(500);
  }
  throw new Error(`no suite results after ${timeoutMs / 1000}s`);
}

// ---------------------------------------------------------------- preparation
if (!existsSync(codeServer)) die('code-server is not installed: run bash scripts/install-e2e.sh');
if (!existsSync('/usr/bin/chromium')) die('/usr/bin/chromium is missing: run bash scripts/install-e2e.sh');

log('packaging the extension (npm run package)');
if (run('npm', ['run', 'package', '--silent']) !== 0 || !existsSync(vsix)) die('npm run package failed');
log('compiling the VS Code suite (tsc -p .)');
// other areas' type errors must not hide the suite; its output is checked below
run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', root], { stdio: 'ignore' });
if (!existsSync(suiteEntry)) die(`tsc did not produce ${suiteEntry}`);

const work = mkdtempSync(join(tmpdir(), 'asset-lens-e2e-'));
const workspace = join(work, 'taxi');
const userData = join(work, 'user-data');
const extensionsDir = join(work, 'extensions');
const resultsFile = join(work, 'suite-results.json');
cpSync(join(root, 'examples/taxi'), workspace, { recursive: true });
mkdirSync(join(userData, 'User'), { recursive: true });
writeFileSync(
  join(userData, 'User/settings.json'),
  JSON.stringify(
    {
      'security.workspace.trust.enabled': false,
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'workbench.enableExperiments': false,
      'workbench.welcomePage.walkthroughs.openOnInstall': false,
      'extensions.autoUpdate': false,
      'extensions.autoCheckUpdates': false,
      'extensions.ignoreRecommendations': true,
      'telemetry.telemetryLevel': 'off',
      'update.mode': 'none',
      'git.enabled': false,
      'chat.disableAIFeatures': true,
      'editor.autoClosingBrackets': 'never',
      'editor.autoClosingQuotes': 'never',
      'files.autoSave': 'off',
      'window.restoreWindows': 'none',
    },
    null,
    2,
  ),
);
mkdirSync(shots, { recursive: true });

const env = {
  ...process.env,
  // code-server writes its config here instead of the user's home
  XDG_CONFIG_HOME: join(work, 'config'),
  XDG_DATA_HOME: join(work, 'data'),
  ASSET_LENS_TEST_RESULTS: resultsFile,
  ASSET_LENS_E2E_SUITE: suiteEntry,
};

log('installing the vsix into code-server');
if (run(process.execPath, [codeServer, '--user-data-dir', userData, '--extensions-dir', extensionsDir, '--install-extension', vsix], { env }) !== 0) {
  die('code-server --install-extension failed');
}

// ---------------------------------------------------------------- run
const port = await freePort();
const serverLog = join(work, 'code-server.log');
log(`starting code-server on 127.0.0.1:${port} (log: ${serverLog})`);
const { openSync } = await import('node:fs');
const out = openSync(serverLog, 'a');
const server = spawn(
  process.execPath,
  [
    codeServer,
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--user-data-dir', userData,
    '--extensions-dir', extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    workspace,
  ],
  { cwd: work, env, stdio: ['ignore', out, out], detached: true },
);
let serverAlive = true;
server.on('exit', () => (serverAlive = false));

let browser;
const results = { passed: 0, failed: 0, lines: [] };
const record = (name, ok, detail = '') => {
  if (ok) results.passed++;
  else results.failed++;
  results.lines.push(`${ok ? 'PASS' : 'FAIL'} ${name}${detail ? ` — ${detail}` : ''}`);
  log(`${ok ? 'PASS' : 'FAIL'} ${name}${detail && !ok ? `: ${detail}` : ''}`);
};

async function cleanup() {
  try {
    await browser?.close();
  } catch {
    // already gone
  }
  if (serverAlive) {
    try {
      process.kill(-server.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    await sleep(500);
    try {
      process.kill(-server.pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
}
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    void cleanup().then(() => process.exit(130));
  });
}

try {
  await waitForHttp(`http://127.0.0.1:${port}/healthz`, 60_000);
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: `http://127.0.0.1:${port}` });
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  log('opening the workbench');
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
  await page.waitForSelector('.monaco-workbench', { timeout: 90_000 });
  await page.screenshot({ path: join(shots, '01-workbench.png') });

  // ---- the mocha suite inside the extension host
  log('waiting for the VS Code suite (runs in the extension host)');
  try {
    const suite = await waitForFile(resultsFile, SUITE_TIMEOUT_MS, () => serverAlive);
    for (const t of suite.tests ?? []) record(`[vscode] ${t.title}`, t.state === 'passed', t.error?.split('\n')[0]);
    if (suite.error) record('[vscode] suite loaded', false, suite.error);
    if (!suite.tests?.length) record('[vscode] suite ran tests', false, 'no tests ran');
  } catch (err) {
    record('[vscode] suite finished', false, String(err?.message ?? err));
  }
  await page.screenshot({ path: join(shots, '02-after-suite.png') });

  // ---- what a user does, in the browser
  log('user checks (Playwright)');
  await runUserChecks({ page, workspace, shots, record, log });
} catch (err) {
  record('e2e driver', false, String(err?.stack ?? err));
} finally {
  await cleanup();
}

console.log('');
for (const line of results.lines) console.log(line);
if (results.failed) {
  console.log(`logs kept in ${work}`);
  const extLogs = spawnSync('bash', ['-c', `find ${JSON.stringify(userData)} -name '*Asset Lens*.log' -o -name 'exthost.log' | head -5 | xargs -r tail -n 40`], { encoding: 'utf8' });
  if (extLogs.stdout) console.log(extLogs.stdout);
} else {
  rmSync(work, { recursive: true, force: true });
}
log(`finished in ${((Date.now() - started) / 1000).toFixed(0)}s`);
console.log(`${results.passed} passed, ${results.failed} failed`);
process.exit(results.failed ? 1 : 0);
