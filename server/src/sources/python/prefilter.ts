/**
 * Large files: tree-sitter-python parses about 1 MB/s, so before parsing a
 * big file we blank out the top-level statements that cannot matter to us
 * (no Dagster-ish words, not an import, not a string constant). Blanked
 * statements keep their newlines, so every remaining character keeps its
 * line and column.
 */

/** Files below this size are parsed whole. */
export const PREFILTER_MIN_CHARS = 128 * 1024;

const INTERESTING = /asset|Asset|Partition|Translator|dbt|Dbt|materialize|__file__|os\.path|Path\(|^\s*(?:import|from)\s/;
/** `NAME = "text"` (module constants) and `name = SomeClass(...)` (translator instances, projects). */
const KEEP_ASSIGNMENT = /^[A-Za-z_]\w*\s*(?::[^=]+)?=\s*(?:[rRuUbBfF]{0,2}["']|(?:[A-Za-z_]\w*\.)*[A-Z]\w*\()/;
const CONTINUATION = /^(?:else|elif|except|finally)\b/;

interface Chunk {
  start: number;
  end: number;
}

/** Split into top-level statements (by line), tracking brackets and strings across lines. */
function chunks(lines: string[]): Chunk[] {
  const out: Chunk[] = [];
  let depth = 0;
  let triple: string | null = null;
  let current: Chunk | null = null;
  let decoratorOnly = false;
  for (let ln = 0; ln < lines.length; ln++) {
    const line = lines[ln];
    const first = line.length ? line[0] : '';
    if (depth === 0 && !triple && first && first !== ' ' && first !== '\t' && first !== '#' && first !== '\r') {
      const cont = CONTINUATION.test(line) || (current !== null && decoratorOnly);
      if (!cont) {
        if (current) out.push(current);
        current = { start: ln, end: ln + 1 };
        decoratorOnly = first === '@';
      } else if (current) {
        decoratorOnly = decoratorOnly && first === '@';
      }
    }
    if (current) current.end = ln + 1;
    // scan the line
    let i = 0;
    let continued = false;
    while (i < line.length) {
      if (triple) {
        const j = line.indexOf(triple, i);
        if (j < 0) {
          i = line.length;
          break;
        }
        // skip escaped closers
        let k = j - 1;
        let bs = 0;
        while (k >= i && line[k] === '\\') {
          bs++;
          k--;
        }
        i = j + 3;
        if (bs % 2 === 0) triple = null;
        continue;
      }
      const c = line[i];
      if (c === '#') break;
      if (c === '"' || c === "'") {
        if (line.startsWith(c + c + c, i)) {
          triple = c + c + c;
          i += 3;
          continue;
        }
        i++;
        while (i < line.length && line[i] !== c) i += line[i] === '\\' ? 2 : 1;
        i++;
        continue;
      }
      if (c === '(' || c === '[' || c === '{') depth++;
      else if ((c === ')' || c === ']' || c === '}') && depth > 0) depth--;
      else if (c === '\\' && i === line.length - 1) continued = true;
      i++;
    }
    if (continued && current) current.end = ln + 2;
  }
  if (current) out.push(current);
  return out;
}

export function blankUninteresting(text: string): string {
  if (text.length < PREFILTER_MIN_CHARS) return text;
  const lines = text.split('\n');
  let changed = false;
  for (const c of chunks(lines)) {
    const firstLine = lines[c.start];
    if (c.end - c.start <= 3 && KEEP_ASSIGNMENT.test(firstLine)) continue;
    let keep = false;
    for (let l = c.start; l < c.end && l < lines.length; l++) {
      if (INTERESTING.test(lines[l])) {
        keep = true;
        break;
      }
    }
    if (keep) continue;
    for (let l = c.start; l < c.end && l < lines.length; l++) lines[l] = '';
    changed = true;
  }
  return changed ? lines.join('\n') : text;
}
