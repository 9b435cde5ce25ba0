/**
 * Wires the LSP connection to the asset workspace: document sync with
 * overlays, debounced re-indexing, diagnostics publishing, and one thin
 * handler per feature. Every request handler is guarded: its own failure
 * becomes an LSP error for that request only.
 */
import {
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  ErrorCodes,
  LSPErrorCodes,
  ResponseError,
  TextDocumentSyncKind,
  TextDocuments,
  type CancellationToken,
  type ClientCapabilities,
  type Connection,
  type InitializeParams,
  type InitializeResult,
  type WorkspaceFolder,
  type WorkspaceSymbol,
  WatchKind,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { isAbsolute } from 'node:path';
import { AssetWorkspace } from '../workspace/workspace';
import { DEFAULT_SETTINGS, type WorkspaceSettings } from '../workspace/settings';
import type { Position } from '../model/location';
import type { Diagnostic } from '../model/diagnostic';
import { COMPLETION_TRIGGERS, completionsAt } from './completion';
import { languageOf } from './completionContext';
import { pathToUri, uriToPath } from './convert';
import { definitionAt } from './definition';
import { hoverAt } from './hover';
import { referencesAt } from './references';
import { documentSymbols, resolveWorkspaceSymbol, workspaceSymbols } from './symbols';
import { codeLensesFor } from './codeLens';
import { DiagnosticsPublisher } from './diagnostics';
import { quickFixes } from './codeActions';
import { assetByKeyText, assetLocation, keysList, lineageTree, neighbourhood } from './customRequests';
import { readSettings, type TraceLevel } from './settings';
import { targetAt } from './target';
import type { IndexSnapshot } from './snapshot';
import {
  GraphRequest,
  IndexStatusNotification,
  AssetLocationRequest,
  KeysRequest,
  LineageRequest,
  ReindexRequest,
  SupportedMethodsRequest,
  type AssetLocationParams,
  type GraphParams,
  type IndexStatus,
  type LineageParams,
} from './protocol';

const CHANGE_DEBOUNCE_MS = 300;
const WATCH_DEBOUNCE_MS = 200;

/** Everything this server answers; `assetLens/supportedMethods` returns it. */
export const SUPPORTED_METHODS = [
  'initialize',
  'initialized',
  'shutdown',
  'exit',
  'textDocument/didOpen',
  'textDocument/didChange',
  'textDocument/didSave',
  'textDocument/didClose',
  'textDocument/completion',
  'textDocument/definition',
  'textDocument/hover',
  'textDocument/references',
  'textDocument/documentSymbol',
  'textDocument/codeLens',
  'textDocument/codeAction',
  'textDocument/publishDiagnostics',
  'workspace/symbol',
  'workspace/didChangeWatchedFiles',
  'workspace/didChangeConfiguration',
  'workspace/didChangeWorkspaceFolders',
  '$/cancelRequest',
  LineageRequest,
  KeysRequest,
  AssetLocationRequest,
  GraphRequest,
  ReindexRequest,
  SupportedMethodsRequest,
  IndexStatusNotification,
];

class Cancelled extends Error {}

/** What the process that runs the server knows of its start (server.ts). */
export interface ServerStartup {
  /** how the server's code was loaded, for the first log line */
  loadNote?: string;
  /**
   * Keeps the code the server has compiled for its next start: after the first
   * index (when there is nothing kept yet) and at shutdown (when this session
   * compiled much more). Returns a line to log.
   */
  keepCompiledCode?: (when: 'first index' | 'shutdown') => string | undefined;
}

export function startLanguageServer(connection: Connection, startup: ServerStartup = {}): void {
  const documents = new TextDocuments(TextDocument);
  let roots: string[] = [];
  let settings: Partial<WorkspaceSettings> = {};
  let trace: TraceLevel = 'off';
  let capabilities: ClientCapabilities = {};
  /** The client fills in a workspace symbol's range when one is picked (workspaceSymbol/resolve). */
  const resolvesSymbolRanges = () => capabilities.workspace?.symbol?.resolveSupport?.properties?.includes('location.range') === true;
  let workspace: AssetWorkspace | undefined;
  /** the client's storage for this workspace (initializationOptions.storagePath): manifest reads are kept there */
  let storagePath: string | undefined;
  /** Resolves once the initial index is done (or failed): requests wait for it. */
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  let shuttingDown = false;

  const log = (line: string) => connection.console.log(line);
  const verbose = (line: string) => {
    if (trace === 'verbose') connection.console.log(line);
  };

  const diagnostics = new DiagnosticsPublisher((file, list) => {
    void connection.sendDiagnostics({ uri: uriFor(file), diagnostics: list });
  });

  /** Open documents' own URIs, so diagnostics go back under exactly the URI the client used. */
  const openUris = new Map<string, string>();
  const uriFor = (file: string) => openUris.get(file) ?? pathToUri(file);

  const snapshot = (): IndexSnapshot => {
    if (!workspace) throw new ResponseError(ErrorCodes.ServerNotInitialized, 'Asset Lens is not initialised');
    return workspace.snapshot;
  };

  // ----- indexing ---------------------------------------------------------

  /** The last piece of index work; requests wait for it so they see their own edits. */
  let work: Promise<unknown> = Promise.resolve();
  const pendingEdits = new Set<string>();
  let editTimer: NodeJS.Timeout | undefined;
  const pendingWatched = new Set<string>();
  let watchTimer: NodeJS.Timeout | undefined;

  /** Serialises index work; a failing job is logged and never rejects its callers. */
  const enqueue = <T>(job: () => Promise<T>): Promise<T | undefined> => {
    const next = work.then(job, job).catch((err) => {
      log(`index job failed: ${(err as Error)?.stack ?? err}`);
      return undefined;
    });
    work = next;
    return next;
  };

  // counted per file list: a save keeps most files' lists, so only the changed ones are read again
  const problemsIn = new WeakMap<readonly Diagnostic[], number>();
  const problemCount = (s: IndexSnapshot) => {
    let n = 0;
    for (const list of s.diagnostics.values()) {
      let k = problemsIn.get(list);
      if (k === undefined) {
        k = 0;
        for (const d of list) if (d.severity !== 'info') k++;
        problemsIn.set(list, k);
      }
      n += k;
    }
    return n;
  };

  const sendStatus = (status: IndexStatus) => {
    void connection.sendNotification(IndexStatusNotification, status);
  };

  const reportReady = (s: IndexSnapshot, message?: string) => {
    sendStatus({ state: 'ready', assets: s.graph.assets.size, problems: problemCount(s), ...(message ? { message } : {}) });
  };

  const indexAll = (reason: string): Promise<void | undefined> =>
    enqueue(async () => {
      const ws = workspace;
      if (!ws) return;
      sendStatus({ state: 'indexing', assets: ws.snapshot.graph.assets.size, problems: 0, message: reason });
      const progress = capabilities.window?.workDoneProgress ? await connection.window.createWorkDoneProgress().catch(() => undefined) : undefined;
      progress?.begin('Asset Lens: indexing', 0, reason, false);
      let lastPct = -1;
      let s: IndexSnapshot;
      try {
        s = await ws.indexAll((done, total, message) => {
          const pct = total ? Math.floor((done / total) * 100) : 100;
          if (pct !== lastPct) {
            lastPct = pct;
            progress?.report(pct, message);
          }
        });
      } finally {
        progress?.done();
      }
      log(`index ready: ${s.graph.assets.size} assets (${reason})`);
      diagnostics.publish(s, 'all');
      reportReady(s);
    });

  const reindexFiles = (files: string[], commit: 'all' | 'fast'): Promise<void | undefined> =>
    enqueue(async () => {
      const ws = workspace;
      if (!ws || files.length === 0) return;
      verbose(`re-indexing ${files.length} file(s): ${files.slice(0, 5).join(', ')}${files.length > 5 ? ', …' : ''}`);
      const s = await ws.filesChanged(files);
      diagnostics.publish(s, commit);
      reportReady(s);
    });

  /** Runs the debounced document edits now. */
  const flushEdits = (): Promise<void | undefined> => {
    if (editTimer) clearTimeout(editTimer);
    editTimer = undefined;
    if (pendingEdits.size === 0) return Promise.resolve();
    const files = [...pendingEdits];
    pendingEdits.clear();
    return reindexFiles(files, 'fast');
  };

  const flushWatched = (): Promise<void | undefined> => {
    if (watchTimer) clearTimeout(watchTimer);
    watchTimer = undefined;
    if (pendingWatched.size === 0) return Promise.resolve();
    const files = [...pendingWatched];
    pendingWatched.clear();
    return reindexFiles(files, 'all');
  };

  /** Up-to-date index for a request: initial index done, edits and file events applied. */
  const settled = async (): Promise<IndexSnapshot> => {
    await ready;
    await flushEdits();
    await flushWatched();
    await work;
    return snapshot();
  };

  const createWorkspace = () => {
    // the workspace it replaces (folders changed) stops its quiet-time work; the new one reads afresh
    workspace?.dispose();
    workspace = new AssetWorkspace({ roots, settings, log, keptReadsDir: storagePath });
    for (const doc of documents.all()) {
      const file = uriToPath(doc.uri);
      if (file) workspace.setOpenDocument(file, doc.getText());
    }
  };

  // ----- request plumbing -------------------------------------------------

  const isToken = (x: unknown): x is CancellationToken =>
    !!x && typeof x === 'object' && typeof (x as CancellationToken).isCancellationRequested === 'boolean' && typeof (x as CancellationToken).onCancellationRequested === 'function';

  const yieldNow = () => new Promise<void>((resolve) => setImmediate(resolve));

  function guard<P, R>(name: string, handler: (params: P, token: CancellationToken) => Promise<R> | R) {
    return async (params: P, maybeToken?: CancellationToken): Promise<R | ResponseError<void>> => {
      // vscode-jsonrpc passes only the token when a request has no params.
      let token = maybeToken;
      if (!token && isToken(params)) {
        token = params;
        params = undefined as P;
      }
      token ??= { isCancellationRequested: false, onCancellationRequested: () => ({ dispose: () => undefined }) };
      workspace?.noteActivity();
      try {
        // Let a `$/cancelRequest` that arrived with the request be seen first.
        await yieldNow();
        if (token.isCancellationRequested) throw new Cancelled();
        const result = await handler(params, token);
        if (token.isCancellationRequested) throw new Cancelled();
        return result;
      } catch (err) {
        if (err instanceof Cancelled) return new ResponseError(LSPErrorCodes.RequestCancelled, `${name} cancelled`);
        if (err instanceof ResponseError) return err;
        log(`${name} failed: ${(err as Error)?.stack ?? err}`);
        return new ResponseError(ErrorCodes.InternalError, `${name} failed: ${(err as Error)?.message ?? err}`);
      }
    };
  }

  /** Document handlers: the file path, its current text and an up-to-date snapshot. */
  const docContext = async (uri: string) => {
    const s = await settled();
    const file = uriToPath(uri);
    if (!file) return undefined;
    const text = documents.get(uri)?.getText() ?? workspace?.readText(file);
    return { s, file, text };
  };

  const focusAsset = async (params: { key?: string; textDocument?: { uri: string }; position?: Position }) => {
    const s = await settled();
    if (params.key) return { s, id: assetByKeyText(s, params.key)?.id };
    if (params.textDocument && params.position) {
      const file = uriToPath(params.textDocument.uri);
      if (!file) return { s, id: undefined };
      const text = documents.get(params.textDocument.uri)?.getText() ?? workspace?.readText(file);
      const t = targetAt(s, file, text, params.position, true);
      return { s, id: t && (t.kind === 'reference' || t.kind === 'definition') ? t.asset.id : undefined };
    }
    return { s, id: undefined };
  };

  /** Malformed custom-request params are the caller's error (InvalidParams), not ours. */
  const checkFocusParams = (p: unknown, needsDirection: boolean) => {
    const bad = (why: string) => new ResponseError(ErrorCodes.InvalidParams, why);
    if (!p || typeof p !== 'object') throw bad('params must be an object');
    const o = p as Record<string, unknown>;
    if (o.key !== undefined && typeof o.key !== 'string') throw bad('key must be a string');
    if (o.depth !== undefined && o.depth !== null && typeof o.depth !== 'number') throw bad('depth must be a number');
    if (needsDirection && o.direction !== undefined && o.direction !== 'up' && o.direction !== 'down') throw bad("direction must be 'up' or 'down'");
    if (o.textDocument !== undefined && typeof (o.textDocument as { uri?: unknown })?.uri !== 'string') throw bad('textDocument.uri must be a string');
  };

  // ----- lifecycle --------------------------------------------------------

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    capabilities = params.capabilities;
    const folders: WorkspaceFolder[] = params.workspaceFolders ?? [];
    roots = folders.map((f) => uriToPath(f.uri)).filter((p): p is string => !!p);
    if (roots.length === 0 && params.rootUri) {
      const p = uriToPath(params.rootUri);
      if (p) roots = [p];
    }
    if (roots.length === 0 && params.rootPath) roots = [params.rootPath];
    const read = readSettings(params.initializationOptions);
    settings = read.workspace;
    trace = read.trace;
    const storage = (params.initializationOptions as { storagePath?: unknown } | undefined)?.storagePath;
    storagePath = typeof storage === 'string' && isAbsolute(storage) ? storage : undefined;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        completionProvider: { triggerCharacters: COMPLETION_TRIGGERS, resolveProvider: false },
        definitionProvider: true,
        hoverProvider: true,
        referencesProvider: true,
        workspaceSymbolProvider: { resolveProvider: true },
        documentSymbolProvider: true,
        codeLensProvider: { resolveProvider: false },
        codeActionProvider: { codeActionKinds: ['quickfix'] },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'asset-lens', version: '0.1.0' },
    };
  });

  connection.onInitialized(async () => {
    try {
      if (capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration) {
        await connection.client
          .register(DidChangeWatchedFilesNotification.type, {
            watchers: [
              { globPattern: '**/target/manifest.json' },
              { globPattern: '**/dbt_project.yml' },
              { globPattern: '**/*.{sql,yml,yaml,py,ts,tsx,csv}' },
              // a folder deleted, renamed or moved is reported as the folder alone (not its files):
              // the workspace finds what it held or holds (workspace/folderEvents.ts)
              { globPattern: '**/*', kind: WatchKind.Create | WatchKind.Delete },
            ],
          })
          .catch((err) => log(`could not register file watchers: ${err}`));
      }
      if (capabilities.workspace?.didChangeConfiguration?.dynamicRegistration) {
        await connection.client.register(DidChangeConfigurationNotification.type, { section: 'assetLens' }).catch(() => undefined);
      }
      if (capabilities.workspace?.configuration) {
        const pulled = await connection.workspace.getConfiguration('assetLens').catch(() => undefined);
        if (pulled) {
          const read = readSettings(pulled);
          settings = { ...settings, ...read.workspace };
          if (read.trace !== 'off') trace = read.trace;
        }
      }
      if (capabilities.workspace?.workspaceFolders) {
        connection.workspace.onDidChangeWorkspaceFolders((e) => {
          for (const f of e.removed) {
            const p = uriToPath(f.uri);
            roots = roots.filter((r) => r !== p);
          }
          for (const f of e.added) {
            const p = uriToPath(f.uri);
            if (p && !roots.includes(p)) roots.push(p);
          }
          createWorkspace();
          void indexAll('workspace folders changed');
        });
      }
    } catch (err) {
      log(`initialisation step failed: ${(err as Error)?.stack ?? err}`);
    }
    log(`Asset Lens server: roots ${roots.join(', ') || '(none)'}${startup.loadNote ? `; ${startup.loadNote}` : ''}`);
    createWorkspace();
    void indexAll('initial index').finally(() => {
      markReady();
      const note = startup.keepCompiledCode?.('first index');
      if (note) log(note);
    });
  });

  connection.onShutdown(async () => {
    shuttingDown = true;
    if (editTimer) clearTimeout(editTimer);
    if (watchTimer) clearTimeout(watchTimer);
    pendingEdits.clear();
    pendingWatched.clear();
    // a manifest read not yet kept is written now (the server may not be started again soon)
    await workspace?.saveKeptReads();
    workspace?.dispose();
    const note = startup.keepCompiledCode?.('shutdown');
    if (note) log(note);
  });

  // ----- documents --------------------------------------------------------

  /** TextDocuments fires a content change right after each open; that one is not an edit. */
  const justOpened = new Set<string>();

  documents.onDidOpen((e) => {
    const file = uriToPath(e.document.uri);
    if (!file) return;
    openUris.set(file, e.document.uri);
    justOpened.add(e.document.uri);
    // Before the workspace exists, createWorkspace() picks the text up from `documents`.
    if (!workspace) return;
    const ws = workspace;
    const text = e.document.getText();
    const onDisk = ws.fs.hasOverlay(file) ? undefined : ws.readText(file);
    ws.setOpenDocument(file, text);
    if (onDisk === text) {
      // Nothing new to index: show the cross-file problems for it now.
      void ready.then(() => enqueue(async () => diagnostics.publish(ws.snapshot, 'all')));
    } else {
      void ready.then(() => reindexFiles([file], 'all'));
    }
  });

  documents.onDidChangeContent((e) => {
    if (justOpened.delete(e.document.uri)) return;
    const file = uriToPath(e.document.uri);
    if (!file || !workspace || shuttingDown) return;
    workspace.noteActivity();
    workspace.setOpenDocument(file, e.document.getText());
    pendingEdits.add(file);
    if (editTimer) clearTimeout(editTimer);
    editTimer = setTimeout(() => {
      void ready.then(flushEdits);
    }, CHANGE_DEBOUNCE_MS);
  });

  documents.onDidSave((e) => {
    const file = uriToPath(e.document.uri);
    if (!file || !workspace) return;
    workspace.setOpenDocument(file, e.document.getText());
    pendingEdits.delete(file);
    void ready.then(() => reindexFiles([file], 'all'));
  });

  documents.onDidClose((e) => {
    const file = uriToPath(e.document.uri);
    if (!file || !workspace) return;
    openUris.delete(file);
    justOpened.delete(e.document.uri);
    pendingEdits.delete(file);
    workspace.setOpenDocument(file, undefined);
    void ready.then(() => reindexFiles([file], 'all'));
  });

  documents.listen(connection);

  connection.onDidChangeWatchedFiles((params) => {
    for (const change of params.changes) {
      const file = uriToPath(change.uri);
      if (file) pendingWatched.add(file);
    }
    if (watchTimer) clearTimeout(watchTimer);
    watchTimer = setTimeout(() => {
      void ready.then(flushWatched);
    }, WATCH_DEBOUNCE_MS);
  });

  connection.onDidChangeConfiguration(async (params) => {
    try {
      // Pushed settings (`{ assetLens: {...} }`) win; a bare notification means "pull them".
      let raw: unknown = params.settings;
      const pushed = raw && typeof raw === 'object' && Object.keys(raw as object).length > 0;
      if (!pushed && capabilities.workspace?.configuration) {
        raw = (await connection.workspace.getConfiguration('assetLens').catch(() => undefined)) ?? raw;
      }
      const read = readSettings(raw);
      settings = read.workspace;
      trace = read.trace;
      const ws = workspace;
      if (!ws) return;
      await ready;
      await enqueue(async () => {
        // Settings that were removed go back to their defaults.
        const s = await ws.updateSettings({ ...DEFAULT_SETTINGS, ...settings });
        diagnostics.publish(s, 'all');
        reportReady(s, 'settings changed');
      });
    } catch (err) {
      log(`configuration change failed: ${(err as Error)?.stack ?? err}`);
    }
  });

  // ----- features ---------------------------------------------------------

  connection.onCompletion(
    guard('completion', async (params) => {
      // Completion reads the live text itself; the keys may come from the index as it is
      // (re-indexing on every keystroke would only add latency).
      await ready;
      const file = uriToPath(params.textDocument.uri);
      if (!file) return null;
      const doc = documents.get(params.textDocument.uri);
      const text = doc?.getText() ?? workspace?.readText(file);
      const language = languageOf(doc?.languageId, file);
      if (text === undefined || !language) return null;
      return completionsAt({ snapshot: snapshot(), file, text, language, position: params.position, roots });
    }),
  );

  connection.onDefinition(
    guard('definition', async (params) => {
      const ctx = await docContext(params.textDocument.uri);
      return ctx ? definitionAt(ctx.s, ctx.file, ctx.text, params.position) : null;
    }),
  );

  connection.onHover(
    guard('hover', async (params) => {
      const ctx = await docContext(params.textDocument.uri);
      return ctx ? hoverAt(ctx.s, ctx.file, ctx.text, params.position, roots) : null;
    }),
  );

  connection.onReferences(
    guard('references', async (params, token) => {
      const ctx = await docContext(params.textDocument.uri);
      if (!ctx) return null;
      if (token.isCancellationRequested) throw new Cancelled();
      return referencesAt(ctx.s, ctx.file, ctx.text, params.position, params.context.includeDeclaration, token);
    }),
  );

  connection.onWorkspaceSymbol(
    guard('workspace/symbol', async (params, token) => {
      const s = await settled();
      if (token.isCancellationRequested) throw new Cancelled();
      return workspaceSymbols(s, params.query, token, { lazyRanges: resolvesSymbolRanges() });
    }),
  );

  connection.onWorkspaceSymbolResolve(
    guard('workspaceSymbol/resolve', async (symbol: WorkspaceSymbol) => resolveWorkspaceSymbol(await settled(), symbol)),
  );

  connection.onDocumentSymbol(
    guard('documentSymbol', async (params) => {
      const ctx = await docContext(params.textDocument.uri);
      return ctx ? documentSymbols(ctx.s, ctx.file) : null;
    }),
  );

  connection.onCodeLens(
    guard('codeLens', async (params) => {
      const ctx = await docContext(params.textDocument.uri);
      return ctx ? codeLensesFor(ctx.s, ctx.file) : null;
    }),
  );

  connection.onCodeAction(
    guard('codeAction', async (params) => {
      const ctx = await docContext(params.textDocument.uri);
      return ctx ? quickFixes(ctx.s, ctx.file, params.textDocument.uri, params, ctx.text) : null;
    }),
  );

  // ----- custom requests --------------------------------------------------

  connection.onRequest(
    LineageRequest,
    guard('lineage', async (params: LineageParams) => {
      checkFocusParams(params, true);
      const { s, id } = await focusAsset(params);
      if (!id) return null;
      return lineageTree(s, id, params.direction === 'up' ? 'up' : 'down', params.depth);
    }),
  );

  connection.onRequest(
    KeysRequest,
    guard('keys', async () => keysList(await settled())),
  );

  connection.onRequest(
    AssetLocationRequest,
    guard('location', async (params: AssetLocationParams) => {
      if (typeof (params as { key?: unknown } | undefined)?.key !== 'string') throw new ResponseError(ErrorCodes.InvalidParams, 'key must be a string');
      return assetLocation(await settled(), params.key);
    }),
  );

  connection.onRequest(
    GraphRequest,
    guard('graph', async (params: GraphParams | undefined) => {
      const p = params ?? {};
      checkFocusParams(p, false);
      const { s, id } = await focusAsset(p);
      const wantsFocus = !!(p.key || (p.textDocument && p.position));
      if (wantsFocus && !id) return { nodes: [], edges: [] };
      return neighbourhood(s, id, p.depth ?? 2);
    }),
  );

  connection.onRequest(
    ReindexRequest,
    guard('reindex', async () => {
      await ready;
      await flushEdits();
      await indexAll('reindex requested');
      const s = snapshot();
      return { assets: s.graph.assets.size, problems: problemCount(s) };
    }),
  );

  connection.onRequest(
    SupportedMethodsRequest,
    guard('supportedMethods', () => SUPPORTED_METHODS),
  );

  connection.listen();
}
