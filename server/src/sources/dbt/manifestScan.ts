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

/**
 * Where the kept values of located nodes start in the bytes: per node,
 * [collection, keyStart, keyEnd, keyEscaped, count, then count × (code,
 * start)]; for a node that is not an object, count NOT_AN_OBJECT and where
 * the value starts. A code is
 * a node field's index in SCANNED_NODE_FIELDS; a nested field's is its
 * index plus NESTED_CODE (config) or 2 × NESTED_CODE (depends_on), after the
 * nested object's own code with start OBJECT_STARTS. Offsets are byte
 * offsets (a manifest's size is capped far below 2 GB).
 */
export type LocatedNodes = Int32Array;
const NESTED_CODE = 100;
const OBJECT_STARTS = -1;
const NOT_AN_OBJECT = -1;

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
  /** each name's number in a located node's table (see LocatedNodes), from `firstCode` */
  readonly codes = new Map<string, number>();
  constructor(
    readonly names: string[],
    firstCode = 0,
  ) {
    for (const name of names) {
      const bytes = Buffer.from(name, 'latin1');
      const list = this.byLength.get(bytes.length) ?? [];
      list.push({ bytes, name });
      this.byLength.set(bytes.length, list);
      this.codes.set(name, firstCode + this.codes.size);
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
const CONFIG_FIELDS = new FieldSet(SCANNED_CONFIG_FIELDS, NESTED_CODE);
const DEPENDS_ON_FIELDS = new FieldSet(SCANNED_DEPENDS_ON_FIELDS, 2 * NESTED_CODE);
/** the node fields whose object is picked field by field, with the set of each */
const NODE_NESTED = new Map<string, FieldSet>([
  ['config', CONFIG_FIELDS],
  ['depends_on', DEPENDS_ON_FIELDS],
]);
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

  /** locating (locateManifest): the table under way and how much of it is used */
  private located?: Int32Array;
  private used = 0;
  /** nodes in the table under way */
  private pending = 0;

  constructor(
    bytes: Uint8Array,
    private readonly take?: NodeTaker,
    private readonly locating?: { flush: (nodes: LocatedNodes) => void; batchNodes: number; accepts: (metadata: unknown) => boolean },
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

  /** The kept field a member's key names, if any (an escaped key never spells one byte for byte: it is decoded to be sure). */
  private wanted(fields: FieldSet, ks: number, ke: number, escaped: boolean): string | undefined {
    return escaped ? this.wantedEscaped(fields, ks, ke) : fields.match(this.buf, ks + 1, ke - 1);
  }

  /** members() of an object, skipping every field not in `fields`: `visit(name)` is called with pos at a kept one's value and must consume it. */
  private keptMembers(fields: FieldSet, visit: (name: string) => void): void {
    this.members((ks, ke, escaped) => {
      const name = this.wanted(fields, ks, ke, escaped);
      if (name === undefined) this.skipValue();
      else visit(name);
    });
  }

  /** An object with only `fields` kept (each parsed in full); `nested` fields are picked recursively. */
  private pick(fields: FieldSet, nested?: Map<string, FieldSet>): Json {
    const out: Json = {};
    this.keptMembers(fields, (name) => {
      const sub = nested?.get(name);
      out[name] = sub && this.isObjectNext() ? this.pick(sub) : this.parseValue();
    });
    return out;
  }

  /** Makes room for `n` more slots of the located table. */
  private room(n: number): Int32Array {
    let t = this.located!;
    if (this.used + n > t.length) {
      const grown = new Int32Array(Math.max(t.length * 2, this.used + n));
      grown.set(t);
      this.located = t = grown;
    }
    return t;
  }

  private record(a: number, b: number): void {
    const t = this.room(2);
    t[this.used++] = a;
    t[this.used++] = b;
  }

  /** pick(), recording where each kept value starts instead of parsing it; returns how many pairs it recorded. */
  private locate(fields: FieldSet, nested?: Map<string, FieldSet>): number {
    let count = 0;
    this.keptMembers(fields, (name) => {
      const sub = nested?.get(name);
      if (sub && this.isObjectNext()) {
        this.record(fields.codes.get(name)!, OBJECT_STARTS);
        count += 1 + this.locate(sub);
        return;
      }
      this.ws();
      this.record(fields.codes.get(name)!, this.pos);
      count++;
      // skipped, not parsed: the decode parses it (and fails where the scan would have)
      this.skipValue();
    });
    return count;
  }

  /** One node of a collection, located into the table (see LocatedNodes). */
  private locateNode(collection: number, ks: number, ke: number, escaped: boolean): void {
    this.record(collection, ks);
    this.record(ke, escaped ? 1 : 0);
    if (!this.isObjectNext()) {
      // not an object: the reader drops such a node, but is given its value as the scan gives it
      this.record(NOT_AN_OBJECT, this.pos);
      this.skipValue();
      return;
    }
    // the count goes before the pairs, known once they are recorded
    const at = this.used;
    this.room(1);
    this.used++;
    this.located![at] = this.locate(NODE_FIELDS, NODE_NESTED);
  }

  /** The value starting at `pos` (a located one), parsed as the scan would have. */
  valueAt(pos: number): unknown {
    this.pos = pos;
    return this.parseValue();
  }

  /** A located node's key. */
  keyAt(ks: number, ke: number, escaped: boolean): string {
    return this.keyText(ks, ke, escaped);
  }

  /** A table of located nodes as the nodes the scan would have given `take` (see LocatedNodes). */
  decode(table: LocatedNodes, take: (collection: string, id: string, raw: unknown) => void): void {
    let i = 0;
    while (i < table.length) {
      const collection = SCANNED_COLLECTIONS[table[i]];
      const id = this.keyAt(table[i + 1], table[i + 2], table[i + 3] === 1);
      const count = table[i + 4];
      i += 5;
      if (count === NOT_AN_OBJECT) {
        take(collection, id, this.valueAt(table[i++]));
        continue;
      }
      const raw: Json = {};
      let into: Json = raw;
      let nestedCode = 0;
      for (let k = 0; k < count; k++, i += 2) {
        const code = table[i];
        const start = table[i + 1];
        if (code < NESTED_CODE) {
          const name = SCANNED_NODE_FIELDS[code];
          if (start === OBJECT_STARTS) {
            into = raw[name] = {};
            nestedCode = code;
          } else raw[name] = this.valueAt(start);
          continue;
        }
        // a nested field belongs to the object opened last (pick() assigns the same way)
        const set = code < 2 * NESTED_CODE ? CONFIG_FIELDS : DEPENDS_ON_FIELDS;
        if (into === raw || NODE_NESTED.get(SCANNED_NODE_FIELDS[nestedCode]) !== set) this.fail();
        into[set.names[code - (code < 2 * NESTED_CODE ? NESTED_CODE : 2 * NESTED_CODE)]] = this.valueAt(start);
      }
      take(collection, id, raw);
    }
  }

  private wantedEscaped(fields: FieldSet, ks: number, ke: number): string | undefined {
    const key = this.keyText(ks, ke, true);
    const bytes = Buffer.from(key, 'utf8');
    return fields.match(bytes, 0, bytes.length);
  }

  /** Hands the located nodes so far over, and starts a new table. */
  flush(): void {
    if (!this.locating || this.used === 0) return;
    this.locating.flush(this.located!.slice(0, this.used));
    this.used = 0;
    this.pending = 0;
  }

  scan(): Json {
    if (this.locating) this.located = new Int32Array(1 << 16);
    const out: Json = {};
    const seen = new Set<string>();
    this.keptMembers(COLLECTION_FIELDS, (name) => {
      // a repeated key replaces the earlier value (JSON.parse): nodes already taken or located cannot be, so leave it to JSON.parse
      if (seen.has(name) && (this.take || this.locating)) this.fail();
      seen.add(name);
      if (name === 'metadata' || !this.isObjectNext()) {
        out[name] = this.parseValue();
        return;
      }
      const coll: Json = {};
      const locating = this.locating;
      if (locating) {
        const collection = SCANNED_COLLECTIONS.indexOf(name);
        let nodes = 0;
        this.members((nks, nke, nEscaped) => {
          // every node is handed over as located: a manifest whose metadata does not allow that is read elsewhere
          if (nodes === 0 && !locating.accepts(out.metadata)) this.fail();
          this.keyText(nks, nke, nEscaped);
          this.locateNode(collection, nks, nke, nEscaped);
          nodes++;
          if (++this.pending >= locating.batchNodes) this.flush();
        });
        out[name] = coll;
        return;
      }
      this.members((nks, nke, nEscaped) => {
        const id = this.keyText(nks, nke, nEscaped);
        const raw = this.isObjectNext() ? this.pick(NODE_FIELDS, NODE_NESTED) : this.parseValue();
        if (this.take?.(name, id, raw, out.metadata)) return;
        coll[id] = raw;
      });
      out[name] = coll;
    });
    this.ws();
    if (this.pos !== this.end) this.fail();
    this.flush();
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

/**
 * scanManifest for a scan on another thread: instead of parsing each node's
 * kept values, records where each starts (LocatedNodes) and hands the tables
 * over every `batchNodes` nodes; the thread that holds the same bytes turns
 * them into nodes with decodeLocatedNodes. Returns the rest of the scan (the
 * metadata, each collection empty), or undefined where scanManifest would
 * give up, or when `accepts` refuses the metadata met before the first node.
 * Some tables may have been handed over by then: the caller drops them.
 */
export function locateManifest(
  bytes: Uint8Array,
  opts: { flush: (nodes: LocatedNodes) => void; batchNodes: number; accepts: (metadata: unknown) => boolean },
): Json | undefined {
  try {
    return new Scanner(bytes, undefined, opts).scan();
  } catch {
    return undefined;
  }
}

/**
 * The nodes of a table locateManifest made over the same bytes, each given to
 * `take` as scanManifest would have; false where a value fails to parse (the
 * caller then reads the manifest in full).
 */
export function decodeLocatedNodes(bytes: Uint8Array, nodes: LocatedNodes, take: (collection: string, id: string, raw: unknown) => void): boolean {
  try {
    new Scanner(bytes).decode(nodes, take);
    return true;
  } catch (err) {
    if (err instanceof Unexpected || err instanceof SyntaxError) return false;
    throw err;
  }
}
