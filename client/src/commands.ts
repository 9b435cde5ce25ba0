import * as vscode from 'vscode';
import type { AssetInfo, KeysResult } from '../../server/src/lsp/protocol';
import { KeysRequest, LineageRequest, ReindexRequest } from '../../server/src/lsp/protocol';
import type { LanguageClient } from 'vscode-languageclient/node';
import { kindIcon, kindLabel } from './kinds';
import type { LineageGraphPanel } from './lineageGraph';
import { LineageTreeProvider } from './lineageTree';
import { openAsset, openLocation, OPEN_LOCATION_COMMAND } from './locations';
import { SHOW_OUTPUT_COMMAND } from './statusBar';

export const COMMANDS = {
  listKeys: 'assetLens.listKeys',
  showLineage: 'assetLens.showLineage',
  showLineageGraph: 'assetLens.showLineageGraph',
  reindex: 'assetLens.reindex',
  copyKey: 'assetLens.copyKey',
  pin: 'assetLens.pinLineage',
  unpin: 'assetLens.unpinLineage',
  refresh: 'assetLens.refreshLineage',
  flipDirection: 'assetLens.flipLineageDirection',
  openLocation: OPEN_LOCATION_COMMAND,
  showOutput: SHOW_OUTPUT_COMMAND,
} as const;

export interface CommandContext {
  client: LanguageClient;
  ready: Promise<void>;
  log: vscode.OutputChannel;
  lineage: LineageTreeProvider;
  lineageView: vscode.TreeView<unknown>;
  graph: LineageGraphPanel;
}

/** Key of the asset under the active editor's cursor, or undefined. */
export async function keyAtCursor(ctx: CommandContext): Promise<string | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return undefined;
  await ctx.ready;
  const pos = editor.selection.active;
  const node = (await ctx.client.sendRequest(LineageRequest, {
    textDocument: { uri: editor.document.uri.toString() },
    position: { line: pos.line, character: pos.character },
    direction: 'down',
    depth: 0,
  })) as { key: string } | null;
  return node?.key ?? undefined;
}

export async function fetchKeys(ctx: CommandContext): Promise<KeysResult> {
  await ctx.ready;
  return ((await ctx.client.sendRequest(KeysRequest, {})) as KeysResult | null) ?? [];
}

export interface KeyPickItem extends vscode.QuickPickItem {
  asset: AssetInfo;
}

export function keyPickItems(keys: KeysResult): KeyPickItem[] {
  return [...keys]
    .sort((a, b) => a.key.localeCompare(b.key))
    .map((asset) => ({
      label: `$(${kindIcon(asset.kind).id}) ${asset.key}`,
      description: [kindLabel(asset.kind), asset.badge].filter(Boolean).join(' · '),
      detail: [asset.group ? `group ${asset.group}` : '', asset.location ? vscode.workspace.asRelativePath(vscode.Uri.parse(asset.location.uri)) : '']
        .filter(Boolean)
        .join(' — ') || undefined,
      asset,
    }));
}

/** A key given as a command argument: a string, or a lineage tree element. */
function keyFromArg(arg: unknown): string | undefined {
  if (typeof arg === 'string' && arg.length) return arg;
  return LineageTreeProvider.keyOf(arg);
}

export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  const reg = vscode.commands.registerCommand;
  return [
    reg(COMMANDS.showOutput, () => ctx.log.show(true)),
    reg(COMMANDS.openLocation, (location) => openLocation(location)),

    // Shows the picker without waiting for a choice: the command resolves
    // with the items so scripted callers never block on UI.
    reg(COMMANDS.listKeys, async () => {
      const items = keyPickItems(await fetchKeys(ctx));
      const pick = vscode.window.createQuickPick<KeyPickItem>();
      pick.title = 'Asset Lens: asset keys';
      pick.placeholder = items.length ? 'Type to filter asset keys' : 'No asset keys indexed yet';
      pick.matchOnDescription = true;
      pick.matchOnDetail = true;
      pick.items = items;
      pick.onDidAccept(() => {
        const chosen = pick.selectedItems[0];
        pick.hide();
        if (chosen) void openAsset((method, params) => ctx.client.sendRequest(method, params), chosen.asset);
      });
      pick.onDidHide(() => pick.dispose());
      pick.show();
      return items.map((i) => i.asset.key);
    }),

    reg(COMMANDS.showLineage, async (arg?: unknown) => {
      const key = keyFromArg(arg) ?? (await keyAtCursor(ctx));
      if (!key) {
        void vscode.window.showInformationMessage('Asset Lens: no asset at the cursor.');
        return undefined;
      }
      await ctx.ready;
      const ok = await ctx.lineage.showKey(key);
      if (!ok) void vscode.window.showWarningMessage(`Asset Lens: unknown asset key "${key}".`);
      try {
        await vscode.commands.executeCommand('assetLens.lineage.focus');
      } catch {
        // the view may be hidden by the user; the data is loaded anyway
      }
      return ok ? key : undefined;
    }),

    reg(COMMANDS.showLineageGraph, async (arg?: unknown) => {
      const key = keyFromArg(arg) ?? ctx.lineage.focus?.key ?? (await keyAtCursor(ctx));
      await ctx.ready;
      const graph = await ctx.graph.show(key ? { key } : {});
      return { focus: graph.focus, nodes: graph.nodes.map((n) => n.key), edges: graph.edges.length };
    }),

    reg(COMMANDS.reindex, async () => {
      await ctx.ready;
      const result = await ctx.client.sendRequest(ReindexRequest, {});
      await ctx.lineage.refresh();
      return result ?? true;
    }),

    reg(COMMANDS.copyKey, async (arg?: unknown) => {
      const key = keyFromArg(arg) ?? (await keyAtCursor(ctx));
      if (!key) {
        void vscode.window.showInformationMessage('Asset Lens: no asset at the cursor.');
        return undefined;
      }
      await vscode.env.clipboard.writeText(key);
      void vscode.window.setStatusBarMessage(`Copied asset key ${key}`, 2000);
      return key;
    }),

    reg(COMMANDS.pin, () => ctx.lineage.setPinned(true)),
    reg(COMMANDS.unpin, () => ctx.lineage.setPinned(false)),
    reg(COMMANDS.refresh, () => ctx.lineage.refresh()),
    reg(COMMANDS.flipDirection, () => ctx.lineage.cycleDirection()),
  ];
}
