import * as vscode from 'vscode';

/** The `assetLens.*` settings the server understands, as sent in initializationOptions. */
export interface AssetLensSettings {
  manifestPath: string;
  python: { include: string[]; exclude: string[] };
  typescript: { include: string[]; exclude: string[]; callNames: Record<string, string[]> };
  trace: { server: 'off' | 'messages' | 'verbose' };
}

export const SETTINGS_SECTION = 'assetLens';

export function readSettings(scope?: vscode.ConfigurationScope): AssetLensSettings {
  const c = vscode.workspace.getConfiguration(SETTINGS_SECTION, scope);
  return {
    manifestPath: c.get<string>('manifestPath', ''),
    python: {
      include: c.get<string[]>('python.include', []),
      exclude: c.get<string[]>('python.exclude', []),
    },
    typescript: {
      include: c.get<string[]>('typescript.include', []),
      exclude: c.get<string[]>('typescript.exclude', []),
      callNames: c.get<Record<string, string[]>>('typescript.callNames', {}),
    },
    trace: { server: c.get<'off' | 'messages' | 'verbose'>('trace.server', 'off') },
  };
}
