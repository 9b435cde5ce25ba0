import * as vscode from 'vscode';
import type { AssetInfo, LineageParams, LineageResult, LineageTreeNode } from '../../server/src/lsp/protocol';
import { LineageRequest } from '../../server/src/lsp/protocol';
import { kindIcon, kindLabel } from './kinds';
import { OPEN_LOCATION_COMMAND } from './locations';

/** Which sides of the focused asset the view shows. */
export type LineageDirection = 'both' | 'up' | 'down';

/** What the view needs from the language client: one request, injectable for tests. */
export type LineageFetcher = (params: LineageParams) => Promise<LineageResult>;

export type LineageItem =
  | { type: 'focus'; id: string; node: LineageTreeNode }
  | { type: 'group'; id: string; direction: 'up' | 'down'; nodes: LineageTreeNode[]; total: number }
  | { type: 'asset'; id: string; direction: 'up' | 'down'; node: LineageTreeNode }
  | { type: 'empty'; id: string; message: string };

/** Plain snapshot of what the view shows, for tests and the graph command. */
export interface LineageSnapshot {
  focus: string | undefined;
  pinned: boolean;
  direction: LineageDirection;
  upstream: string[];
  downstream: string[];
}

/** Distinct keys in a lineage tree below its root, depth-first. */
export function collectKeys(root: LineageTreeNode | null | undefined): string[] {
  const seen = new Set<string>();
  const walk = (n: LineageTreeNode) => {
    for (const c of n.children) {
      seen.add(c.key);
      walk(c);
    }
  };
  if (root) walk(root);
  return [...seen];
}

export function lineageTooltip(node: AssetInfo & { mismatch?: string; repeated?: boolean }): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.appendMarkdown(`**${escapeMd(node.key)}** — ${kindLabel(node.kind)}\n\n`);
  if (node.partitions) {
    const p = node.partitions;
    const range = [p.start, p.end].filter(Boolean).join(' → ');
    md.appendMarkdown(`Partitions: ${escapeMd(p.type)}${p.count !== null ? ` (${p.count})` : ''}${range ? `, ${escapeMd(range)}` : ''}\n\n`);
  }
  if (node.group) md.appendMarkdown(`Group: ${escapeMd(node.group)}\n\n`);
  if (node.description) md.appendMarkdown(`${escapeMd(node.description)}\n\n`);
  if (node.mismatch) md.appendMarkdown(`$(warning) ${escapeMd(node.mismatch)}\n\n`);
  if (node.repeated) md.appendMarkdown(`_Shown elsewhere in this tree._\n\n`);
  return md;
}

function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}

export class LineageTreeProvider implements vscode.TreeDataProvider<LineageItem>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<LineageItem | undefined | void>();
  readonly onDidChangeTreeData = this.changed.event;

  focus: LineageTreeNode | undefined;
  upstream: LineageTreeNode | null = null;
  downstream: LineageTreeNode | null = null;
  pinned = false;
  direction: LineageDirection = 'both';
  /** Incremented per request so a slow answer never overwrites a newer one. */
  private generation = 0;

  constructor(private readonly fetch: LineageFetcher) {}

  dispose(): void {
    this.changed.dispose();
  }

  snapshot(): LineageSnapshot {
    return {
      focus: this.focus?.key,
      pinned: this.pinned,
      direction: this.direction,
      upstream: collectKeys(this.upstream),
      downstream: collectKeys(this.downstream),
    };
  }

  /** Focus on the asset at a document position; keeps the current focus when there is none. */
  async followPosition(uri: vscode.Uri, position: vscode.Position): Promise<boolean> {
    if (this.pinned) return false;
    return this.load({ textDocument: { uri: uri.toString() }, position: { line: position.line, character: position.character } });
  }

  /** Focus on a key (ignores pinning: an explicit request). */
  async showKey(key: string): Promise<boolean> {
    return this.load({ key });
  }

  async refresh(): Promise<boolean> {
    if (!this.focus) {
      this.changed.fire();
      return false;
    }
    return this.load({ key: this.focus.key });
  }

  setPinned(pinned: boolean): void {
    this.pinned = pinned;
    void vscode.commands.executeCommand('setContext', 'assetLens.pinned', pinned);
  }

  cycleDirection(): LineageDirection {
    this.direction = this.direction === 'both' ? 'up' : this.direction === 'up' ? 'down' : 'both';
    void vscode.commands.executeCommand('setContext', 'assetLens.direction', this.direction);
    this.changed.fire();
    return this.direction;
  }

  clear(): void {
    this.focus = undefined;
    this.upstream = this.downstream = null;
    this.changed.fire();
  }

  private async load(target: Omit<LineageParams, 'direction'>): Promise<boolean> {
    const generation = ++this.generation;
    let up: LineageResult;
    let down: LineageResult;
    try {
      [up, down] = await Promise.all([this.fetch({ ...target, direction: 'up' }), this.fetch({ ...target, direction: 'down' })]);
    } catch {
      return false;
    }
    const root = up ?? down;
    if (!root) return false;
    // a newer request owns the view; this key still exists
    if (generation !== this.generation) return true;
    this.focus = root;
    this.upstream = up;
    this.downstream = down;
    this.changed.fire();
    return true;
  }

  getChildren(element?: LineageItem): LineageItem[] {
    if (!element) {
      if (!this.focus) return [];
      return [{ type: 'focus', id: `focus:${this.focus.key}`, node: this.focus }];
    }
    switch (element.type) {
      case 'focus': {
        const groups: LineageItem[] = [];
        for (const direction of ['up', 'down'] as const) {
          if (this.direction !== 'both' && this.direction !== direction) continue;
          const tree = direction === 'up' ? this.upstream : this.downstream;
          const nodes = tree?.children ?? [];
          groups.push({ type: 'group', id: `group:${direction}`, direction, nodes, total: collectKeys(tree).length });
        }
        return groups;
      }
      case 'group':
        if (element.nodes.length === 0) {
          return [{ type: 'empty', id: `${element.id}/empty`, message: element.direction === 'up' ? 'no upstream assets' : 'no downstream assets' }];
        }
        return element.nodes.map((node, i) => ({ type: 'asset', id: `${element.id}/${i}:${node.key}`, direction: element.direction, node }));
      case 'asset':
        return element.node.children.map((node, i) => ({ type: 'asset', id: `${element.id}/${i}:${node.key}`, direction: element.direction, node }));
      case 'empty':
        return [];
    }
  }

  getTreeItem(element: LineageItem): vscode.TreeItem {
    switch (element.type) {
      case 'focus':
        return this.assetItem(element.id, element.node, vscode.TreeItemCollapsibleState.Expanded, 'focus');
      case 'group': {
        const label = `${element.direction === 'up' ? 'Upstream' : 'Downstream'} (${element.total})`;
        const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Expanded);
        item.id = element.id;
        item.iconPath = new vscode.ThemeIcon(element.direction === 'up' ? 'arrow-up' : 'arrow-down');
        item.contextValue = 'lineageGroup';
        return item;
      }
      case 'asset': {
        const state = element.node.children.length
          ? vscode.TreeItemCollapsibleState.Expanded
          : vscode.TreeItemCollapsibleState.None;
        return this.assetItem(element.id, element.node, state, 'asset');
      }
      case 'empty': {
        const item = new vscode.TreeItem(element.message, vscode.TreeItemCollapsibleState.None);
        item.id = element.id;
        return item;
      }
    }
  }

  private assetItem(id: string, node: LineageTreeNode, state: vscode.TreeItemCollapsibleState, role: string): vscode.TreeItem {
    const item = new vscode.TreeItem(node.key, state);
    item.id = id;
    const parts = [node.badge, node.repeated ? '↺' : ''].filter(Boolean);
    item.description = parts.join(' ');
    item.tooltip = lineageTooltip(node);
    item.iconPath = node.mismatch
      ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('editorWarning.foreground'))
      : kindIcon(node.kind);
    item.contextValue = `asset.${role}`;
    if (node.location) {
      item.command = { command: OPEN_LOCATION_COMMAND, title: 'Open definition', arguments: [node.location] };
    }
    return item;
  }

  /** The key behind a tree element (for context-menu commands). */
  static keyOf(element: unknown): string | undefined {
    const e = element as Partial<LineageItem> | undefined;
    if (e && (e.type === 'focus' || e.type === 'asset')) return (e as { node: LineageTreeNode }).node.key;
    return undefined;
  }
}

export function requestLineage(sendRequest: (method: string, params: unknown) => Promise<unknown>): LineageFetcher {
  return (params) => sendRequest(LineageRequest, params) as Promise<LineageResult>;
}
