import * as vscode from 'vscode';
import { FilteredOutput } from './outputFilter';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { IndexStatus } from '../../server/src/lsp/protocol';
import { GraphRequest, IndexStatusNotification } from '../../server/src/lsp/protocol';
import { fetchKeys, keyAtCursor, registerCommands, type CommandContext } from './commands';
import { createLanguageClient, DOCUMENT_LANGUAGES } from './languageClient';
import { LineageGraphPanel } from './lineageGraph';
import { LineageTreeProvider, requestLineage, type LineageItem } from './lineageTree';
import { IndexStatusBar } from './statusBar';
import { runE2eSuiteIfRequested } from './e2eHook';

/** What `activate` returns: used by the VS Code test suite (and other extensions). */
export interface AssetLensApi {
  client: LanguageClient;
  /** Resolves once the language server is running. */
  ready: Promise<void>;
  lineageProvider: LineageTreeProvider;
  lineageView: vscode.TreeView<LineageItem>;
  graphPanel: LineageGraphPanel;
  statusBar: IndexStatusBar;
  /** Latest index status, resolved by the next notification when given `waitFor`. */
  indexStatus(waitFor?: IndexStatus['state']): Promise<IndexStatus | undefined>;
  listKeys: () => ReturnType<typeof fetchKeys>;
  keyAtCursor: () => Promise<string | undefined>;
  /** VS Code's storage for this workspace, where the server keeps its manifest reads (none without a folder) */
  storagePath: string | undefined;
  /** The last lines of the "Asset Lens" output (what a user reads there) */
  outputLines(): string[];
}

const CURSOR_DEBOUNCE_MS = 150;
let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<AssetLensApi> {
  const output = new FilteredOutput(vscode.window.createOutputChannel('Asset Lens'));
  const log = output.channel;
  context.subscriptions.push(log);
  client = createLanguageClient(context, log);
  const lc = client;

  const statusBar = new IndexStatusBar();
  context.subscriptions.push(statusBar);
  const statusWaiters: { state?: IndexStatus['state']; resolve: (s: IndexStatus) => void }[] = [];
  // set below; the notification can only arrive after start()
  let onIndexed = () => undefined as void;
  lc.onNotification(IndexStatusNotification, (status: IndexStatus) => {
    statusBar.update(status);
    if (status.state === 'ready') onIndexed();
    for (const w of statusWaiters.splice(0)) {
      if (!w.state || w.state === status.state) w.resolve(status);
      else statusWaiters.push(w);
    }
  });

  const ready = lc.start().catch((err: unknown) => {
    log.appendLine(`[client] failed to start the Asset Lens server: ${err instanceof Error ? err.message : String(err)}`);
    throw err;
  });
  ready.catch(() => undefined);

  const send = async (method: string, params: unknown) => {
    await ready;
    return lc.sendRequest(method, params);
  };
  const lineageProvider = new LineageTreeProvider(requestLineage(send));
  const lineageView = vscode.window.createTreeView('assetLens.lineage', {
    treeDataProvider: lineageProvider,
    showCollapseAll: true,
  });
  const graphPanel = new LineageGraphPanel((params) => send(GraphRequest, params) as never, send);
  context.subscriptions.push(lineageProvider, lineageView, graphPanel);
  // a re-index can change edges and partition problems: redraw what is shown
  onIndexed = () => {
    void lineageProvider.refresh();
    void graphPanel.refresh().catch(() => undefined);
  };
  void vscode.commands.executeCommand('setContext', 'assetLens.pinned', false);
  void vscode.commands.executeCommand('setContext', 'assetLens.direction', 'both');

  const ctx: CommandContext = { client: lc, ready, log, lineage: lineageProvider, lineageView, graph: graphPanel };
  context.subscriptions.push(...registerCommands(ctx));
  context.subscriptions.push(...followCursor(lineageProvider));

  const api: AssetLensApi = {
    client: lc,
    ready,
    lineageProvider,
    lineageView,
    graphPanel,
    statusBar,
    indexStatus: (waitFor) =>
      !waitFor || statusBar.last?.state === waitFor
        ? Promise.resolve(statusBar.last)
        : new Promise((resolve) => statusWaiters.push({ state: waitFor, resolve })),
    listKeys: () => fetchKeys(ctx),
    keyAtCursor: () => keyAtCursor(ctx),
    storagePath: context.storageUri?.fsPath,
    outputLines: () => [...output.recent],
  };
  runE2eSuiteIfRequested(api, log);
  return api;
}

export async function deactivate(): Promise<void> {
  await client?.stop().catch(() => undefined);
  client = undefined;
}

/** Re-focuses the lineage view on the asset under the cursor, debounced. */
function followCursor(lineage: LineageTreeProvider): vscode.Disposable[] {
  let timer: NodeJS.Timeout | undefined;
  const schedule = (editor: vscode.TextEditor | undefined) => {
    if (timer) clearTimeout(timer);
    if (!editor || lineage.pinned) return;
    const doc = editor.document;
    if (doc.uri.scheme !== 'file' || !DOCUMENT_LANGUAGES.includes(doc.languageId)) return;
    timer = setTimeout(() => {
      timer = undefined;
      void lineage.followPosition(doc.uri, editor.selection.active);
    }, CURSOR_DEBOUNCE_MS);
  };
  return [
    vscode.window.onDidChangeTextEditorSelection((e) => schedule(e.textEditor)),
    vscode.window.onDidChangeActiveTextEditor((e) => schedule(e)),
    { dispose: () => timer && clearTimeout(timer) },
  ];
}
