import { isAbsolute } from 'node:path';
import { isInside } from './memoryFs';

/**
 * Invariants every reader output must keep, whatever the input: each
 * Location names an absolute file inside the allowed roots and a range that
 * exists in that file's text (lines split on "\n" as the model's LineIndex
 * does, characters in UTF-16 code units, never between the two halves of a
 * surrogate pair).
 */
export interface CheckContext {
  /** allowed roots for any returned location */
  roots: string[];
  /** text of a file, for range checks (undefined: only the shape is checked) */
  textOf: (file: string) => string | undefined;
}

const lineCache = new Map<string, string[]>();
function linesOf(text: string): string[] {
  let l = lineCache.get(text);
  if (!l) {
    if (lineCache.size > 64) lineCache.clear();
    l = text.split('\n');
    lineCache.set(text, l);
  }
  return l;
}

function isPos(p: unknown): p is { line: number; character: number } {
  return !!p && typeof p === 'object' && 'line' in p && 'character' in p;
}

export function checkPosition(text: string, p: { line: number; character: number }): string | undefined {
  if (!Number.isInteger(p.line) || !Number.isInteger(p.character) || p.line < 0 || p.character < 0) return `bad position ${JSON.stringify(p)}`;
  const lines = linesOf(text);
  if (p.line >= lines.length) return `line ${p.line} past the end (${lines.length} lines)`;
  const line = lines[p.line];
  if (p.character > line.length) return `character ${p.character} past the end of line ${p.line} (${line.length} UTF-16 units)`;
  const before = line.charCodeAt(p.character - 1);
  const at = line.charCodeAt(p.character);
  if (before >= 0xd800 && before <= 0xdbff && at >= 0xdc00 && at <= 0xdfff) return `position ${p.line}:${p.character} splits a surrogate pair`;
  return undefined;
}

/** Returns human-readable violations (empty when the output is fine). */
export function checkOutput(value: unknown, ctx: CheckContext, limit = 10): string[] {
  const out: string[] = [];
  const seen = new Set<object>();
  const stack: unknown[] = [value];
  let visited = 0;
  while (stack.length && out.length < limit && visited++ < 2_000_000) {
    const v = stack.pop();
    if (!v || typeof v !== 'object') continue;
    if (seen.has(v)) continue;
    seen.add(v);
    const o = v as Record<string, unknown>;
    if (typeof o.file === 'string' && o.range && typeof o.range === 'object') {
      const file = o.file;
      const r = o.range as { start: unknown; end: unknown };
      if (!isAbsolute(file)) out.push(`location file is not absolute: ${file}`);
      else if (!ctx.roots.some((root) => isInside(root, file))) out.push(`location outside the workspace: ${file}`);
      if (!isPos(r.start) || !isPos(r.end)) out.push(`malformed range in ${file}`);
      else {
        const s = r.start;
        const e = r.end;
        if (s.line > e.line || (s.line === e.line && s.character > e.character)) out.push(`range start after end in ${file}: ${JSON.stringify(r)}`);
        const text = ctx.textOf(file);
        if (text !== undefined) {
          for (const p of [s, e]) {
            const bad = checkPosition(text, p);
            if (bad) out.push(`${file}: ${bad}`);
          }
        }
      }
    }
    if (o.code !== undefined && o.severity !== undefined && o.message !== undefined) {
      if (!['error', 'warning', 'info'].includes(String(o.severity))) out.push(`diagnostic with severity ${String(o.severity)}`);
      if (typeof o.message !== 'string' || !o.message) out.push(`diagnostic without a message (${String(o.code)})`);
    }
    if (v instanceof Map) for (const [k, x] of v) stack.push(k, x);
    else if (v instanceof Set) for (const x of v) stack.push(x);
    else for (const x of Object.values(o)) if (x && typeof x === 'object') stack.push(x);
  }
  return out;
}
