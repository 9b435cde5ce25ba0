import * as vscode from 'vscode';
import type { AssetLocation, AssetLocationResult, WireLocation } from '../../server/src/lsp/protocol';
import { AssetLocationRequest } from '../../server/src/lsp/protocol';

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

/** Sends a request to the language server (once it is ready). */
export type RequestSender = (method: string, params: unknown) => Promise<unknown>;

/**
 * Opens where an asset is defined. An entry of a list of every asset (the key
 * picker, the graph) has its file only: its range is asked for now, for this
 * one asset. An asset gone since the list was made opens its file at the top.
 */
export async function openAsset(send: RequestSender, asset: { key: string; location?: AssetLocation }): Promise<vscode.TextEditor | undefined> {
  const loc = asset.location;
  if (!loc) return undefined;
  if (loc.range) return openLocation({ uri: loc.uri, range: loc.range });
  const found = (await send(AssetLocationRequest, { key: asset.key })) as AssetLocationResult;
  return openLocation(found ?? { uri: loc.uri, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } });
}
