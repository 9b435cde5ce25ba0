import type { Rng } from './prng';

/**
 * Mutators for reader inputs. Text mutations work on strings (the readers'
 * input); byte mutations produce invalid UTF-8 and binary junk; JSON
 * mutations change a parsed manifest's values to hostile ones, so the
 * reader sees a well-formed file with wrong shapes.
 */

/** Snippets that break parsers and position arithmetic. */
export const HOSTILE_SNIPPETS = [
  '\u0000',
  '\ufeff',
  '\r',
  '\r\n',
  '\u2028',
  '\ud83d\ude80', // astral: two UTF-16 code units
  '\ud83d', // lone high surrogate
  '\ude00', // lone low surrogate
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
  '"',
  "'",
  '"""',
  "'''",
  '`',
  '${',
  '{{',
  '}}',
  '{%',
  '%}',
  '{#',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  '\\',
  '@asset(',
  '@dbt_assets(manifest=',
  'deps=[',
  'AssetKey([',
  "ref('",
  "source('",
  '{{ ref(',
  '{{ source(',
  'asset({ key: ',
  'import ',
  'from dagster import *\n',
  '- name: ',
  ': &a [*a, *a]',
  '<<: *',
  '!!python/object:os.system',
  '../../../../etc/passwd',
  '/etc/passwd',
  'C:\\Windows\\win.ini',
  '\t',
  '    ',
  '#',
  '//',
  '/*',
  ':',
  ',',
  'null',
  '1e999999',
  '-0',
  '9'.repeat(400),
];

export type Mutator = (rng: Rng, text: string, others: readonly string[]) => string;

function span(rng: Rng, text: string): [number, number] {
  const a = rng.int(text.length + 1);
  const len = rng.chance(0.7) ? rng.int(64) : rng.int(Math.max(1, text.length - a));
  return [a, Math.min(text.length, a + len)];
}

export const TEXT_MUTATORS: Record<string, Mutator> = {
  truncate: (rng, t) => t.slice(0, rng.int(t.length + 1)),
  deleteSpan: (rng, t) => {
    const [a, b] = span(rng, t);
    return t.slice(0, a) + t.slice(b);
  },
  duplicateSpan: (rng, t) => {
    const [a, b] = span(rng, t);
    const at = rng.int(t.length + 1);
    return t.slice(0, at) + t.slice(a, b) + t.slice(at);
  },
  splice: (rng, t, others) => {
    const other = others.length ? rng.pick(others) : t;
    const [a, b] = span(rng, t);
    const [c, d] = span(rng, other);
    return t.slice(0, a) + other.slice(c, d) + t.slice(b);
  },
  insertHostile: (rng, t) => {
    let out = t;
    const n = 1 + rng.int(4);
    for (let i = 0; i < n; i++) {
      const at = rng.int(out.length + 1);
      out = out.slice(0, at) + rng.pick(HOSTILE_SNIPPETS) + out.slice(at);
    }
    return out;
  },
  replaceChar: (rng, t) => {
    if (!t.length) return t;
    const chars = t.split('');
    const n = 1 + rng.int(8);
    for (let i = 0; i < n; i++) chars[rng.int(chars.length)] = String.fromCharCode(rng.int(0x10000));
    return chars.join('');
  },
  crlf: (rng, t) => (rng.chance(0.5) ? t.replace(/\r?\n/g, '\r\n') : t.replace(/\r?\n/g, '\r')),
  astralNames: (rng, t) => t.replace(/\b([a-z_]{3,})\b/g, (m) => (rng.chance(0.2) ? `${m}\ud83d\ude80${m.slice(1)}` : m)),
  repeatLine: (rng, t) => {
    const lines = t.split('\n');
    const i = rng.int(lines.length);
    const line = lines[i] ?? '';
    const want = rng.chance(0.8) ? rng.int(50) : rng.int(5000);
    const times = Math.min(want, Math.floor(2_000_000 / (line.length + 1)));
    lines.splice(i, 0, ...new Array<string>(times).fill(line));
    return lines.join('\n');
  },
  deepNest: (rng, t) => {
    const depth = rng.chance(0.8) ? rng.int(200) : rng.int(20000);
    const [open, close] = rng.pick([
      ['(', ')'],
      ['[', ']'],
      ['{', '}'],
      ['{{ ', ' }}'],
      ['f"{', '}"'],
    ] as const);
    const at = rng.int(t.length + 1);
    const closeIt = rng.chance(0.5);
    return t.slice(0, at) + open.repeat(depth) + 'x' + (closeIt ? close.repeat(depth) : '') + t.slice(at);
  },
  /** nested calls and literals the readers interpret (not just brackets) */
  deepCall: (rng, t) => {
    const depth = rng.chance(0.7) ? rng.int(300) : rng.int(50_000);
    const [open, inner, close] = rng.pick([
      ['{{ ref(', "'x'", ') }}'],
      ['{{ config(meta=', '1', ') }}'],
      ['{{ source(', "'a', 'b'", ') }}'],
      ['AssetKey([', '"k"', '])'],
      ['deps=[', '"k"', ']'],
      ['asset({ key: ', '"k"', ' })'],
      ['- name: ', 'x', ''],
      ['{"nodes": ', '{}', '}'],
    ] as const);
    const [o, c] = rng.pick([
      ['(', ')'],
      ['[', ']'],
      ['{"a": ', '}'],
      ['ref(', ')'],
      ['AssetKey(', ')'],
    ] as const);
    const at = rng.int(t.length + 1);
    return t.slice(0, at) + open + o.repeat(depth) + inner + (rng.chance(0.7) ? c.repeat(depth) : '') + close + t.slice(at);
  },
  indentShift: (rng, t) => {
    const lines = t.split('\n');
    const i = rng.int(lines.length);
    const j = Math.min(lines.length, i + rng.int(20));
    for (let k = i; k < j; k++) lines[k] = rng.chance(0.5) ? '\t' + lines[k] : lines[k].replace(/^\s+/, '');
    return lines.join('\n');
  },
};

const TEXT_MUTATOR_NAMES = Object.keys(TEXT_MUTATORS);

/** 1–3 stacked text mutations; returns the text and the names applied. */
export function mutateText(rng: Rng, text: string, others: readonly string[]): { text: string; ops: string[] } {
  const ops: string[] = [];
  let out = text;
  // growth bound: hostile inputs are about shape, not sheer size (size has its own tests)
  const cap = Math.max(text.length * 2, text.length + 2_000_000);
  const n = 1 + rng.int(3);
  for (let i = 0; i < n; i++) {
    const name = rng.pick(TEXT_MUTATOR_NAMES);
    ops.push(name);
    out = TEXT_MUTATORS[name](rng, out, others);
    if (out.length > cap) {
      out = out.slice(0, cap);
      ops.push('cap');
    }
  }
  return { text: out, ops };
}

/** Byte-level damage: flips, invalid UTF-8 sequences, binary headers. */
export function mutateBytes(rng: Rng, bytes: Uint8Array): { bytes: Uint8Array; ops: string[] } {
  const out = Buffer.from(bytes);
  const op = rng.int(4);
  if (op === 0) {
    const n = 1 + rng.int(16);
    for (let i = 0; i < n && out.length; i++) out[rng.int(out.length)] = rng.int(256);
    return { bytes: out, ops: ['flipBytes'] };
  }
  if (op === 1) {
    const bad = rng.pick([[0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0x80]]);
    const at = rng.int(out.length + 1);
    return { bytes: Buffer.concat([out.subarray(0, at), Buffer.from(bad), out.subarray(at)]), ops: ['invalidUtf8'] };
  }
  if (op === 2) {
    const header = rng.pick([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), // PNG
      Buffer.from([0x1f, 0x8b, 0x08, 0x00]), // gzip
      Buffer.from([0x7f, 0x45, 0x4c, 0x46]), // ELF
      Buffer.from([0xff, 0xfe]), // UTF-16 BOM
      Buffer.from([0xef, 0xbb, 0xbf]), // UTF-8 BOM
    ]);
    return { bytes: Buffer.concat([header, out.subarray(0, rng.int(out.length + 1))]), ops: ['binaryHeader'] };
  }
  const junk = Buffer.alloc(1 + rng.int(4096));
  for (let i = 0; i < junk.length; i++) junk[i] = rng.int(256);
  return { bytes: junk, ops: ['randomBytes'] };
}

type Json = unknown;

/** Values a well-formed but hostile manifest might hold. */
function hostileValue(rng: Rng): Json {
  return rng.pick<() => Json>([
    () => null,
    () => 0,
    () => -1,
    () => 1e308,
    () => true,
    () => '',
    () => [],
    () => ({}),
    () => [[]],
    () => [null, 1, {}],
    () => '../../../../../../etc/passwd',
    () => '/etc/passwd',
    () => '../../outside/model.sql',
    () => 'C:\\Windows\\System32\\drivers\\etc\\hosts',
    () => 'models/\ud83d\ude80/𝔪𝔬𝔡𝔢𝔩.sql',
    () => 'x'.repeat(100_000),
    () => '\u0000\ufeff\ud800',
    () => ({ __proto__: { polluted: true } }),
    () => ({ constructor: { prototype: { polluted: true } } }),
    () => 'model.pkg.' + 'a'.repeat(rng.int(300)),
  ])();
}

/** Fields the manifest reader looks at, so mutations land where they matter. */
const INTERESTING_FIELDS = [
  'original_file_path',
  'path',
  'root_path',
  'patch_path',
  'unique_id',
  'name',
  'package_name',
  'resource_type',
  'source_name',
  'refs',
  'sources',
  'depends_on',
  'nodes',
  'config',
  'meta',
  'tags',
  'fqn',
  'version',
  'latest_version',
  'alias',
  'schema',
  'description',
  'group',
  'metadata',
  'dbt_schema_version',
  'project_name',
  'project_id',
  'materialized',
  'raw_code',
  'raw_sql',
];

function collectContainers(v: Json, out: (Record<string, Json> | Json[])[], budget: { n: number }): void {
  if (budget.n-- <= 0 || !v || typeof v !== 'object') return;
  out.push(v as Record<string, Json> | Json[]);
  const values = Array.isArray(v) ? v : Object.values(v as Record<string, Json>);
  for (const c of values) collectContainers(c, out, budget);
}

/** Mutates 1–20 values of a parsed manifest in place. */
export function mutateJson(rng: Rng, doc: Json): string[] {
  const containers: (Record<string, Json> | Json[])[] = [];
  collectContainers(doc, containers, { n: 200_000 });
  const ops: string[] = [];
  const n = 1 + rng.int(20);
  for (let i = 0; i < n && containers.length; i++) {
    const c = rng.pick(containers);
    if (Array.isArray(c)) {
      if (rng.chance(0.5) && c.length) c.splice(rng.int(c.length), 1);
      else c.push(hostileValue(rng));
      ops.push('array');
      continue;
    }
    const keys = Object.keys(c);
    const present = INTERESTING_FIELDS.filter((f) => f in c);
    const key = present.length && rng.chance(0.8) ? rng.pick(present) : keys.length ? rng.pick(keys) : rng.pick(INTERESTING_FIELDS);
    if (rng.chance(0.2)) {
      delete c[key];
      ops.push(`delete ${key}`);
    } else {
      c[key] = hostileValue(rng);
      ops.push(`set ${key}`);
    }
  }
  return ops;
}

/** `depth` nested arrays or objects, built without recursion. */
export function deeplyNestedJson(depth: number, kind: 'array' | 'object' = 'array'): string {
  const open = kind === 'array' ? '[' : '{"a":';
  const close = kind === 'array' ? ']' : '}';
  return `{"metadata":{"dbt_schema_version":"https://schemas.getdbt.com/dbt/manifest/v12.json"},"nodes":${open.repeat(depth)}1${close.repeat(depth)}}`;
}
