/**
 * Where is the cursor, in terms of asset keys? A pure, lexical answer: the
 * text is tokenised forward up to (and including) the string literal under the
 * cursor, keeping a stack of open brackets with the call name in front of each
 * `(` and the keyword (`deps=`, `selection:`) each argument is passed under.
 * Half-typed code is the normal case here: unterminated strings end at the end
 * of their line and unclosed brackets simply stay on the stack.
 */

export type CompletionLanguage = 'python' | 'typescript' | 'sql';

export type KeyCompletionKind =
  /** a whole key as a path string, "a/b" for multi-part keys (selections, AssetKey.from_user_string) */
  | 'key-path'
  /** a string that is ONE key part: `AssetKey("…")`, `deps=["…"]`, `AssetIn(key="…")`, TS `key: "…"` */
  | 'key-single'
  /** `AssetKey(["a", "…"])`: part `partIndex` of a key whose earlier parts are `previousParts` */
  | 'key-part'
  /** `ref('…')`, `get_asset_key_for_model([...], "…")` */
  | 'dbt-model'
  /** `ref('m', v=…)` / `ref('m', version='…')` */
  | 'dbt-model-version'
  /** `source('…')`, `get_asset_key_for_source([...], "…")` */
  | 'dbt-source'
  /** `source('s', '…')` */
  | 'dbt-source-table';

export interface KeyCompletionContext {
  kind: KeyCompletionKind;
  /** how the key is written: deps | asset_key | asset_in | selection | asset_dep | key_prop | model_lookup | source_lookup | sql_ref | sql_source */
  form: string;
  /** text between the opening quote and the cursor */
  prefix: string;
  /** offsets of the text to replace: after the opening quote up to the closing quote (or the end of the typed word) */
  replaceStart: number;
  replaceEnd: number;
  quote: string;
  /**
   * Offsets of the whole literal, quotes included: from the opening quote (a
   * string prefix such as r"…" excluded) to after the closing quote, or to
   * `replaceEnd` when unterminated. For edits that replace the literal itself.
   */
  literalStart: number;
  literalEnd: number;
  /** key-part: which part is being typed */
  partIndex?: number;
  /** key-part: the literal parts before it (undefined entries = not a literal) */
  previousParts?: (string | undefined)[];
  /** dbt-source-table: the source's name */
  sourceName?: string;
  /** dbt-model: `ref('pkg', '…')` package */
  packageName?: string;
  /** dbt-model-version: the model's name */
  modelName?: string;
}

interface StringToken {
  type: 'string';
  start: number;
  /** offset after the closing quote, or of the end of the line when unterminated */
  end: number;
  valueStart: number;
  valueEnd: number;
  closed: boolean;
  quote: string;
  /** offset of the opening quote (after any r/f/b prefix) */
  quoteStart: number;
}
interface WordToken {
  type: 'ident' | 'punct' | 'number';
  start: number;
  end: number;
  text: string;
}
type Token = StringToken | WordToken;

/** Don't tokenise more than this much text before the cursor (a few MB of code is still fast). */
const MAX_SCAN = 2_000_000;

export function languageOf(languageId: string | undefined, file: string): CompletionLanguage | undefined {
  const id = (languageId ?? '').toLowerCase();
  if (id === 'python') return 'python';
  if (id === 'typescript' || id === 'typescriptreact' || id === 'javascript' || id === 'javascriptreact') return 'typescript';
  if (id === 'sql' || id === 'jinja-sql' || id === 'jinja' || id === 'dbt' || id === 'jinja_sql') return 'sql';
  const lower = file.toLowerCase();
  if (lower.endsWith('.py') || lower.endsWith('.pyi')) return 'python';
  if (/\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/.test(lower)) return 'typescript';
  if (lower.endsWith('.sql')) return 'sql';
  return undefined;
}

const KEY_CHAR = /[A-Za-z0-9_.\-/]/;

/** The key-completion context at `offset`, or undefined when the cursor is not in a key position. */
export function completionContextAt(text: string, language: CompletionLanguage, offset: number): KeyCompletionContext | undefined {
  if (offset < 0 || offset > text.length) return undefined;
  const scanFrom = Math.max(0, offset - MAX_SCAN);
  const tokens = language === 'sql' ? tokenizeJinja(text, scanFrom, offset) : tokenizeCode(text, language, scanFrom, offset);
  const last = tokens[tokens.length - 1];
  if (!last || last.type !== 'string') return undefined;
  if (!(last.valueStart <= offset && (last.closed ? offset <= last.valueEnd : offset <= last.end))) return undefined;
  const before = tokens.slice(0, -1);
  const frames = bracketFrames(before, text);
  const where = classify(frames, language);
  if (!where) return undefined;
  let replaceEnd: number;
  if (last.closed) replaceEnd = last.valueEnd;
  else {
    replaceEnd = offset;
    while (replaceEnd < text.length && KEY_CHAR.test(text[replaceEnd])) replaceEnd++;
  }
  return {
    ...where,
    prefix: text.slice(last.valueStart, offset),
    replaceStart: last.valueStart,
    replaceEnd,
    quote: last.quote,
    literalStart: last.quoteStart,
    literalEnd: last.closed ? last.end : replaceEnd,
  };
}

// ---------------------------------------------------------------------------
// Tokenisers

const isIdentStart = (c: string) => /[A-Za-z_$]/.test(c) || c.charCodeAt(0) > 127;
const isIdentPart = (c: string) => /[A-Za-z0-9_$]/.test(c) || c.charCodeAt(0) > 127;

/** Reads a quoted string at `i`; single-line quotes end at the end of the line when unterminated. */
function readString(text: string, i: number, quote: string, triple: boolean, start: number): StringToken {
  const q = triple ? quote.repeat(3) : quote;
  let j = i + q.length;
  const valueStart = j;
  while (j < text.length) {
    const c = text[j];
    if (c === '\\') {
      j += 2;
      continue;
    }
    if (!triple && quote !== '`' && (c === '\n' || c === '\r')) {
      return { type: 'string', start, end: j, valueStart, valueEnd: j, closed: false, quote, quoteStart: i };
    }
    if (text.startsWith(q, j)) {
      return { type: 'string', start, end: j + q.length, valueStart, valueEnd: j, closed: true, quote, quoteStart: i };
    }
    j++;
  }
  return { type: 'string', start, end: text.length, valueStart, valueEnd: text.length, closed: false, quote, quoteStart: i };
}

/** Python and TypeScript: strings, comments, identifiers, punctuation. Stops after the token holding `stop`. */
function tokenizeCode(text: string, language: 'python' | 'typescript', from: number, stop: number): Token[] {
  const tokens: Token[] = [];
  let i = lineStart(text, from);
  while (i < text.length && i < stop) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\\') {
      i++;
      continue;
    }
    if (language === 'python' && c === '#') {
      i = endOfLine(text, i);
      continue;
    }
    if (language === 'typescript' && c === '/' && text[i + 1] === '/') {
      i = endOfLine(text, i);
      continue;
    }
    if (language === 'typescript' && c === '/' && text[i + 1] === '*') {
      const e = text.indexOf('*/', i + 2);
      i = e < 0 ? text.length : e + 2;
      continue;
    }
    if (c === '"' || c === "'" || (c === '`' && language === 'typescript')) {
      const triple = language === 'python' && text.startsWith(c.repeat(3), i);
      const s = readString(text, i, c, triple, i);
      tokens.push(s);
      i = s.end;
      continue;
    }
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < text.length && isIdentPart(text[j])) j++;
      // Python string prefixes: r"…", f'…', rb"…"
      if (language === 'python' && j - i <= 2 && /^[rRbBfFuU]{1,2}$/.test(text.slice(i, j)) && (text[j] === '"' || text[j] === "'")) {
        const q = text[j];
        const triple = text.startsWith(q.repeat(3), j);
        const s = readString(text, j, q, triple, i);
        tokens.push(s);
        i = s.end;
        continue;
      }
      tokens.push({ type: 'ident', start: i, end: j, text: text.slice(i, j) });
      i = j;
      continue;
    }
    if (/[0-9]/.test(c)) {
      let j = i + 1;
      while (j < text.length && /[0-9A-Za-z_.]/.test(text[j])) j++;
      tokens.push({ type: 'number', start: i, end: j, text: text.slice(i, j) });
      i = j;
      continue;
    }
    // two-character operators that must not look like `=` / `:` keyword markers
    const two = text.slice(i, i + 2);
    if (['==', '!=', '<=', '>=', ':=', '=>', '**', '//', '->', '::'].includes(two)) {
      const three = text.slice(i, i + 3);
      const len = three === '===' || three === '!==' ? 3 : 2;
      tokens.push({ type: 'punct', start: i, end: i + len, text: text.slice(i, i + len) });
      i += len;
      continue;
    }
    tokens.push({ type: 'punct', start: i, end: i + 1, text: c });
    i++;
  }
  return tokens;
}

/**
 * dbt SQL: only Jinja matters (`{{ … }}`, `{% … %}`); SQL text and `{# … #}`
 * comments are skipped. Brackets never carry over from one Jinja block to the next.
 */
function tokenizeJinja(text: string, from: number, stop: number): Token[] {
  let tokens: Token[] = [];
  let i = lineStart(text, from);
  while (i < text.length && i < stop) {
    const open = nextJinjaOpen(text, i);
    if (open < 0 || open >= stop) return [];
    if (text.startsWith('{#', open)) {
      const e = text.indexOf('#}', open + 2);
      if (e < 0) return [];
      i = e + 2;
      continue;
    }
    const closer = text[open + 1] === '{' ? '}}' : '%}';
    tokens = [];
    let j = open + 2;
    let closed = false;
    while (j < text.length && j < stop) {
      const c = text[j];
      if (text.startsWith(closer, j)) {
        j += 2;
        closed = true;
        break;
      }
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '-' && (text[j + 1] === '}' || text[j + 1] === '%')) {
        j++;
        continue;
      }
      if (c === '"' || c === "'") {
        const s = readString(text, j, c, false, j);
        tokens.push(s);
        j = s.end;
        continue;
      }
      if (isIdentStart(c)) {
        let k = j + 1;
        while (k < text.length && isIdentPart(text[k])) k++;
        tokens.push({ type: 'ident', start: j, end: k, text: text.slice(j, k) });
        j = k;
        continue;
      }
      if (/[0-9]/.test(c)) {
        let k = j + 1;
        while (k < text.length && /[0-9.]/.test(text[k])) k++;
        tokens.push({ type: 'number', start: j, end: k, text: text.slice(j, k) });
        j = k;
        continue;
      }
      const two = text.slice(j, j + 2);
      if (['==', '!=', '<=', '>='].includes(two)) {
        tokens.push({ type: 'punct', start: j, end: j + 2, text: two });
        j += 2;
        continue;
      }
      tokens.push({ type: 'punct', start: j, end: j + 1, text: c });
      j++;
    }
    if (!closed) return tokens;
    if (j > stop) return tokens;
    tokens = [];
    i = j;
  }
  return tokens;
}

function nextJinjaOpen(text: string, i: number): number {
  for (let j = i; j < text.length - 1; j++) {
    if (text[j] === '{' && (text[j + 1] === '{' || text[j + 1] === '%' || text[j + 1] === '#')) return j;
  }
  return -1;
}

function lineStart(text: string, offset: number): number {
  if (offset <= 0) return 0;
  const nl = text.lastIndexOf('\n', offset - 1);
  return nl + 1;
}

function endOfLine(text: string, i: number): number {
  const nl = text.indexOf('\n', i);
  return nl < 0 ? text.length : nl;
}

// ---------------------------------------------------------------------------
// Bracket frames

interface Frame {
  bracket: '(' | '[' | '{';
  /** dotted call name before `(` ("AssetSelection.assets", "dg.AssetKey") */
  callee?: string;
  /** the keyword the parent frame was passing when this bracket opened */
  openedUnder?: string;
  /** current argument's keyword (`deps=` / `selection:`) */
  keyword?: string;
  /** 0-based position of the current argument/element (commas at this level) */
  argIndex: number;
  /** number of positional arguments before the current one */
  positionalBefore: number;
  /** literal string values of earlier elements, by index */
  literals: (string | undefined)[];
  /** the current element had something other than one string literal */
  currentIsLiteral: boolean | undefined;
  currentLiteral?: string;
}

function bracketFrames(tokens: Token[], text: string): Frame[] {
  const stack: Frame[] = [];
  const top = () => stack[stack.length - 1];
  const markElement = (tok: Token, text: string | undefined) => {
    const f = top();
    if (!f) return;
    if (f.currentIsLiteral === undefined && tok.type === 'string') {
      f.currentIsLiteral = true;
      f.currentLiteral = text;
    } else {
      f.currentIsLiteral = false;
      f.currentLiteral = undefined;
    }
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.type === 'punct') {
      if (t.text === '(' || t.text === '[' || t.text === '{') {
        const parent = top();
        markElement(t, undefined);
        const frame: Frame = {
          bracket: t.text,
          openedUnder: parent?.keyword,
          argIndex: 0,
          positionalBefore: 0,
          literals: [],
          currentIsLiteral: undefined,
        };
        if (t.text === '(') frame.callee = calleeBefore(tokens, i);
        stack.push(frame);
        continue;
      }
      if (t.text === ')' || t.text === ']' || t.text === '}') {
        // pop to the matching bracket; a stray closer is ignored
        const want = t.text === ')' ? '(' : t.text === ']' ? '[' : '{';
        for (let k = stack.length - 1; k >= 0; k--) {
          if (stack[k].bracket === want) {
            stack.length = k;
            break;
          }
        }
        markElement(t, undefined);
        continue;
      }
      if (t.text === ',') {
        const f = top();
        if (f) {
          f.literals[f.argIndex] = f.currentIsLiteral ? f.currentLiteral : undefined;
          if (!f.keyword) f.positionalBefore++;
          f.argIndex++;
          f.keyword = undefined;
          f.currentIsLiteral = undefined;
          f.currentLiteral = undefined;
        }
        continue;
      }
      if (t.text === '=' || t.text === ':') {
        const f = top();
        const prev = tokens[i - 1];
        // `name=` in a call / `name:` in an object literal, right at the start of an argument
        const prevPrev = tokens[i - 2];
        const startsArg =
          !prevPrev || (prevPrev.type === 'punct' && [',', '(', '[', '{'].includes(prevPrev.text));
        if (f && prev && startsArg && (prev.type === 'ident' || (prev.type === 'string' && t.text === ':'))) {
          f.keyword = prev.type === 'ident' ? prev.text : undefined;
          f.currentIsLiteral = undefined;
          f.currentLiteral = undefined;
          continue;
        }
        markElement(t, undefined);
        continue;
      }
      markElement(t, undefined);
      continue;
    }
    if (t.type === 'string') {
      markElement(t, t.closed ? text.slice(t.valueStart, t.valueEnd) : undefined);
      continue;
    }
    // a keyword candidate (`deps` before `=`) is not yet an element
    const next = tokens[i + 1];
    if (t.type === 'ident' && next && next.type === 'punct' && (next.text === '=' || next.text === ':')) continue;
    markElement(t, undefined);
  }
  return stack;
}

function calleeBefore(tokens: Token[], parenIndex: number): string | undefined {
  const parts: string[] = [];
  let k = parenIndex - 1;
  while (k >= 0) {
    const t = tokens[k];
    if (t.type !== 'ident') break;
    parts.unshift(t.text);
    const dot = tokens[k - 1];
    if (dot && dot.type === 'punct' && (dot.text === '.' || dot.text === '?.') && dot.end === t.start) {
      k -= 2;
      continue;
    }
    if (dot && dot.type === 'punct' && dot.text === '.') {
      k -= 2;
      continue;
    }
    break;
  }
  return parts.length ? parts.join('.') : undefined;
}

// ---------------------------------------------------------------------------
// Classification

type Where = Omit<KeyCompletionContext, 'prefix' | 'replaceStart' | 'replaceEnd' | 'quote' | 'literalStart' | 'literalEnd'>;

const lastName = (callee: string | undefined) => (callee ? callee.slice(callee.lastIndexOf('.') + 1) : '');

const partsOf = (f: Frame, form: string): Where => ({
  kind: 'key-part',
  form,
  partIndex: f.argIndex,
  previousParts: Array.from({ length: f.argIndex }, (_, i) => f.literals[i]),
});

const SELECTION_CALL = /(^|\.)AssetSelection\.(assets|keys|key_prefixes|upstream|downstream)$/;
const ASSET_KEY_CALL = (name: string) => name === 'AssetKey';
const USER_STRING_CALL = /(^|\.)AssetKey\.(from_user_string|fromUserString)$/;

/**
 * Which key form a string at the top of `frames` is in. Dagster's rules (and the
 * TS convention's): a plain string in deps=, AssetIn(key=), AssetDep(), key: or
 * AssetKey("…") is ONE key part; selection strings and from_user_string take "a/b" paths;
 * a list is a key's parts.
 */
function classify(frames: Frame[], language: CompletionLanguage): Where | undefined {
  const f = frames[frames.length - 1];
  if (!f) return undefined;
  const parent = frames[frames.length - 2];
  if (language === 'sql') return classifyJinja(f);

  const name = lastName(f.callee);
  if (f.bracket === '(') {
    // the string is an argument of a call
    if (f.callee && USER_STRING_CALL.test(f.callee)) return f.argIndex === 0 ? { kind: 'key-path', form: 'asset_key' } : undefined;
    if (ASSET_KEY_CALL(name)) {
      if ((!f.keyword && f.argIndex === 0) || f.keyword === 'path') return { kind: 'key-single', form: 'asset_key' };
      return undefined;
    }
    if (name === 'AssetIn' || name === 'assetIn') {
      if (f.keyword === 'key' || (!f.keyword && f.argIndex === 0)) return { kind: 'key-single', form: 'asset_in' };
      return undefined;
    }
    if (name === 'AssetDep' || name === 'assetDep') {
      if (f.keyword === 'asset' || (!f.keyword && f.argIndex === 0)) return { kind: 'key-single', form: 'asset_dep' };
      return undefined;
    }
    if (f.callee && SELECTION_CALL.test(f.callee)) return { kind: 'key-path', form: 'selection' };
    if (name === 'get_asset_key_for_model' && (f.argIndex === 1 || f.keyword === 'model_name')) {
      return { kind: 'dbt-model', form: 'model_lookup' };
    }
    if (name === 'get_asset_key_for_source' && (f.argIndex === 1 || f.keyword === 'source_name')) {
      return { kind: 'dbt-source', form: 'source_lookup' };
    }
    if (f.keyword === 'selection' && /job|Job|schedule|sensor|materialize/.test(name)) return { kind: 'key-path', form: 'selection' };
    if (f.keyword === 'asset' && /asset_check|assetCheck|AssetCheckSpec/.test(name)) return { kind: 'key-single', form: 'asset_key' };
    return undefined;
  }
  if (f.bracket === '[') {
    const pname = lastName(parent?.callee);
    // AssetKey(["a", "…"]) / AssetKey(path=[...])
    if (parent?.bracket === '(' && ASSET_KEY_CALL(pname) && ((!f.openedUnder && parent.argIndex === 0) || f.openedUnder === 'path')) {
      return partsOf(f, 'asset_key');
    }
    // AssetSelection.keys(["a", "b"]): one key's parts
    if (parent?.bracket === '(' && parent.callee && SELECTION_CALL.test(parent.callee)) return partsOf(f, 'selection');
    // deps=[["a", "b"]] / selection: [['a', 'b']]
    if (parent?.bracket === '[' && (parent.openedUnder === 'deps' || parent.openedUnder === 'selection')) {
      return partsOf(f, parent.openedUnder);
    }
    if (f.openedUnder === 'deps') return { kind: 'key-single', form: 'deps' };
    if (f.openedUnder === 'selection') return { kind: 'key-path', form: 'selection' };
    return undefined;
  }
  // object literal `{ key: "…" }` (TS) — only inside an asset-ish call
  if (f.bracket === '{' && f.keyword === 'key') {
    for (let k = frames.length - 2; k >= 0; k--) {
      const c = lastName(frames[k].callee);
      if (frames[k].bracket === '(' && /^(asset|assetSpec|AssetSpec|multiAsset|assetIn|AssetIn|AssetOut|assetOut|defineAsset|assetDep|AssetDep)$/.test(c)) {
        return { kind: 'key-single', form: 'key_prop' };
      }
    }
  }
  if (f.bracket === '{' && f.keyword === 'selection') return { kind: 'key-path', form: 'selection' };
  return undefined;
}

function classifyJinja(f: Frame): Where | undefined {
  if (f.bracket !== '(') return undefined;
  const name = lastName(f.callee);
  if (name === 'ref') {
    if (f.keyword === 'v' || f.keyword === 'version') {
      const positional = f.literals.filter((_, i) => i < f.argIndex);
      const model = positional[positional.length - 1];
      return model ? { kind: 'dbt-model-version', form: 'sql_ref', modelName: model, packageName: positional.length > 1 ? positional[0] : undefined } : undefined;
    }
    if (f.keyword) return undefined;
    if (f.argIndex === 0) return { kind: 'dbt-model', form: 'sql_ref' };
    if (f.argIndex === 1) {
      const pkg = f.literals[0];
      return pkg ? { kind: 'dbt-model', form: 'sql_ref', packageName: pkg } : undefined;
    }
    return undefined;
  }
  if (name === 'source') {
    if (f.keyword) return undefined;
    if (f.argIndex === 0) return { kind: 'dbt-source', form: 'sql_source' };
    if (f.argIndex === 1) {
      const src = f.literals[0];
      return src ? { kind: 'dbt-source-table', form: 'sql_source', sourceName: src } : undefined;
    }
  }
  return undefined;
}
