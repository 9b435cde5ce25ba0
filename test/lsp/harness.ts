/**
 * A minimal LSP client for protocol-level tests: spawns the bundled server
 * (dist/server.js --stdio) on a temporary copy of an example workspace and
 * talks JSON-RPC to it, recording diagnostics and index-status notifications.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
  type Diagnostic,
  type InitializeResult,
} from 'vscode-languageserver-protocol/node';

export const repoRoot = resolve(__dirname, '../../..');
/** ASSET_LENS_SERVER_JS points the tests at another build of the server (debugging a bundle). */
export const serverJs = process.env.ASSET_LENS_SERVER_JS ?? join(repoRoot, 'dist/server.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    newest = Math.max(newest, st.isDirectory() ? newestMtime(p) : st.mtimeMs);
  }
  return newest;
}

/** Bundles dist/ when it is missing or older than the server sources (the test runner normally does it first). */
export function ensureBundle(): void {
  if (process.env.ASSET_LENS_SERVER_JS) return;
  const src = join(repoRoot, 'server/src');
  if (existsSync(serverJs) && statSync(serverJs).mtimeMs >= newestMtime(src)) return;
  execFileSync(process.execPath, [join(repoRoot, 'scripts/build.mjs')], { cwd: repoRoot, stdio: 'inherit' });
}

/** A temp copy of examples/<name>; removed by the returned cleanup. */
export function copyExample(name: string): { root: string; cleanup: () => void } {
  const base = mkdtempSync(join(tmpdir(), `asset-lens-lsp-${name}-`));
  const root = join(base, name);
  cpSync(join(repoRoot, 'examples', name), root, { recursive: true });
  return { root, cleanup: () => rmSync(base, { recursive: true, force: true }) };
}

export const uriOf = (path: string) => pathToFileURL(path).href;

export interface IndexStatusMsg {
  state: 'indexing' | 'ready';
  assets: number;
  problems: number;
  message?: string;
}

type Waiter = { check: () => boolean; resolve: () => void };

export class TestClient {
  readonly proc: ChildProcess;
  readonly conn: ProtocolConnection;
  readonly diagnostics = new Map<string, Diagnostic[]>();
  /** every publishDiagnostics in arrival order */
  readonly diagnosticLog: { uri: string; diagnostics: Diagnostic[] }[] = [];
  readonly statuses: IndexStatusMsg[] = [];
  readonly registrations: { method: string; registerOptions?: unknown }[] = [];
  readonly progressCreated: unknown[] = [];
  readonly logLines: string[] = [];
  stderr = '';
  private readonly waiters: Waiter[] = [];
  initializeResult?: InitializeResult;
  exitCode: Promise<number | null>;

  /** `args`: more command-line flags for the server */
  constructor(args: string[] = []) {
    this.proc = spawn(process.execPath, [serverJs, '--stdio', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stderr!.on('data', (d) => (this.stderr += d.toString()));
    this.exitCode = new Promise((res) => this.proc.on('exit', (code) => res(code)));
    this.conn = createProtocolConnection(new StreamMessageReader(this.proc.stdout!), new StreamMessageWriter(this.proc.stdin!));
    this.conn.onNotification('textDocument/publishDiagnostics', (p: { uri: string; diagnostics: Diagnostic[] }) => {
      this.diagnostics.set(p.uri, p.diagnostics);
      this.diagnosticLog.push(p);
      this.poke();
    });
    this.conn.onNotification('assetLens/indexStatus', (p: IndexStatusMsg) => {
      this.statuses.push(p);
      this.poke();
    });
    this.conn.onNotification('window/logMessage', (p: { message: string }) => {
      this.logLines.push(p.message);
      this.poke();
    });
    this.conn.onNotification('$/progress', () => undefined);
    this.conn.onRequest('client/registerCapability', (p: { registrations: { method: string; registerOptions?: unknown }[] }) => {
      this.registrations.push(...p.registrations);
      return null;
    });
    this.conn.onRequest('window/workDoneProgress/create', (p: unknown) => {
      this.progressCreated.push(p);
      return null;
    });
    this.conn.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => ({})));
    this.conn.listen();
  }

  private poke(): void {
    for (const w of [...this.waiters]) {
      if (w.check()) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  }

  /** Resolves once `check` holds (checked on every notification); rejects after `ms`. */
  waitFor(what: string, check: () => boolean, ms = 20000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        reject(new Error(`timed out waiting for ${what}; stderr: ${this.stderr.slice(-2000)}; log: ${this.logLines.slice(-10).join(' | ')}`));
      }, ms);
      const w: Waiter = {
        check,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      this.waiters.push(w);
    });
  }

  /** `root`: one folder, or several (multi-root: the first is also the rootUri). */
  async initialize(root: string | string[], initializationOptions: unknown = {}, waitForIndex = true): Promise<InitializeResult> {
    const roots = Array.isArray(root) ? root : [root];
    const readyBefore = this.statuses.filter((s) => s.state === 'ready').length;
    this.initializeResult = await this.conn.sendRequest<InitializeResult>('initialize', {
      processId: process.pid,
      rootUri: uriOf(roots[0]),
      workspaceFolders: roots.map((r, i) => ({ uri: uriOf(r), name: `folder${i}` })),
      initializationOptions,
      capabilities: {
        workspace: {
          didChangeWatchedFiles: { dynamicRegistration: true },
          configuration: true,
          workspaceFolders: true,
          symbol: {},
        },
        window: { workDoneProgress: true },
        textDocument: {
          completion: { completionItem: { snippetSupport: false } },
          hover: { contentFormat: ['markdown', 'plaintext'] },
          publishDiagnostics: { relatedInformation: true },
          codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } },
          synchronization: { didSave: true },
        },
      },
    });
    await this.conn.sendNotification('initialized', {});
    if (!waitForIndex) return this.initializeResult;
    await this.waitFor('initial index', () => this.statuses.filter((s) => s.state === 'ready').length > readyBefore, 60000);
    return this.initializeResult;
  }

  readyCount(): number {
    return this.statuses.filter((s) => s.state === 'ready').length;
  }

  async open(path: string, languageId: string, text: string, version = 1): Promise<void> {
    await this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: uriOf(path), languageId, version, text } });
  }

  async change(path: string, text: string, version: number): Promise<void> {
    await this.conn.sendNotification('textDocument/didChange', { textDocument: { uri: uriOf(path), version }, contentChanges: [{ text }] });
  }

  async save(path: string): Promise<void> {
    await this.conn.sendNotification('textDocument/didSave', { textDocument: { uri: uriOf(path) } });
  }

  async close(path: string): Promise<void> {
    await this.conn.sendNotification('textDocument/didClose', { textDocument: { uri: uriOf(path) } });
  }

  diagnosticsFor(path: string): Diagnostic[] {
    return this.diagnostics.get(uriOf(path)) ?? [];
  }

  /** shutdown + exit; resolves to the process exit code. */
  async stop(): Promise<number | null> {
    if (this.proc.exitCode !== null) return this.proc.exitCode;
    try {
      await this.conn.sendRequest('shutdown');
      await this.conn.sendNotification('exit');
    } catch {
      this.proc.kill();
    }
    const code = await Promise.race([this.exitCode, new Promise<null>((r) => setTimeout(() => r(null), 5000))]);
    if (this.proc.exitCode === null) this.proc.kill();
    this.conn.dispose();
    return code;
  }
}

/** LSP position of the first occurrence of `needle` in `text` (+ `delta` characters). */
export function positionOf(text: string, needle: string, delta = 0, occurrence = 0): { line: number; character: number } {
  let idx = -1;
  for (let i = 0; i <= occurrence; i++) {
    idx = text.indexOf(needle, idx + 1);
    if (idx < 0) throw new Error(`"${needle}" not found`);
  }
  const offset = idx + delta;
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}
