/**
 * A manifest read (the reader's nodes with their places, and the file stats
 * of the project when it was read) as compact plain data and back, so the
 * language server can keep it between sessions: reopening a project whose
 * manifest has not changed then costs a parse of a file a fifth of the
 * manifest's size instead of reading the manifest.
 *
 * Every string is written once, in a table, and referred to by index; the
 * decoded nodes share one string per distinct value, as the reader's do.
 * A place is written as its file and kind, never its range: the decoded
 * read's places find their ranges in the files as they are when asked.
 * Pure: no I/O here (server/src/workspace/manifestReadStore.ts keeps the
 * files; the decoded places read through the file source they are given).
 */
import type { DbtNode } from '../../model/dbt';
import type { Diagnostic } from '../../model/diagnostic';
import type { Location } from '../../model/location';
import type { DbtRefTarget, DbtSourceTarget } from '../../model/reference';
import { sep } from 'node:path';
import { isInside, type FileSource } from '../fileSource';
import { CallPlace, EntryPlace, FilePlace, PlaceFinder, placeKind } from './places';
import { isPlainRelative } from './paths';
import { orShared, orSharedObject, type ManifestReadResult } from './manifest';

/** Bumped whenever the encoding or what a read holds changes: older data is not decoded. */
export const MANIFEST_READ_FORMAT = 2;

/** What DbtProjectCache keeps of a manifest read (see project.ts). */
export interface KeptManifestRead {
  path: string;
  size: number;
  mtimeMs: number;
  result: ManifestReadResult;
  /** file → `size:mtime` when the manifest was read (a file changed since gives the nodes in it new places) */
  files: Map<string, string>;
}

type Required = 'uniqueId' | 'resourceType' | 'name' | 'packageName' | 'tags' | 'fqn' | 'dependsOn' | 'refs' | 'sources' | 'locations';
/**
 * The optional fields of a node in the order the manifest reader sets them
 * (same order, same hidden class, same memory): `string` ones go through the
 * table, `value` ones are written as they are. A field added to DbtNode fails
 * to compile here until it is listed.
 */
const OPTIONAL: Record<Exclude<keyof DbtNode, Required>, 'string' | 'value'> = {
  sourceName: 'string',
  configSchema: 'string',
  alias: 'string',
  version: 'value',
  latestVersion: 'value',
  materialized: 'string',
  configMeta: 'value',
  meta: 'value',
  originalFilePath: 'string',
  checksum: 'string',
  description: 'string',
  group: 'string',
};
const OPTIONAL_FIELDS = Object.keys(OPTIONAL) as (keyof typeof OPTIONAL)[];

/** a location with its range, or a place: its file and kind (PLACE_KINDS) */
type Loc = [file: number, sl: number, sc: number, el: number, ec: number] | [file: number, kind: number];
/** where a call is: 0 none, 1 a place in the node's first file, or a location */
type At = Loc | 0 | 1;
/** -1: absent */
type Ref = [name: number, pkg: number, version: string | number | null, at: At];
type Src = [sourceName: number, table: number, at: At];
const PLACE_KINDS = ['file', 'entry'] as const;
type Node = [uid: number, type: number, name: number, pkg: number, tags: number[], fqn: number[], dependsOn: number[], refs: Ref[], sources: Src[], locations: Loc[], extra: Record<string, unknown>];

export interface EncodedManifestRead {
  format: number;
  strings: string[];
  path: number;
  size: number;
  mtimeMs: number;
  /** file, signature, file, signature, … */
  files: number[];
  schemaVersion?: number;
  dbtVersion?: string;
  diagnostics: Diagnostic[];
  facts: { root: number; name: number; manifestPath: number; origin: string; log: string[] };
  nodes: Node[];
}

/**
 * Encodes a read a slice of nodes at a time, so a caller can write a 50k-node
 * read between other work: nodes() in order, then rest(), which carries the
 * string table the nodes refer to.
 */
export class ManifestReadEncoder {
  private readonly strings_: string[] = [];
  /**
   * string → table index, in 64 maps: one map of 300k strings (a 50k-node
   * read) stops the encoder for 70 ms each time it grows; small ones grow in
   * well under a millisecond.
   */
  private readonly index = Array.from({ length: 64 }, () => new Map<string, number>());
  private readonly all: DbtNode[];

  constructor(private readonly read: KeptManifestRead) {
    if (!read.result.facts) throw new Error('a manifest read without facts is not kept');
    this.all = read.result.facts.nodes;
  }

  get nodeCount(): number {
    return this.all.length;
  }

  private s(v: string): number {
    const map = this.index[(v.length + (v.length ? v.charCodeAt(v.length - 1) * 7 : 0)) & 63];
    let i = map.get(v);
    if (i === undefined) map.set(v, (i = this.strings_.push(v) - 1));
    return i;
  }

  private loc(l: Location): Loc {
    const kind = placeKind(l);
    // a place's range is not written (nor found for writing): the decoded place finds it when asked
    if (kind === 'file' || kind === 'entry') return [this.s(l.file), PLACE_KINDS.indexOf(kind)];
    return [this.s(l.file), l.range.start.line, l.range.start.character, l.range.end.line, l.range.end.character];
  }

  private at(l: Location | undefined): At {
    if (!l) return 0;
    return placeKind(l) === 'call' ? 1 : this.loc(l);
  }

  /** Nodes [from, to), encoded. */
  nodes(from: number, to: number): Node[] {
    const s = (v: string) => this.s(v);
    const opt = (v: string | undefined): number => (v === undefined ? -1 : s(v));
    const loc = (l: Location) => this.loc(l);
    return this.all.slice(from, to).map((n): Node => {
      const extra: Record<string, unknown> = {};
      for (const f of OPTIONAL_FIELDS) {
        const v = n[f];
        if (v !== undefined) extra[f] = OPTIONAL[f] === 'string' ? s(v as string) : v;
      }
      return [
        s(n.uniqueId),
        s(n.resourceType),
        s(n.name),
        s(n.packageName),
        n.tags.map(s),
        n.fqn.map(s),
        n.dependsOn.map(s),
        n.refs.map((r) => [s(r.target.name), opt(r.target.package), r.target.version ?? null, this.at(r.location)]),
        n.sources.map((c) => [s(c.target.sourceName), opt(c.target.table), this.at(c.location)]),
        n.locations.map(loc),
        extra,
      ];
    });
  }

  /** The string table: complete once every node and file is encoded. */
  get strings(): readonly string[] {
    return this.strings_;
  }

  private fileEntries?: [string, string][];
  get fileCount(): number {
    return (this.fileEntries ??= [...this.read.files]).length;
  }

  /** File stats [from, to) encoded: file, signature, file, signature, … (30k files: tens of ms, so in pieces too) */
  files(from: number, to: number): number[] {
    const out: number[] = [];
    for (const [file, sig] of (this.fileEntries ??= [...this.read.files]).slice(from, to)) out.push(this.s(file), this.s(sig));
    return out;
  }

  /** Everything but the nodes, the files and the string table. */
  rest(): Omit<EncodedManifestRead, 'nodes' | 'files' | 'strings'> {
    const { read } = this;
    const facts = read.result.facts!;
    return {
      format: MANIFEST_READ_FORMAT,
      path: this.s(read.path),
      size: read.size,
      mtimeMs: read.mtimeMs,
      ...(read.result.schemaVersion !== undefined ? { schemaVersion: read.result.schemaVersion } : {}),
      ...(read.result.dbtVersion !== undefined ? { dbtVersion: read.result.dbtVersion } : {}),
      diagnostics: read.result.diagnostics,
      facts: { root: this.s(facts.root), name: this.s(facts.name), manifestPath: this.s(facts.manifestPath ?? ''), origin: facts.origin, log: facts.log },
    };
  }
}

/** The whole read at once (tests; the store writes slice by slice). */
export function encodeManifestRead(read: KeptManifestRead): EncodedManifestRead {
  const encoder = new ManifestReadEncoder(read);
  const nodes = encoder.nodes(0, encoder.nodeCount);
  const files = encoder.files(0, encoder.fileCount);
  return { ...encoder.rest(), files, strings: [...encoder.strings], nodes };
}

class Malformed extends Error {}

const SEVERITIES = new Set(['error', 'warning', 'info']);

/** A reader diagnostic as written (message, code, place), checked field by field. */
function diagnostic(d: unknown): Diagnostic {
  const x = d as Diagnostic;
  const r = x?.location?.range;
  const ok =
    typeof x?.message === 'string' &&
    typeof x.code === 'string' &&
    SEVERITIES.has(x.severity) &&
    typeof x.location.file === 'string' &&
    [r?.start?.line, r?.start?.character, r?.end?.line, r?.end?.character].every((n) => typeof n === 'number');
  if (!ok) throw new Malformed();
  return { location: { file: x.location.file, range: { start: { ...r.start }, end: { ...r.end } } }, severity: x.severity, code: x.code, message: x.message };
}

/**
 * Whether a decoded read names only files of its own project: a manifest
 * read locates nodes inside the project root (dbt packages are installed
 * below it), its diagnostics sit there or on the manifest. A read that names
 * anything else was not written by this reader for this project.
 */
export function placesWithin(read: KeptManifestRead, root: string, manifestPath: string): boolean {
  const facts = read.result.facts;
  if (!facts || facts.root !== root || read.path !== manifestPath) return false;
  // each file once (tens of thousands of places name a few thousand files); a plain path under the root is
  // inside by its prefix, one with `.` / `..` segments or doubled separators takes the full check (isPlainRelative)
  const prefix = root.endsWith(sep) ? root : root + sep;
  const seen = new Map<string, boolean>();
  const inside = (file: string) => {
    let ok = seen.get(file);
    if (ok === undefined) {
      ok = (sep === '/' && file.startsWith(prefix) && isPlainRelative(file.slice(prefix.length))) || isInside(root, file);
      seen.set(file, ok);
    }
    return ok;
  };
  for (const n of facts.nodes) {
    if (!n.locations.every((l) => inside(l.file))) return false;
    if (!n.refs.every((c) => !c.location || inside(c.location.file))) return false;
    if (!n.sources.every((c) => !c.location || inside(c.location.file))) return false;
  }
  for (const file of read.files.keys()) if (!inside(file)) return false;
  return read.result.diagnostics.every((d) => d.location.file === manifestPath || inside(d.location.file));
}

/**
 * The read back, or undefined when the data is not one this version wrote
 * (another format, damaged). Its places read their files through `fs`.
 */
export function decodeManifestRead(data: unknown, fs: FileSource): KeptManifestRead | undefined {
  try {
    return decode(data as EncodedManifestRead, new PlaceFinder(fs));
  } catch (err) {
    if (err instanceof Malformed || err instanceof TypeError || err instanceof RangeError) return undefined;
    throw err;
  }
}

function decode(e: EncodedManifestRead, finder: PlaceFinder): KeptManifestRead | undefined {
  if (!e || typeof e !== 'object' || e.format !== MANIFEST_READ_FORMAT) return undefined;
  const strings = e.strings;
  if (!Array.isArray(strings) || !Array.isArray(e.nodes) || !Array.isArray(e.files)) throw new Malformed();
  const s = (i: unknown): string => {
    const v = typeof i === 'number' ? strings[i] : undefined;
    if (typeof v !== 'string') throw new Malformed();
    return v;
  };
  const num = (v: unknown): number => {
    if (typeof v !== 'number') throw new Malformed();
    return v;
  };
  const list = <T>(v: unknown, f: (x: unknown) => T): T[] => {
    if (!Array.isArray(v)) throw new Malformed();
    return orShared(v.map(f));
  };
  const locIn =
    (node: DbtNode) =>
    (l: unknown): Location => {
      if (Array.isArray(l) && l.length === 2) {
        const kind = PLACE_KINDS[num(l[1])];
        if (kind === 'file') return new FilePlace(s(l[0]), finder);
        if (kind === 'entry') return new EntryPlace(s(l[0]), finder, node);
        throw new Malformed();
      }
      if (!Array.isArray(l) || l.length !== 5) throw new Malformed();
      return { file: s(l[0]), range: { start: { line: num(l[1]), character: num(l[2]) }, end: { line: num(l[3]), character: num(l[4]) } } };
    };
  /** a call's place: in the node's first file, which is decoded before the calls are placed */
  const atIn = (node: DbtNode, at: unknown): Location | undefined => {
    if (at === 0) return undefined;
    if (at !== 1) return locIn(node)(at);
    const file = node.locations[0]?.file;
    if (!file) throw new Malformed();
    return new CallPlace(file, finder, node);
  };
  const version = (v: unknown): string | number | undefined => {
    if (v === null) return undefined;
    if (typeof v !== 'string' && typeof v !== 'number') throw new Malformed();
    return v;
  };
  const nodes = e.nodes.map((raw): DbtNode => {
    if (!Array.isArray(raw) || raw.length !== 11) throw new Malformed();
    const [uid, type, name, pkg, tags, fqn, dependsOn, refs, sources, locations, extra] = raw as Node;
    /** where each ref, then each source, is (At) */
    const calls: unknown[] = [];
    const node: DbtNode = {
      uniqueId: s(uid),
      resourceType: s(type),
      name: s(name),
      packageName: s(pkg),
      tags: list(tags, s),
      fqn: list(fqn, s),
      dependsOn: list(dependsOn, s),
      refs: list(refs, (r) => {
        const [n, p, v, at] = r as Ref;
        const target: DbtRefTarget = { kind: 'dbt_ref', name: s(n) };
        if (p !== -1) target.package = s(p);
        const ver = version(v);
        if (ver !== undefined) target.version = ver;
        calls.push(at);
        return { target } as DbtNode['refs'][number];
      }),
      sources: list(sources, (c) => {
        const [n, t, at] = c as Src;
        const target: DbtSourceTarget = { kind: 'dbt_source', sourceName: s(n) };
        if (t !== -1) target.table = s(t);
        calls.push(at);
        return { target } as DbtNode['sources'][number];
      }),
      locations: [],
    };
    if (!extra || typeof extra !== 'object') throw new Malformed();
    for (const f of OPTIONAL_FIELDS) {
      const v = extra[f];
      if (v === undefined) continue;
      if (OPTIONAL[f] === 'string') (node as unknown as Record<string, unknown>)[f] = s(v);
      else if (f === 'configMeta' || f === 'meta') {
        if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Malformed();
        node[f] = orSharedObject(v as Record<string, unknown>);
      } else if (f === 'version' || f === 'latestVersion') node[f] = version(v);
      else throw new Malformed();
    }
    node.locations = list(locations, locIn(node)).slice();
    // the calls' places, once the node's first file is known
    let k = 0;
    for (const call of node.refs) {
      const l = atIn(node, calls[k++]);
      if (l) call.location = l;
    }
    for (const call of node.sources) {
      const l = atIn(node, calls[k++]);
      if (l) call.location = l;
    }
    return node;
  });
  const files = new Map<string, string>();
  for (let i = 0; i + 1 < e.files.length; i += 2) files.set(s(e.files[i]), s(e.files[i + 1]));
  const f = e.facts;
  if (!f || typeof f !== 'object' || !Array.isArray(f.log) || !Array.isArray(e.diagnostics)) throw new Malformed();
  if (f.origin !== 'manifest' && f.origin !== 'files' && f.origin !== 'manifest+files') throw new Malformed();
  const manifestPath = s(f.manifestPath);
  const result: ManifestReadResult = {
    facts: { root: s(f.root), name: s(f.name), ...(manifestPath ? { manifestPath } : {}), origin: f.origin, nodes, log: f.log.filter((l) => typeof l === 'string') },
    diagnostics: e.diagnostics.map(diagnostic),
  };
  if (e.schemaVersion !== undefined) result.schemaVersion = num(e.schemaVersion);
  if (e.dbtVersion !== undefined) result.dbtVersion = typeof e.dbtVersion === 'string' ? e.dbtVersion : undefined;
  return { path: s(e.path), size: num(e.size), mtimeMs: num(e.mtimeMs), result, files };
}
