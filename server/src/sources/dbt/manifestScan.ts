/**
 * A skipping scanner over manifest.json bytes. Most of a manifest is text the
 * index never looks at: `raw_code`, `compiled_code`, `columns`, macros, docs,
 * parent/child maps. JSON.parse materialises all of it (and the whole file as
 * one string first); this walks the bytes, steps over those values with
 * memchr-speed string skips, and JSON.parses only the small values the reader
 * keeps. The result has the shape of `JSON.parse(text)` restricted to
 * `metadata` and, for each node of the node collections, the fields below.
 *
 * It does not validate what it skips. Anything it does not expect (a
 * truncated file, a non-object where an object belongs, a `__proto__` key)
 * makes it return undefined, and the caller parses the file in full.
 */

/** Top-level collections whose entries become DbtNodes (manifest.ts COLLECTIONS). */
export const SCANNED_COLLECTIONS = ['nodes', 'sources', 'exposures', 'unit_tests', 'metrics', 'semantic_models', 'saved_queries'];

/** Node fields manifest.ts reads; every other field is skipped unread. */
export const SCANNED_NODE_FIELDS = [
  'unique_id',
  'resource_type',
  'package_name',
  'name',
  'tags',
  'config',
  'fqn',
  'depends_on',
  'refs',
  'sources',
  'source_name',
  'alias',
  'version',
  'latest_version',
  'meta',
  'original_file_path',
  'description',
  'group',
  'patch_path',
  'checksum',
];

/** `config` fields manifest.ts reads. */
export const SCANNED_CONFIG_FIELDS = ['tags', 'schema', 'alias', 'materialized', 'meta', 'group'];

/** `depends_on` fields manifest.ts reads. */
export const SCANNED_DEPENDS_ON_FIELDS = ['nodes'];

type Json = Record<string, unknown>;

class Unexpected extends Error {}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const NULL_BYTES = Buffer.from('null');
const TRUE_BYTES = Buffer.from('true');
const FALSE_BYTES = Buffer.from('false');

/** Field names as bytes, bucketed by length, so a key is matched without decoding it. */
class FieldSet {
  private readonly byLength = new Map<number, { bytes: Uint8Array; name: string }[]>();
  constructor(names: string[]) {
    for (const name of names) {
      const bytes = Buffer.from(name, 'latin1');
      const list = this.byLength.get(bytes.length) ?? [];
      list.push({ bytes, name });
      this.byLength.set(bytes.length, list);
    }
  }
  /** The field name the key bytes [start, end) spell, if wanted. */
  match(buf: Uint8Array, start: number, end: number): string | undefined {
    const list = this.byLength.get(end - start);
    if (!list) return undefined;
    outer: for (const { bytes, name } of list) {
      for (let i = 0; i < bytes.length; i++) if (buf[start + i] !== bytes[i]) continue outer;
      return name;
    }
    return undefined;
  }
}

const NODE_FIELDS = new FieldSet(SCANNED_NODE_FIELDS);
const CONFIG_FIELDS = new FieldSet(SCANNED_CONFIG_FIELDS);
const DEPENDS_ON_FIELDS = new FieldSet(SCANNED_DEPENDS_ON_FIELDS);
const COLLECTION_FIELDS = new FieldSet([...SCANNED_COLLECTIONS, 'metadata']);

/**
 * Takes a node as the scan meets it (with the metadata when it came first);
 * true when taken, and the scan's result then leaves it out.
 */
export type NodeTaker = (collection: string, id: string, raw: unknown, metadata: unknown) => boolean;

class Scanner {
  private pos = 0;
  private readonly buf: Buffer;
  private readonly end: number;

  constructor(
    bytes: Uint8Array,
    private readonly take?: NodeTaker,
  ) {
    this.buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.end = this.buf.length;
    // a UTF-8 byte order mark is not JSON; JSON.parse rejects it too
  }

  private fail(): never {
    throw new Unexpected();
  }

  private ws(): void {
    const b = this.buf;
    let p = this.pos;
    while (p < this.end) {
      const c = b[p];
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) p++;
      else break;
    }
    this.pos = p;
  }

  private expect(c: number): void {
    this.ws();
    if (this.buf[this.pos] !== c) this.fail();
    this.pos++;
  }

  /** pos at an opening quote → pos after the closing one; with `wantEscapes`, returns whether it held a backslash. */
  private skipString(wantEscapes = false): boolean {
    const b = this.buf;
    let p = this.pos + 1;
    let escaped = false;
    // short strings (keys, names) end soon: a byte loop beats a native call
    const shortEnd = Math.min(p + 48, this.end);
    for (; p < shortEnd; p++) {
      const c = b[p];
      if (c === QUOTE) {
        this.pos = p + 1;
        return escaped;
      }
      if (c === BACKSLASH) {
        escaped = true;
        p++;
      }
    }
    // long strings (code, descriptions): memchr to each quote, then count the backslashes before it
    const longStart = p;
    for (;;) {
      const q = b.indexOf(QUOTE, p);
      if (q < 0) this.fail();
      let k = q - 1;
      while (b[k] === BACKSLASH) k--;
      if (((q - 1 - k) & 1) === 0) {
        this.pos = q + 1;
        // an escape anywhere in the long part counts (bounded search: never past this string)
        return escaped || (wantEscapes && b.subarray(longStart, q).indexOf(BACKSLASH) >= 0);
      }
      p = q + 1;
    }
  }

  /** Skips any value; containers by bracket depth, strings by their quotes. */
  private skipValue(): void {
    this.ws();
    const b = this.buf;
    const c = b[this.pos];
    if (c === QUOTE) {
      this.skipString();
      return;
    }
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      let depth = 0;
      let p = this.pos;
      while (p < this.end) {
        const x = b[p];
        if (x === QUOTE) {
          this.pos = p;
          this.skipString();
          p = this.pos;
          continue;
        }
        if (x === OPEN_BRACE || x === OPEN_BRACKET) depth++;
        else if (x === CLOSE_BRACE || x === CLOSE_BRACKET) {
          depth--;
          if (depth === 0) {
            this.pos = p + 1;
            return;
          }
        }
        p++;
      }
      this.fail();
    }
    // number, true, false, null
    let p = this.pos;
    while (p < this.end) {
      const x = b[p];
      if (x === COMMA || x === CLOSE_BRACE || x === CLOSE_BRACKET || x === 0x20 || x === 0x0a || x === 0x0d || x === 0x09) break;
      p++;
    }
    if (p === this.pos) this.fail();
    this.pos = p;
  }

  /** Parses the next value in full (a small one the reader keeps). */
  private parseValue(): unknown {
    this.ws();
    const start = this.pos;
    if (this.buf[start] === QUOTE) {
      // most kept values are plain strings: decode them without a JSON.parse
      const escaped = this.skipString(true);
      if (!escaped) return this.buf.toString('utf8', start + 1, this.pos - 1);
      return JSON.parse(this.buf.toString('utf8', start, this.pos));
    }
    const plain = this.plainValue(0);
    if (plain !== undefined) return plain;
    this.pos = start;
    this.skipValue();
    return JSON.parse(this.buf.toString('utf8', start, this.pos));
  }

  /**
   * The small values the reader keeps (fqn, tags, depends_on ids, refs,
   * checksum, empty meta), decoded in place: decoding the value's text and
   * JSON.parsing it cost more than the bytes. Strings with escapes, numbers,
   * `__proto__` keys or deep nesting: undefined with pos anywhere inside (the
   * caller rewinds and JSON.parses the value).
   */
  private plainValue(depth: number): unknown {
    const b = this.buf;
    const c = b[this.pos];
    if (c === QUOTE) {
      const start = this.pos;
      return this.skipString(true) ? undefined : b.toString('utf8', start + 1, this.pos - 1);
    }
    if (c === 0x6e /* n */) return this.literal(NULL_BYTES) ? null : undefined;
    if (c === 0x74 /* t */) return this.literal(TRUE_BYTES) ? true : undefined;
    if (c === 0x66 /* f */) return this.literal(FALSE_BYTES) ? false : undefined;
    if (depth > 8 || (c !== OPEN_BRACKET && c !== OPEN_BRACE)) return undefined;
    const isArray = c === OPEN_BRACKET;
    const close = isArray ? CLOSE_BRACKET : CLOSE_BRACE;
    const out: unknown[] | Json = isArray ? [] : {};
    this.pos++;
    this.ws();
    if (b[this.pos] === close) {
      this.pos++;
      return out;
    }
    for (;;) {
      let key = '';
      if (!isArray) {
        if (b[this.pos] !== QUOTE) return undefined;
        const ks = this.pos;
        if (this.skipString(true)) return undefined;
        key = b.toString('utf8', ks + 1, this.pos - 1);
        if (key === '__proto__') return undefined;
        this.ws();
        if (b[this.pos++] !== COLON) return undefined;
        this.ws();
      }
      const v = this.plainValue(depth + 1);
      if (v === undefined) return undefined;
      if (isArray) (out as unknown[]).push(v);
      else (out as Json)[key] = v;
      this.ws();
      const next = b[this.pos++];
      if (next === close) return out;
      if (next !== COMMA) return undefined;
      this.ws();
    }
  }

  /** pos at a literal's first byte: true (pos after it) when the bytes spell it and it ends there. */
  private literal(bytes: Uint8Array): boolean {
    const b = this.buf;
    const p = this.pos;
    for (let i = 0; i < bytes.length; i++) if (b[p + i] !== bytes[i]) return false;
    const after = b[p + bytes.length];
    if (after !== COMMA && after !== CLOSE_BRACE && after !== CLOSE_BRACKET && after !== 0x20 && after !== 0x0a && after !== 0x0d && after !== 0x09 && p + bytes.length !== this.end) return false;
    this.pos = p + bytes.length;
    return true;
  }

  /**
   * Walks an object's members: `visit(name, keyStart, keyEnd)` is called with
   * pos at the value and must consume it. Rejects `__proto__` keys, which a
   * plain assignment would not copy like JSON.parse does.
   */
  private members(visit: (keyStart: number, keyEnd: number, escaped: boolean) => void): void {
    this.expect(OPEN_BRACE);
    this.ws();
    if (this.buf[this.pos] === CLOSE_BRACE) {
      this.pos++;
      return;
    }
    for (;;) {
      this.ws();
      if (this.buf[this.pos] !== QUOTE) this.fail();
      const keyStart = this.pos;
      const escaped = this.skipString(true);
      const keyEnd = this.pos;
      this.expect(COLON);
      this.ws();
      visit(keyStart, keyEnd, escaped);
      this.ws();
      const c = this.buf[this.pos++];
      if (c === COMMA) continue;
      if (c === CLOSE_BRACE) return;
      this.fail();
    }
  }

  private keyText(keyStart: number, keyEnd: number, escaped: boolean): string {
    const key = escaped ? (JSON.parse(this.buf.toString('utf8', keyStart, keyEnd)) as string) : this.buf.toString('utf8', keyStart + 1, keyEnd - 1);
    if (key === '__proto__') this.fail();
    return key;
  }

  private isObjectNext(): boolean {
    this.ws();
    return this.buf[this.pos] === OPEN_BRACE;
  }

  /** An object with only `fields` kept (each parsed in full); `nested` fields are picked recursively. */
  private pick(fields: FieldSet, nested?: Map<string, FieldSet>): Json {
    const out: Json = {};
    this.members((ks, ke, escaped) => {
      // an escaped key never spells a plain field name byte for byte: decode it to be sure
      const name = escaped ? this.wantedEscaped(fields, ks, ke) : fields.match(this.buf, ks + 1, ke - 1);
      if (name === undefined) {
        this.skipValue();
        return;
      }
      const sub = nested?.get(name);
      out[name] = sub && this.isObjectNext() ? this.pick(sub) : this.parseValue();
    });
    return out;
  }

  private wantedEscaped(fields: FieldSet, ks: number, ke: number): string | undefined {
    const key = this.keyText(ks, ke, true);
    const bytes = Buffer.from(key, 'utf8');
    return fields.match(bytes, 0, bytes.length);
  }

  scan(): Json {
    const nodeNested = new Map<string, FieldSet>([
      ['config', CONFIG_FIELDS],
      ['depends_on', DEPENDS_ON_FIELDS],
    ]);
    const out: Json = {};
    const seen = new Set<string>();
    this.members((ks, ke, escaped) => {
      const name = escaped ? this.wantedEscaped(COLLECTION_FIELDS, ks, ke) : COLLECTION_FIELDS.match(this.buf, ks + 1, ke - 1);
      if (name === undefined) {
        this.skipValue();
        return;
      }
      // a repeated key replaces the earlier value (JSON.parse): nodes already taken cannot be, so leave it to JSON.parse
      if (seen.has(name) && this.take) this.fail();
      seen.add(name);
      if (name === 'metadata' || !this.isObjectNext()) {
        out[name] = this.parseValue();
        return;
      }
      const coll: Json = {};
      this.members((nks, nke, nEscaped) => {
        const id = this.keyText(nks, nke, nEscaped);
        const raw = this.isObjectNext() ? this.pick(NODE_FIELDS, nodeNested) : this.parseValue();
        if (this.take?.(name, id, raw, out.metadata)) return;
        coll[id] = raw;
      });
      out[name] = coll;
    });
    this.ws();
    if (this.pos !== this.end) this.fail();
    return out;
  }
}

/**
 * The parts of a manifest the reader uses, as JSON.parse would give them; or
 * undefined when the bytes are not what a manifest looks like (the caller
 * then parses in full, which also reports where invalid JSON breaks).
 */
export function scanManifest(bytes: Uint8Array, take?: NodeTaker): Json | undefined {
  try {
    return new Scanner(bytes, take).scan();
  } catch {
    return undefined;
  }
}
