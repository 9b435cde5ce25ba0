import { join } from 'node:path';
import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
  type ErrorHandler,
  type Message,
} from 'vscode-languageclient/node';
import { readSettings, SETTINGS_SECTION } from './settings';
import { RESTART_NOTE } from './outputFilter';

export const CLIENT_ID = 'assetLens';
export const CLIENT_NAME = 'Asset Lens';

/** Restarts allowed within RESTART_WINDOW_MS before the client gives up. */
const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 3 * 60 * 1000;

/** Files whose changes can alter the asset graph; the server re-indexes on them. */
export const WATCH_GLOB = '**/{target/manifest.json,dbt_project.yml,*.sql,*.yml,*.yaml,*.py,*.ts}';

export const DOCUMENT_LANGUAGES = ['python', 'typescript', 'typescriptreact', 'jinja-sql', 'sql', 'yaml'];

/**
 * Restarts the server after a crash, at most MAX_RESTARTS times in a sliding
 * window, and logs every decision to the output channel.
 */
export class RestartingErrorHandler implements ErrorHandler {
  private readonly restarts: number[] = [];

  constructor(private readonly log: vscode.OutputChannel) {}

  error(error: Error, _message: Message | undefined, count: number | undefined) {
    this.log.appendLine(`[client] connection error (${count ?? 0}): ${error.message}`);
    return { action: (count ?? 0) <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown };
  }

  closed() {
    const now = Date.now();
    this.restarts.push(now);
    while (this.restarts.length && now - this.restarts[0] > RESTART_WINDOW_MS) this.restarts.shift();
    if (this.restarts.length > MAX_RESTARTS) {
      const message = `Asset Lens server crashed ${this.restarts.length} times in 3 minutes; not restarting. See the "Asset Lens" output.`;
      this.log.appendLine(`[client] ${message}`);
      return { action: CloseAction.DoNotRestart, message };
    }
    // logged by the client as Info (with a stray flag line after it, which FilteredOutput drops)
    return { action: CloseAction.Restart, handled: true, message: `${RESTART_NOTE} (${this.restarts.length}/${MAX_RESTARTS})` };
  }
}

export function createLanguageClient(context: vscode.ExtensionContext, log: vscode.OutputChannel): LanguageClient {
  const serverModule = context.asAbsolutePath('dist/server.js');
  // the server keeps its compiled code in the extension's own storage, shared by every window (server/src/codeCache.ts)
  const args = [`--code-cache=${join(context.globalStorageUri.fsPath, 'code-cache')}`];
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc, args },
    debug: { module: serverModule, transport: TransportKind.ipc, args, options: { execArgv: ['--nolazy', '--inspect=6012'] } },
  };
  const watcher = vscode.workspace.createFileSystemWatcher(WATCH_GLOB);
  context.subscriptions.push(watcher);
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_LANGUAGES.map((language) => ({ scheme: 'file', language })),
    synchronize: { configurationSection: SETTINGS_SECTION, fileEvents: watcher },
    // storagePath: the editor's storage for this workspace, where the server keeps manifest reads between sessions
    initializationOptions: { ...readSettings(), ...(context.storageUri ? { storagePath: context.storageUri.fsPath } : {}) },
    outputChannel: log,
    errorHandler: new RestartingErrorHandler(log),
  };
  return new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
}
