import { LineIndex, type Position } from '../model/location';

/**
 * Keeps every range a reader returns for `file` inside `text`, the text the
 * user sees. The Python reader parses a repaired copy (python/repair.ts
 * inserts closers at line ends), and tree-sitter's error recovery can end a
 * node inside the inserted text, past the end of the user's line; a client
 * rejects or misplaces such a range. A position past its line's end moves to
 * that end, one past the last line to the end of the text, one between the
 * halves of a surrogate pair to before the pair. Mutates in place.
 */
export function clampRanges(value: unknown, file: string, text: string): void {
  const lines = new LineIndex(text);
  const clamp = (p: Position): void => {
    let offset = lines.offsetAt(p);
    const code = text.charCodeAt(offset);
    const before = text.charCodeAt(offset - 1);
    if (code >= 0xdc00 && code <= 0xdfff && before >= 0xd800 && before <= 0xdbff) offset--;
    const q = lines.positionAt(offset);
    if (q.line !== p.line || q.character !== p.character) {
      p.line = q.line;
      p.character = q.character;
    }
  };
  const seen = new Set<object>();
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (!v || typeof v !== 'object' || seen.has(v)) continue;
    seen.add(v);
    if (v instanceof Map) {
      for (const [k, x] of v) stack.push(k, x);
      continue;
    }
    if (v instanceof Set || Array.isArray(v)) {
      for (const x of v) stack.push(x);
      continue;
    }
    const o = v as Record<string, unknown>;
    if (o.file === file && isRange(o.range)) {
      clamp(o.range.start);
      clamp(o.range.end);
    }
    for (const k in o) {
      const x = o[k];
      if (x && typeof x === 'object') stack.push(x);
    }
  }
}

function isPosition(p: unknown): p is Position {
  return !!p && typeof p === 'object' && typeof (p as Position).line === 'number' && typeof (p as Position).character === 'number';
}

function isRange(r: unknown): r is { start: Position; end: Position } {
  return !!r && typeof r === 'object' && isPosition((r as { start: unknown }).start) && isPosition((r as { end: unknown }).end);
}
