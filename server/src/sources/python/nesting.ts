/**
 * CPython's tokenizer refuses brackets nested more than 200 deep ("too many
 * nested parentheses"), so a file nesting deeper is not a program anyone
 * runs, and tree-sitter's query cursor slows quadratically on such trees
 * (seconds per file). The reader skips these files with a diagnostic.
 */
export const MAX_PYTHON_NESTING = 200;

/** True when brackets outside strings and comments nest deeper than `limit`. One linear pass. */
export function pythonTooDeep(text: string, limit = MAX_PYTHON_NESTING): boolean {
  let depth = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text[i];
    if (c === '(' || c === '[' || c === '{') {
      if (++depth > limit) return true;
    } else if (c === ')' || c === ']' || c === '}') {
      if (depth > 0) depth--;
    } else if (c === '#') {
      while (i < n && text[i] !== '\n') i++;
    } else if (c === '"' || c === "'") {
      const triple = text[i + 1] === c && text[i + 2] === c;
      if (triple) {
        const close = text.indexOf(c + c + c, i + 3);
        // escaped closers inside triple quotes are rare; a miss only underestimates
        i = close < 0 ? n : close + 2;
      } else {
        for (i++; i < n && text[i] !== c && text[i] !== '\n'; i++) if (text[i] === '\\') i++;
      }
    }
  }
  return false;
}
