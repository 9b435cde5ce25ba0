/**
 * Makes half-typed Python parse: closes string literals left open at the end
 * of a line, and brackets still open when a new definition starts (`def`,
 * `class`, `@`) or the file ends. Text is only ever inserted at the end of a
 * line's code, so every original character keeps its line and column (the
 * ranges we report stay valid for the text the user sees). A string left
 * open is where the user is typing: brackets opened on that line close
 * right after it (`@asset(deps=["daily_met` → `@asset(deps=["daily_met"])`).
 */

const DEF_START = /^[ \t]*(?:@|def\s|async\s+def\s|class\s)/;
const CLOSER: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

export function repairPython(text: string): string {
  const inserts: { at: number; text: string }[] = [];
  const stack: string[] = [];
  /** offset of each open bracket, parallel to `stack` */
  const opened: number[] = [];
  let lineStart = 0;
  /** offset just after the last code character (not comment / whitespace) */
  let lastCode = 0;
  let i = 0;
  const n = text.length;
  const closeBrackets = () => {
    if (!stack.length) return;
    // `deps=` with nothing after it: give the argument a value that names nothing
    const before = text.slice(Math.max(0, lastCode - 2), lastCode);
    const filler = before.endsWith('=') && !before.endsWith('==') ? '...' : '';
    inserts.push({ at: lastCode, text: filler + stack.reverse().map((b) => CLOSER[b]).join('') });
    stack.length = 0;
    opened.length = 0;
  };
  while (i < n) {
    const c = text[i];
    if (c === '#') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if (c === '"' || c === "'") {
      const triple = text.startsWith(c + c + c, i);
      const q = triple ? c + c + c : c;
      let j = i + q.length;
      let closed = false;
      while (j < n) {
        const d = text[j];
        if (d === '\\') {
          j += 2;
          continue;
        }
        if (text.startsWith(q, j)) {
          j += q.length;
          closed = true;
          break;
        }
        if (!triple && (d === '\n' || d === '\r')) break;
        j++;
      }
      if (!closed) {
        let closers = '';
        while (stack.length && opened[opened.length - 1] >= lineStart) {
          closers += CLOSER[stack.pop()!];
          opened.pop();
        }
        inserts.push({ at: j, text: q + closers });
      }
      i = j;
      lastCode = j;
      continue;
    }
    if (c === '\n') {
      i++;
      lineStart = i;
      if (stack.length) {
        const lineEnd = text.indexOf('\n', i);
        const line = text.slice(i, lineEnd < 0 ? n : lineEnd);
        if (DEF_START.test(line)) closeBrackets();
      }
      continue;
    }
    if (c === '(' || c === '[' || c === '{') {
      stack.push(c);
      opened.push(i);
    } else if (c === ')' || c === ']' || c === '}') {
      if (stack.length && CLOSER[stack[stack.length - 1]] === c) {
        stack.pop();
        opened.pop();
      }
    }
    if (c !== ' ' && c !== '\t' && c !== '\r') lastCode = i + 1;
    i++;
  }
  closeBrackets();
  if (!inserts.length) return text;
  inserts.sort((a, b) => a.at - b.at);
  let out = '';
  let pos = 0;
  for (const ins of inserts) {
    out += text.slice(pos, ins.at) + ins.text;
    pos = ins.at;
  }
  return out + text.slice(pos);
}
