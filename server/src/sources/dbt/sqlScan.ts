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

function tokenize(text: string, from: number, to: number): Tok[] {
  const toks: Tok[] = [];
  let i = from;
  while (i < to) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'" || c === '"') {
      const start = i + 1;
      let j = start;
      let value = '';
      let terminated = false;
      while (j < to) {
        const d = text[j];
        if (d === '\\' && j + 1 < to) {
          value += text[j + 1];
          j += 2;
          continue;
        }
        if (d === c) {
          terminated = true;
          break;
        }
        if (d === '\n') break;
        value += d;
        j++;
      }
      toks.push({ type: 'str', value, start, end: j, terminated });
      i = terminated ? j + 1 : j;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < to && /[A-Za-z0-9_]/.test(text[j])) j++;
      toks.push({ type: 'ident', value: text.slice(i, j), start: i, end: j, terminated: true });
      i = j;
    } else if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(text[i + 1] ?? ''))) {
      let j = i + 1;
      while (j < to && /[0-9.]/.test(text[j])) j++;
      toks.push({ type: 'num', value: text.slice(i, j), start: i, end: j, terminated: true });
      i = j;
    } else {
      toks.push({ type: 'punct', value: c, start: i, end: i + 1, terminated: true });
      i++;
    }
  }
  return toks;
}

/**
 * Offset of the `}}` / `%}` closing a Jinja region that starts at `from`, or -1.
 * Like Jinja's lexer, skips strings and balanced brackets, so the `}}` of a
 * nested dict (`config(meta={'a': {'b': 1}})`) does not end the region.
 */
function regionEnd(text: string, from: number, first: '}' | '%'): number {
  let depth = 0;
  // an unbalanced region (`{{ ref('a' }}`) closes at its first closer
  let fallback = -1;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === "'" || c === '"') {
      const close = text.indexOf(c, i + 1);
      const nl = text.indexOf('\n', i + 1);
      // an unterminated string ends at the line end (half-typed code)
      i = close < 0 || (nl >= 0 && nl < close) ? (nl < 0 ? text.length : nl) : close;
      continue;
    }
    if (c === first && text[i + 1] === '}') {
      if (depth === 0) return i;
      if (fallback < 0) fallback = i;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if ((c === ')' || c === ']' || c === '}') && depth > 0) depth--;
  }
  return fallback;
}

/** Jinja expression/statement regions `{{ }}` / `{% %}` (unclosed: to end of text); comments skipped. */
function jinjaRegions(text: string): { from: number; to: number; kind: '{{' | '{%' }[] {
  const out: { from: number; to: number; kind: '{{' | '{%' }[] = [];
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf('{', i);
    if (open < 0 || open + 1 >= text.length) break;
    const next = text[open + 1];
    if (next === '#') {
      const close = text.indexOf('#}', open + 2);
      i = close < 0 ? text.length : close + 2;
    } else if (next === '{' || next === '%') {
      const close = regionEnd(text, open + 2, next === '{' ? '}' : '%');
      const to = close < 0 ? text.length : close;
      out.push({ from: open + 2, to, kind: next === '{' ? '{{' : '{%' });
      i = close < 0 ? text.length : close + 2;
    } else {
      i = open + 1;
    }
  }
  return out;
}

interface Arg {
  name?: string;
  tokens: Tok[];
}

/** Splits a call's arguments at top-level commas; `end` = index after `)` (or tokens.length if unclosed). */
function callArgs(toks: Tok[], openIdx: number): { args: Arg[]; end: number; closed: boolean } {
  const args: Arg[] = [];
  let depth = 0;
  let cur: Tok[] = [];
  let i = openIdx + 1;
  const flush = (): void => {
    if (cur.length === 0) return;
    if (cur.length >= 2 && cur[0].type === 'ident' && cur[1].value === '=' && cur[2]?.value !== '=') {
      args.push({ name: cur[0].value, tokens: cur.slice(2) });
    } else args.push({ tokens: cur });
    cur = [];
  };
  for (; i < toks.length; i++) {
    const t = toks[i];
    if (t.type === 'punct' && (t.value === '(' || t.value === '[' || t.value === '{')) depth++;
    if (t.type === 'punct' && (t.value === ')' || t.value === ']' || t.value === '}')) {
      if (depth === 0 && t.value === ')') {
        flush();
        return { args, end: i + 1, closed: true };
      }
      depth--;
    }
    if (depth === 0 && t.type === 'punct' && t.value === ',') {
      flush();
      continue;
    }
    cur.push(t);
  }
  flush();
  return { args, end: i, closed: false };
}

/** A single complete string literal argument. */
function stringArg(a: Arg | undefined): Tok | undefined {
  if (!a || a.tokens.length !== 1) return undefined;
  const t = a.tokens[0];
  return t.type === 'str' && t.terminated ? t : undefined;
}

/** Python/Jinja literal → JS value (undefined when not a literal). */
function literal(toks: Tok[], pos: { i: number }): unknown {
  const t = toks[pos.i];
  if (!t) return undefined;
  pos.i++;
  if (t.type === 'str') return t.terminated ? t.value : undefined;
  if (t.type === 'num') return Number(t.value);
  if (t.type === 'ident') {
    if (t.value === 'True' || t.value === 'true') return true;
    if (t.value === 'False' || t.value === 'false') return false;
    if (t.value === 'None' || t.value === 'none') return null;
    return undefined;
  }
  if (t.value === '[' || t.value === '(') {
    const close = t.value === '[' ? ']' : ')';
    const out: unknown[] = [];
    while (pos.i < toks.length && toks[pos.i].value !== close) {
      out.push(literal(toks, pos));
      if (toks[pos.i]?.value === ',') pos.i++;
      else if (toks[pos.i]?.value !== close) return undefined;
    }
    pos.i++;
    return out;
  }
  if (t.value === '{') {
    const out: Record<string, unknown> = {};
    while (pos.i < toks.length && toks[pos.i].value !== '}') {
      const k = literal(toks, pos);
      if (toks[pos.i]?.value !== ':') return undefined;
      pos.i++;
      const v = literal(toks, pos);
      if (typeof k === 'string') out[k] = v;
      if (toks[pos.i]?.value === ',') pos.i++;
      else if (toks[pos.i]?.value !== '}') return undefined;
    }
    pos.i++;
    return out;
  }
  return undefined;
}

function argLiteral(a: Arg): unknown {
  const pos = { i: 0 };
  const v = literal(a.tokens, pos);
  return pos.i === a.tokens.length ? v : undefined;
}

function versionArg(args: Arg[]): string | number | undefined {
  const a = args.find((x) => x.name === 'v' || x.name === 'version');
  if (!a) return undefined;
  const v = argLiteral(a);
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
    for (let i = 0; i < toks.length; i++) {
      const t = toks[i];
      if (t.type !== 'ident' || toks[i + 1]?.value !== '(') continue;
      const prev = toks[i - 1];
      if (prev && prev.value === '.' && toks[i - 2]?.value !== 'builtins') continue;
      if (t.value !== 'ref' && t.value !== 'source' && t.value !== 'config') continue;
      const { args, closed } = callArgs(toks, i + 1);
      // an unclosed call is being typed: not a reference yet
      if (!closed) continue;
      const positional = args.filter((a) => a.name === undefined);
      if (t.value === 'ref') {
        const named = (n: string): Tok | undefined => stringArg(args.find((a) => a.name === n));
        let nameTok = positional.length >= 2 ? stringArg(positional[1]) : stringArg(positional[0]);
        let pkgTok = positional.length >= 2 ? stringArg(positional[0]) : undefined;
        nameTok = nameTok ?? named('model_name') ?? named('name');
        pkgTok = pkgTok ?? named('package_name') ?? named('package');
        if (!nameTok || !nameTok.value) continue;
        const target: DbtRefTarget = { kind: 'dbt_ref', name: nameTok.value };
        if (pkgTok?.value) target.package = pkgTok.value;
        const version = versionArg(args);
        if (version !== undefined) target.version = version;
        result.refs.push({ target, location: loc(nameTok) });
      } else if (t.value === 'source') {
        const s = stringArg(positional[0]) ?? stringArg(args.find((a) => a.name === 'source_name'));
        const tb = stringArg(positional[1]) ?? stringArg(args.find((a) => a.name === 'table_name'));
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
          const v = argLiteral(a);
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
