/**
 * Quick fixes: "Replace with 'x'" for diagnostics that carry a did-you-mean
 * suggestion. The edit goes back to the client; the server writes no files.
 */
import type * as lsp from 'vscode-languageserver';
import { LineIndex } from '../model/location';
import { DIAGNOSTIC_SOURCE, toLspRange } from './convert';
import type { IndexSnapshot } from './snapshot';

function overlaps(a: lsp.Range, b: lsp.Range): boolean {
  const before = (p: lsp.Position, q: lsp.Position) => p.line < q.line || (p.line === q.line && p.character < q.character);
  return !before(a.end, b.start) && !before(b.end, a.start);
}

function suggestionOf(d: lsp.Diagnostic): string | undefined {
  const data = d.data as { suggestion?: unknown } | undefined;
  return typeof data?.suggestion === 'string' ? data.suggestion : undefined;
}

/**
 * The edits that put `suggestion` into `range`. A diagnostic range may span
 * more than the key's string (`["daily_metricz"]`, `AssetKey("a", "b")`):
 * then only the string contents change — one literal takes the whole key,
 * several literals take one key part each — so quotes and brackets survive.
 */
export function replacementEdits(text: string | undefined, range: lsp.Range, suggestion: string): lsp.TextEdit[] {
  if (text === undefined) return [{ range, newText: suggestion }];
  const index = new LineIndex(text);
  const start = index.offsetAt(range.start);
  const end = index.offsetAt(range.end);
  const covered = text.slice(start, end);
  const literals: { from: number; to: number }[] = [];
  const re = /(["'])((?:\\.|(?!\1)[^\\\n])*)\1/g;
  for (let m = re.exec(covered); m; m = re.exec(covered)) {
    literals.push({ from: start + m.index + 1, to: start + m.index + 1 + m[2].length });
  }
  if (literals.length === 0) return [{ range, newText: suggestion }];
  const parts = suggestion.split('/');
  if (literals.length === 1) return [{ range: index.rangeOf(literals[0].from, literals[0].to), newText: suggestion }];
  if (parts.length === literals.length) {
    return literals.map((l, i) => ({ range: index.rangeOf(l.from, l.to), newText: parts[i] }));
  }
  return [{ range, newText: suggestion }];
}

export function quickFixes(s: IndexSnapshot, file: string, uri: string, params: lsp.CodeActionParams, text?: string): lsp.CodeAction[] {
  const only = params.context.only;
  if (only && !only.some((k) => k === 'quickfix' || 'quickfix'.startsWith(k + '.') || k === '')) return [];
  const candidates: lsp.Diagnostic[] = params.context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE && suggestionOf(d) !== undefined);
  // Clients that drop `data` still get fixes: fall back to the index's diagnostics at the range.
  if (candidates.length === 0) {
    for (const d of s.diagnostics.get(file) ?? []) {
      if (d.suggestion === undefined) continue;
      const r = toLspRange(d.location.range);
      if (!overlaps(r, params.range)) continue;
      candidates.push({ range: r, message: d.message, code: d.code, source: DIAGNOSTIC_SOURCE, data: { suggestion: d.suggestion } });
    }
  }
  const out: lsp.CodeAction[] = [];
  const seen = new Set<string>();
  for (const d of candidates) {
    const suggestion = suggestionOf(d)!;
    const k = `${JSON.stringify(d.range)}|${suggestion}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push({
      title: `Replace with '${suggestion}'`,
      kind: 'quickfix',
      diagnostics: [d],
      isPreferred: true,
      edit: { changes: { [uri]: replacementEdits(text, d.range, suggestion) } },
    });
  }
  return out;
}
