import { LineIndex, type Location } from '../../model/location';
import type { DbtRefTarget, DbtSourceTarget } from '../../model/reference';

/**
 * Finds `ref(...)`, `source(...)`, `config(...)` and `{% snapshot %}` inside the
 * Jinja of a dbt SQL file, with the ranges of the name literals. Pure and
 * tolerant: half-typed calls (`{{ ref('stg_`) are skipped, never thrown on.
 */

export interface SqlConfig {
  /** literal keyword arguments of every `config(...)` call, later calls winning */
  values: Record<string, unknown>;
  schema?: string;
  materialized?: string;
  alias?: string;
  tags?: string[];
  meta?: Record<string, unknown>;
  group?: string;
  location: Location;
}

export interface SqlScan {
  /** location = the model name literal, without quotes */
  refs: { target: DbtRefTarget; location: Location }[];
  /** location = the table name literal; sourceNameLocation = the source name literal */
  sources: { target: DbtSourceTarget; location: Location; sourceNameLocation: Location }[];
  config?: SqlConfig;
  /** `{% snapshot name %}` blocks: location = the name */
  snapshots: { name: string; location: Location }[];
}

type TokType = 'str' | 'num' | 'ident' | 'punct';
interface Tok {
  type: TokType;
  value: string;
  /** absolute offsets in the file text; for strings, of the content without quotes */
  start: number;
  end: number;
  terminated: boolean;
}

/* character classes by code unit: a regular expression per character was most of a large project's SQL scan */
const isSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13) || c === 160 || (c > 255 && /\s/.test(String.fromCharCode(c)));
const isIdentStart = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isIdentPart = (c: number): boolean => isIdentStart(c) || isDigit(c);

function tokenize(text: string, from: number, to: number): Tok[] {
  const toks: Tok[] = [];
  let i = from;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      i++;
    } else if (c === 39 || c === 34) {
      // a quoted string: its value without quotes, escapes resolved; unterminated at a line end
      const start = i + 1;
      let j = start;
      let value = '';
      let chunk = start;
      let terminated = false;
      while (j < to) {
        const d = text.charCodeAt(j);
        if (d === 92 && j + 1 < to) {
          value += text.slice(chunk, j) + text[j + 1];
          j += 2;
          chunk = j;
          continue;
        }
        if (d === c) {
          terminated = true;
          break;
        }
        if (d === 10) break;
        j++;
      }
      value += text.slice(chunk, j);
      toks.push({ type: 'str', value, start, end: j, terminated });
      i = terminated ? j + 1 : j;
    } else if (isIdentStart(c)) {
      let j = i + 1;
      while (j < to && isIdentPart(text.charCodeAt(j))) j++;
      toks.push({ type: 'ident', value: text.slice(i, j), start: i, end: j, terminated: true });
      i = j;
    } else if (isDigit(c) || (c === 45 && i + 1 < text.length && isDigit(text.charCodeAt(i + 1)))) {
      let j = i + 1;
      while (j < to && (isDigit(text.charCodeAt(j)) || text.charCodeAt(j) === 46)) j++;
      toks.push({ type: 'num', value: text.slice(i, j), start: i, end: j, terminated: true });
      i = j;
    } else {
      toks.push({ type: 'punct', value: text[i], start: i, end: i + 1, terminated: true });
      i++;
    }
  }
  return toks;
}

/**
 * Offset just past a string literal opened at `i` (quote `q`): after its
 * closing quote, or at the line end when it is left open (half-typed code).
 * One forward scan: searching the whole text for the quote and for the
 * newline separately is quadratic over a long line of quotes.
 */
function skipString(text: string, i: number, q: string): number {
  for (let j = i + 1; j < text.length; j++) {
    const c = text[j];
    if (c === q) return j + 1;
    if (c === '\n') return j;
  }
  return text.length;
}

/**
 * Offset of the `}}` / `%}` closing a Jinja region that starts at `from`, or -1.
 * Like Jinja's lexer, skips strings and balanced brackets, so the `}}` of a
 * nested dict (`config(meta={'a': {'b': 1}})`) does not end the region.
 * `budget.left` bounds the characters scanned past an unbalanced region's
 * first closer, over the whole file: text like `{{ ( }}` repeated would
 * otherwise rescan to the end of the file for every region. Once spent,
 * regions close at their first closer.
 */
function regionEnd(text: string, from: number, first: '}' | '%', budget: { left: number }): number {
  let depth = 0;
  // an unbalanced region (`{{ ref('a' }}`) closes at its first closer
  let fallback = -1;
  for (let i = from; i < text.length; i++) {
    if (fallback >= 0 && --budget.left < 0) return fallback;
    const c = text[i];
    if (c === "'" || c === '"') {
      i = skipString(text, i, c) - 1;
      continue;
    }
    if (c === first && text[i + 1] === '}') {
      if (depth === 0) return i;
      if (fallback < 0) {
        if (budget.left <= 0) return i;
        fallback = i;
      }
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if ((c === ')' || c === ']' || c === '}') && depth > 0) depth--;
  }
  return fallback;
}

/** Jinja expression/statement regions `{{ }}` / `{% %}` (unclosed: to end of text); comments skipped. */
function jinjaRegions(text: string): { from: number; to: number; kind: '{{' | '{%' }[] {
  const out: { from: number; to: number; kind: '{{' | '{%' }[] = [];
  const budget = { left: 4 * text.length + 100_000 };
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf('{', i);
    if (open < 0 || open + 1 >= text.length) break;
    const next = text[open + 1];
    if (next === '#') {
      const close = text.indexOf('#}', open + 2);
      i = close < 0 ? text.length : close + 2;
    } else if (next === '{' || next === '%') {
      const close = regionEnd(text, open + 2, next === '{' ? '}' : '%', budget);
      const to = close < 0 ? text.length : close;
      out.push({ from: open + 2, to, kind: next === '{' ? '{{' : '{%' });
      i = close < 0 ? text.length : close + 2;
    } else {
      i = open + 1;
    }
  }
  return out;
}

/** One call argument: tokens `from` (inclusive) to `to` (exclusive) of the region. */
interface Arg {
  name?: string;
  from: number;
  to: number;
}

const OPENERS = new Set(['(', '[', '{']);
const CLOSERS = new Set([')', ']', '}']);

/**
 * For each opening bracket token, the index of the token closing it (any
 * closer pops the innermost opener, as Jinja's lexer balances them); -1 when
 * it is never closed. One pass, so that reading nested calls
 * (`ref(ref(ref(...)))`) is linear rather than one rescan per call.
 */
function matchBrackets(toks: Tok[]): Int32Array {
  const match = new Int32Array(toks.length).fill(-1);
  const stack: number[] = [];
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    if (t.type !== 'punct') continue;
    if (OPENERS.has(t.value)) stack.push(i);
    else if (CLOSERS.has(t.value) && stack.length) match[stack.pop()!] = i;
  }
  return match;
}

/**
 * Splits a call's arguments at top-level commas, jumping over nested
 * brackets; undefined when the call is not closed by its own `)`.
 */
function callArgs(toks: Tok[], match: Int32Array, openIdx: number): Arg[] | undefined {
  const close = match[openIdx];
  if (close < 0 || toks[close].value !== ')') return undefined;
  const args: Arg[] = [];
  let start = openIdx + 1;
  const flush = (end: number): void => {
    if (end <= start) return;
    const a = toks[start];
    const b = toks[start + 1];
    if (end - start >= 2 && a.type === 'ident' && b.value === '=' && toks[start + 2]?.value !== '=') {
      args.push({ name: a.value, from: start + 2, to: end });
    } else args.push({ from: start, to: end });
  };
  for (let i = openIdx + 1; i < close; i++) {
    const t = toks[i];
    if (t.type !== 'punct') continue;
    if (OPENERS.has(t.value)) {
      // an unclosed inner bracket swallows the rest of the call
      if (match[i] < 0 || match[i] > close) break;
      i = match[i];
    } else if (t.value === ',') {
      flush(i);
      start = i + 1;
    }
  }
  flush(close);
  return args;
}

/** A single complete string literal argument. */
function stringArg(toks: Tok[], a: Arg | undefined): Tok | undefined {
  if (!a || a.to - a.from !== 1) return undefined;
  const t = toks[a.from];
  return t.type === 'str' && t.terminated ? t : undefined;
}

/** Literals nested deeper than this are not read (config values are shallow). */
const MAX_LITERAL_DEPTH = 64;

/** Python/Jinja literal → JS value (undefined when not a literal, or nested past MAX_LITERAL_DEPTH). */
function literal(toks: Tok[], pos: { i: number; end: number; tooDeep: boolean }, depth = 0): unknown {
  if (pos.i >= pos.end) return undefined;
  const t = toks[pos.i];
  pos.i++;
  if (t.type === 'str') return t.terminated ? t.value : undefined;
  if (t.type === 'num') return Number(t.value);
  if (t.type === 'ident') {
    if (t.value === 'True' || t.value === 'true') return true;
    if (t.value === 'False' || t.value === 'false') return false;
    if (t.value === 'None' || t.value === 'none') return null;
    return undefined;
  }
  if (t.value !== '[' && t.value !== '(' && t.value !== '{') return undefined;
  if (depth >= MAX_LITERAL_DEPTH) {
    pos.tooDeep = true;
    return undefined;
  }
  const at = (k: number): string | undefined => (k < pos.end ? toks[k].value : undefined);
  if (t.value === '[' || t.value === '(') {
    const close = t.value === '[' ? ']' : ')';
    const out: unknown[] = [];
    while (pos.i < pos.end && at(pos.i) !== close) {
      out.push(literal(toks, pos, depth + 1));
      if (pos.tooDeep) return undefined;
      if (at(pos.i) === ',') pos.i++;
      else if (at(pos.i) !== close) return undefined;
    }
    pos.i++;
    return out;
  }
  const out: Record<string, unknown> = {};
  while (pos.i < pos.end && at(pos.i) !== '}') {
    const k = literal(toks, pos, depth + 1);
    if (pos.tooDeep || at(pos.i) !== ':') return undefined;
    pos.i++;
    const v = literal(toks, pos, depth + 1);
    if (pos.tooDeep) return undefined;
    if (typeof k === 'string') out[k] = v;
    if (at(pos.i) === ',') pos.i++;
    else if (at(pos.i) !== '}') return undefined;
  }
  pos.i++;
  return out;
}

function argLiteral(toks: Tok[], a: Arg): unknown {
  const pos = { i: a.from, end: a.to, tooDeep: false };
  const v = literal(toks, pos);
  return pos.i === a.to && !pos.tooDeep ? v : undefined;
}

function versionArg(toks: Tok[], args: Arg[]): string | number | undefined {
  const a = args.find((x) => x.name === 'v' || x.name === 'version');
  if (!a) return undefined;
  const v = argLiteral(toks, a);
  return typeof v === 'string' || typeof v === 'number' ? v : undefined;
}

export function scanSqlReferences(text: string, file: string): SqlScan {
  const result: SqlScan = { refs: [], sources: [], snapshots: [] };
  const lines = new LineIndex(text);
  const loc = (t: Tok): Location => ({ file, range: lines.rangeOf(t.start, t.end) });
  let config: SqlConfig | undefined;
  for (const region of jinjaRegions(text)) {
    const toks = tokenize(text, region.from, region.to);
    if (region.kind === '{%' && toks[0]?.value === 'snapshot' && toks[1]?.type === 'ident') {
      result.snapshots.push({ name: toks[1].value, location: loc(toks[1]) });
      continue;
    }
    let match: Int32Array | undefined;
    for (let i = 0; i < toks.length; i++) {
      const t = toks[i];
      if (t.type !== 'ident' || toks[i + 1]?.value !== '(') continue;
      const prev = toks[i - 1];
      if (prev && prev.value === '.' && toks[i - 2]?.value !== 'builtins') continue;
      if (t.value !== 'ref' && t.value !== 'source' && t.value !== 'config') continue;
      match ??= matchBrackets(toks);
      const args = callArgs(toks, match, i + 1);
      // an unclosed call is being typed: not a reference yet
      if (!args) continue;
      const positional = args.filter((a) => a.name === undefined);
      const str = (a: Arg | undefined): Tok | undefined => stringArg(toks, a);
      if (t.value === 'ref') {
        const named = (n: string): Tok | undefined => str(args.find((a) => a.name === n));
        let nameTok = positional.length >= 2 ? str(positional[1]) : str(positional[0]);
        let pkgTok = positional.length >= 2 ? str(positional[0]) : undefined;
        nameTok = nameTok ?? named('model_name') ?? named('name');
        pkgTok = pkgTok ?? named('package_name') ?? named('package');
        if (!nameTok || !nameTok.value) continue;
        const target: DbtRefTarget = { kind: 'dbt_ref', name: nameTok.value };
        if (pkgTok?.value) target.package = pkgTok.value;
        const version = versionArg(toks, args);
        if (version !== undefined) target.version = version;
        result.refs.push({ target, location: loc(nameTok) });
      } else if (t.value === 'source') {
        const s = str(positional[0]) ?? str(args.find((a) => a.name === 'source_name'));
        const tb = str(positional[1]) ?? str(args.find((a) => a.name === 'table_name'));
        if (!s || !tb || !s.value || !tb.value) continue;
        result.sources.push({
          target: { kind: 'dbt_source', sourceName: s.value, table: tb.value },
          location: loc(tb),
          sourceNameLocation: loc(s),
        });
      } else {
        if (!config) config = { values: {}, location: loc(t) };
        for (const a of args) {
          if (!a.name) continue;
          const v = argLiteral(toks, a);
          if (v !== undefined) config.values[a.name] = v;
        }
      }
    }
  }
  if (config) {
    const v = config.values;
    if (typeof v.schema === 'string') config.schema = v.schema;
    if (typeof v.materialized === 'string') config.materialized = v.materialized;
    if (typeof v.alias === 'string') config.alias = v.alias;
    if (typeof v.group === 'string') config.group = v.group;
    if (typeof v.tags === 'string') config.tags = [v.tags];
    else if (Array.isArray(v.tags)) config.tags = v.tags.filter((x): x is string => typeof x === 'string');
    if (v.meta && typeof v.meta === 'object' && !Array.isArray(v.meta)) config.meta = v.meta as Record<string, unknown>;
    result.config = config;
  }
  return result;
}
