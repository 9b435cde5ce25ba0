import * as vscode from 'vscode';
import type { IndexStatus } from '../../server/src/lsp/protocol';

export const SHOW_OUTPUT_COMMAND = 'assetLens.showOutput';

/** Status bar text for an index status; exported for tests. */
export function statusText(status: IndexStatus | undefined): string {
  if (!status) return '$(sync~spin) Asset Lens: starting…';
  if (status.state === 'indexing') return '$(sync~spin) Asset Lens: indexing…';
  const assets = `$(database) ${status.assets} asset${status.assets === 1 ? '' : 's'}`;
  if (status.problems > 0) return `${assets} · ${status.problems} problem${status.problems === 1 ? '' : 's'}`;
  return assets;
}

export class IndexStatusBar implements vscode.Disposable {
  readonly item: vscode.StatusBarItem;
  last: IndexStatus | undefined;

  constructor() {
    this.item = vscode.window.createStatusBarItem('assetLens.status', vscode.StatusBarAlignment.Left, 10);
    this.item.name = 'Asset Lens';
    this.item.command = SHOW_OUTPUT_COMMAND;
    this.update(undefined);
    this.item.show();
  }

  update(status: IndexStatus | undefined): void {
    this.last = status;
    this.item.text = statusText(status);
    this.item.tooltip = status?.message ?? 'Asset Lens — click to show the output';
  }

  dispose(): void {
    this.item.dispose();
  }
}
