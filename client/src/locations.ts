import * as vscode from 'vscode';
import type { WireLocation } from '../../server/src/lsp/protocol';

export const OPEN_LOCATION_COMMAND = 'assetLens.openLocation';

export function toRange(r: WireLocation['range']): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

/** Opens a server location in an editor with the range selected. */
export async function openLocation(location: WireLocation | undefined): Promise<vscode.TextEditor | undefined> {
  if (!location) return undefined;
  const uri = vscode.Uri.parse(location.uri);
  const range = toRange(location.range);
  return vscode.window.showTextDocument(uri, { selection: new vscode.Range(range.start, range.start), preview: true });
}
