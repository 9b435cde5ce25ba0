import * as vscode from 'vscode';

/** Codicon per asset kind; distinct so the tree reads at a glance. */
const KIND_ICONS: Record<string, string> = {
  dbt_model: 'table',
  dbt_source: 'plug',
  dbt_seed: 'file',
  dbt_snapshot: 'history',
  python: 'symbol-method',
  ts: 'symbol-function',
};

const KIND_LABELS: Record<string, string> = {
  dbt_model: 'dbt model',
  dbt_source: 'dbt source',
  dbt_seed: 'dbt seed',
  dbt_snapshot: 'dbt snapshot',
  python: 'python',
  ts: 'typescript',
};

export function kindIconId(kind: string): string {
  return KIND_ICONS[kind] ?? 'symbol-misc';
}

export function kindIcon(kind: string): vscode.ThemeIcon {
  return new vscode.ThemeIcon(kindIconId(kind));
}

export function kindLabel(kind: string): string {
  return KIND_LABELS[kind] ?? kind;
}
