import * as assert from 'node:assert/strict';
import { resolve, sep } from 'node:path';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'asset-lens.asset-lens';

/** The API object `activate` returns (client/src/extension.ts AssetLensApi). */
export interface Api {
  ready: Promise<void>;
  lineageProvider: {
    showKey(key: string): Promise<boolean>;
    snapshot(): { focus?: string; pinned: boolean; direction: string; upstream: string[]; downstream: string[] };
    getChildren(el?: unknown): unknown[];
    getTreeItem(el: unknown): vscode.TreeItem;
    direction: string;
  };
  graphPanel: { current?: { nodes: { key: string }[]; edges: { from: string; to: string }[] } };
  statusBar: { item: vscode.StatusBarItem };
  listKeys(): Promise<{ key: string; kind: string; badge: string; location?: { uri: string; range?: unknown } }[]>;
  /** vscode-languageclient's LanguageClient; its server child process is private API, read in one test */
  client: { isRunning(): boolean; sendRequest<R>(method: string, params: unknown): Promise<R> };
  storagePath: string | undefined;
  /** the last lines of the "Asset Lens" output */
  outputLines(): string[];
}

export async function activateExtension(): Promise<Api> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is installed`);
  const api = (await ext.activate()) as Api;
  await api.ready;
  return api;
}

export function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder is open (the runner opens a copy of examples/taxi)');
  return folder.uri.fsPath;
}

/**
 * Edits happen only in a copy: refuse to touch the repository's examples/.
 * The runners (runTest.ts, scripts/e2e.mjs) open a temp copy.
 */
export function assertIsCopy(root: string): void {
  const repoExamples = resolve(__dirname, '..', '..', '..', '..', 'examples') + sep;
  assert.ok(!(resolve(root) + sep).startsWith(repoExamples), `refusing to edit the repository's examples (${root})`);
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== null && (v as unknown) !== false) return v;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function openFile(root: string, rel: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(resolve(root, rel)));
  return vscode.window.showTextDocument(doc);
}

/** Position just after the first match of `re` (or at its group 1 start when `atGroup`). */
export function positionAfter(doc: vscode.TextDocument, re: RegExp): vscode.Position {
  const text = doc.getText();
  const m = re.exec(text);
  assert.ok(m, `${re} found in ${doc.uri.fsPath}`);
  return doc.positionAt(m.index + m[0].length);
}

/** Position inside the first occurrence of `needle` (one character in). */
export function positionIn(doc: vscode.TextDocument, needle: string, from = 0): vscode.Position {
  const i = doc.getText().indexOf(needle, from);
  assert.ok(i >= 0, `${JSON.stringify(needle)} found in ${doc.uri.fsPath}`);
  return doc.positionAt(i + 1);
}

export function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
    .join('\n');
}

export function completionLabels(list: vscode.CompletionList | vscode.CompletionItem[]): string[] {
  const items = Array.isArray(list) ? list : list.items;
  return items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
}

export function definitionTargets(defs: (vscode.Location | vscode.LocationLink)[]): vscode.Uri[] {
  return defs.map((d) => ('targetUri' in d ? d.targetUri : d.uri));
}
