/** Find references: every resolved reference to the asset under the cursor (plus its definitions on request). */
import type * as lsp from 'vscode-languageserver';
import type { Position } from '../model/location';
import { toLspLocation } from './convert';
import type { IndexSnapshot } from './snapshot';
import { targetAt } from './target';

export interface Cancellable {
  readonly isCancellationRequested: boolean;
}

export function referencesAt(
  s: IndexSnapshot,
  file: string,
  text: string | undefined,
  pos: Position,
  includeDeclaration: boolean,
  token?: Cancellable,
): lsp.Location[] | null {
  const t = targetAt(s, file, text, pos);
  if (!t || (t.kind !== 'reference' && t.kind !== 'definition')) return null;
  const out: lsp.Location[] = [];
  const seen = new Set<string>();
  const add = (l: lsp.Location) => {
    const k = `${l.uri}:${l.range.start.line}:${l.range.start.character}:${l.range.end.line}:${l.range.end.character}`;
    if (seen.has(k)) return;
    seen.add(k);
    out.push(l);
  };
  if (includeDeclaration) for (const l of t.asset.locations) add(toLspLocation(l));
  for (const r of s.graph.referencesTo(t.asset.id)) {
    if (token?.isCancellationRequested) return null;
    add(toLspLocation(r.location));
  }
  return out;
}
