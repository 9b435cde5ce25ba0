import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import { repoRoot } from './corpus';

/**
 * The bundled language server (dist/server.js --stdio) in a child process,
 * with a thin client: requests with a time bound, the latest published
 * diagnostics per URI, stderr kept for failure messages.
 */
export interface ServerOptions {
  root: string;
  execArgv?: string[];
  env?: Record<string, string>;
  initializationOptions?: unknown;
}

export class TestServer {
  readonly proc: ChildProcess;
  readonly conn: ProtocolConnection;
  readonly diagnostics = new Map<string, { version: number; diagnostics: unknown[] }>();
  /** count of publishDiagnostics notifications received */
  published = 0;
  stderr = '';
  exited: number | null | undefined;
  private versions = new Map<string, number>();

  constructor(readonly opts: ServerOptions) {
    const server = join(repoRoot(), 'dist', 'server.js');
    if (!existsSync(server)) throw new Error(`${server} is missing: run npm run build`);
    this.proc = spawn(process.execPath, [...(opts.execArgv ?? []), server, '--stdio'], {
      cwd: opts.root,
      env: { ...process.env, ...(opts.env ?? {}) },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.proc.stderr!.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-20000);
    });
    this.proc.on('exit', (code) => (this.exited = code));
    this.conn = createProtocolConnection(new StreamMessageReader(this.proc.stdout!), new StreamMessageWriter(this.proc.stdin!));
    this.conn.onNotification('textDocument/publishDiagnostics', (p: { uri: string; diagnostics: unknown[]; version?: number }) => {
      this.published++;
      this.diagnostics.set(p.uri, { version: this.published, diagnostics: p.diagnostics });
    });
    this.conn.onNotification('window/logMessage', () => undefined);
    this.conn.onNotification('assetLens/indexStatus', () => undefined);
    this.conn.onRequest('window/workDoneProgress/create', () => null);
    this.conn.onRequest('client/registerCapability', () => null);
    this.conn.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => null));
    this.conn.onError(() => undefined);
    this.conn.listen();
  }

  static uri(path: string): string {
    return pathToFileURL(path).href;
  }

  async start(): Promise<void> {
    await this.request('initialize', {
      processId: process.pid,
      rootUri: TestServer.uri(this.opts.root),
      workspaceFolders: [{ uri: TestServer.uri(this.opts.root), name: 'ws' }],
      capabilities: { workspace: { didChangeWatchedFiles: { dynamicRegistration: false } } },
      initializationOptions: this.opts.initializationOptions ?? {},
    }, 60_000);
    await this.conn.sendNotification('initialized', {});
  }

  /** A request with a time bound: a hang fails the test with the server's stderr. */
  async request<R = unknown>(method: string, params: unknown, timeoutMs = 30_000): Promise<R> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${method}: no answer within ${timeoutMs} ms\n--- server stderr ---\n${this.stderr.slice(-3000)}`)), timeoutMs);
    });
    try {
      return (await Promise.race([this.conn.sendRequest(method, params), timeout])) as R;
    } finally {
      clearTimeout(timer);
    }
  }

  notify(method: string, params: unknown): Promise<void> {
    return this.conn.sendNotification(method, params);
  }

  open(path: string, text: string, languageId: string): Promise<void> {
    this.versions.set(path, 1);
    return this.notify('textDocument/didOpen', { textDocument: { uri: TestServer.uri(path), languageId, version: 1, text } });
  }

  change(path: string, text: string): Promise<void> {
    const v = (this.versions.get(path) ?? 1) + 1;
    this.versions.set(path, v);
    return this.notify('textDocument/didChange', { textDocument: { uri: TestServer.uri(path), version: v }, contentChanges: [{ text }] });
  }

  close(path: string): Promise<void> {
    return this.notify('textDocument/didClose', { textDocument: { uri: TestServer.uri(path) } });
  }

  /** The first PID-level fact: the server process is alive. */
  get alive(): boolean {
    return this.exited === undefined && this.proc.exitCode === null;
  }

  async stop(): Promise<void> {
    if (this.alive) {
      try {
        await this.request('shutdown', null, 5000);
        await this.notify('exit', null);
      } catch {
        // fall through to kill
      }
    }
    await new Promise<void>((resolve) => {
      if (!this.alive) return resolve();
      const t = setTimeout(() => {
        this.proc.kill('SIGKILL');
        resolve();
      }, 3000);
      this.proc.once('exit', () => {
        clearTimeout(t);
        resolve();
      });
    });
    this.conn.dispose();
  }

  /** Memory of the server process in bytes (Linux /proc), undefined elsewhere. */
  rssBytes(): number | undefined {
    try {
      const status = require('node:fs').readFileSync(`/proc/${this.proc.pid}/status`, 'utf8') as string;
      const m = /VmRSS:\s+(\d+)\s+kB/.exec(status);
      return m ? Number(m[1]) * 1024 : undefined;
    } catch {
      return undefined;
    }
  }
}

/** A throwaway copy of an example workspace. */
export function tempCopy(exampleName: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `asset-lens-robust-${exampleName}-`));
  cpSync(join(repoRoot(), 'examples', exampleName), dir, { recursive: true });
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
