/** Go to definition: a key reference or ref()/source() → every location of the asset (SQL file and YAML entry). */
import type * as lsp from 'vscode-languageserver';
import type { Position } from '../model/location';
import { toLspLocation } from './convert';
import type { IndexSnapshot } from './snapshot';
import { targetAt } from './target';

export function definitionAt(s: IndexSnapshot, file: string, text: string | undefined, pos: Position): lsp.Location[] | null {
  const t = targetAt(s, file, text, pos);
  if (!t) return null;
  switch (t.kind) {
    case 'reference': {
      // a dbt source mapped onto another asset: its YAML entry is a definition too
      const all = [...t.asset.locations, ...(t.node?.locations ?? [])];
      const seen = new Set<string>();
      return all.filter((l) => {
        const k = `${l.file}:${l.range.start.line}:${l.range.start.character}`;
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      }).map(toLspLocation);
    }
    case 'definition':
      return t.asset.locations.map(toLspLocation);
    case 'dbt-node':
      return t.node.locations.length ? t.node.locations.map(toLspLocation) : null;
    case 'unresolved':
      return null;
  }
}
