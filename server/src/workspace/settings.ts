/** Settings a user can give (VS Code `assetLens.*`, CLI flags, LSP initializationOptions). */
export interface WorkspaceSettings {
  /** manifest path, absolute or relative to each dbt project root (default target/manifest.json) */
  manifestPath?: string;
  pythonInclude: string[];
  pythonExclude: string[];
  typescriptInclude: string[];
  typescriptExclude: string[];
  /** recognised TS call names, e.g. { asset: ["asset", "defineAsset"] } */
  typescriptCallNames?: Record<string, string[]>;
  /** files above this size are skipped with a log line */
  maxFileBytes: number;
}

export const DEFAULT_SETTINGS: WorkspaceSettings = {
  pythonInclude: ['**/*.py'],
  pythonExclude: ['**/.venv/**', '**/venv/**', '**/site-packages/**', '**/__pycache__/**', '**/node_modules/**'],
  typescriptInclude: ['**/*.ts', '**/*.tsx'],
  typescriptExclude: ['**/node_modules/**', '**/*.d.ts', '**/dist/**', '**/out/**'],
  maxFileBytes: 20 * 1024 * 1024,
};

export function withDefaults(s: Partial<WorkspaceSettings> | undefined): WorkspaceSettings {
  const out: WorkspaceSettings = { ...DEFAULT_SETTINGS };
  for (const [k, v] of Object.entries(s ?? {})) {
    if (v !== undefined && v !== null) (out as unknown as Record<string, unknown>)[k] = v;
  }
  return out;
}
