/**
 * Where a manifest node and its ref() / source() calls are written, found in
 * the files when first asked instead of when the manifest is read.
 *
 * The manifest names each node's file but not where in it the node or its
 * calls are. Finding that means reading and scanning every model's SQL file
 * and every properties file: on a first open that was a fifth of the index
 * at 10k nodes and nearly a third at 50k, for ranges a user looks at a few
 * at a time (go-to-definition, a hover, a diagnostic, a find-references
 * list). So the reader records only
 * which file (it checks that the file exists, a stat the freshness check has
 * already made) and a place object that scans the file the first time its
 * range is read, then keeps the range.
 *
 * A place reads the file as it is when asked, through the same file source
 * as the reader (containment, size limit, editor text). A file that changes
 * after its places were asked is read again by the reload its change starts,
 * which gives the nodes that touch it new places (project.ts).
 */
import type { FileSource } from '../fileSource';
import type { DbtNode } from '../../model/dbt';
import type { DbtRefTarget } from '../../model/reference';
import { ZERO_RANGE, type Location, type Range } from '../../model/location';
import { findEntryRange, indexSchemaYaml, type SchemaYaml } from './schemaYaml';
import { fastEntryRange, fastYamlNames, type FastYamlNames } from './yamlNames';
import { scanSqlReferences, type SqlScan } from './sqlScan';
import { firstContentRange, yamlSectionOf } from './locator';
import { RecentMap } from './recentMap';

/** What one read of a file gives: kept for the files asked last, never the text itself. */
interface FileLook {
  /** 0:0 for a file missing, not a file, or over the size limit */
  firstContent: Range;
  /** properties files: the line scanner's index, or the full parser's when the scanner does not cover the file */
  fast?: FastYamlNames;
  yaml?: SchemaYaml;
  /** SQL files: the ref() / source() calls; undefined when the scan failed */
  sql?: SqlScan;
}

/**
 * How many looks are kept, by kind. A model's SQL file is asked for its own
 * node's places, one after the other; a properties file holds the entries of
 * tens or hundreds of nodes, asked in whatever order the nodes come (a list
 * of every asset walks them all), so its look is kept far longer: a stream of
 * SQL files must not push it out (at 10k nodes, 250 properties files read
 * again and again made a walk of every place 1.5× slower than reading them once).
 */
const RECENT_CODE_FILES = 64;
const RECENT_PROPERTIES_FILES = 1024;

const isYaml = (file: string): boolean => /\.ya?ml$/i.test(file);

/** Reads and scans files for the places of one manifest read. */
export class PlaceFinder {
  private readonly recentCode = new RecentMap<string, FileLook>(RECENT_CODE_FILES);
  private readonly recentProperties = new RecentMap<string, FileLook>(RECENT_PROPERTIES_FILES);
  /** one object per distinct range value (ranges are never mutated) */
  private readonly ranges = new Map<string, Range>();

  constructor(
    private readonly fs: FileSource,
    /** files above this size are never read: their places are the file at 0:0 */
    private readonly maxBytes = 20 * 1024 * 1024,
  ) {}

  private look(file: string): FileLook {
    const recent = isYaml(file) ? this.recentProperties : this.recentCode;
    const had = recent.get(file);
    if (had) return had;
    const look = this.readLook(file);
    recent.set(file, look);
    return look;
  }

  private readLook(file: string): FileLook {
    const st = this.fs.stat(file);
    const text = st && st.isFile && st.size <= this.maxBytes ? this.fs.readText(file) : undefined;
    if (text === undefined) return { firstContent: ZERO_RANGE };
    const look: FileLook = { firstContent: this.shared(firstContentRange(text)) };
    if (isYaml(file)) {
      // plain block YAML (nearly every dbt project) is answered by the line scanner at a fraction of the parser's cost
      look.fast = fastYamlNames(text);
      if (!look.fast) look.yaml = indexSchemaYaml(text, file);
    } else if (file.endsWith('.sql')) {
      try {
        look.sql = scanSqlReferences(text, file);
      } catch {
        // odd text costs this file its call ranges, nothing else
      }
    }
    return look;
  }

  private shared(r: Range): Range {
    const key = `${r.start.line},${r.start.character},${r.end.line},${r.end.character}`;
    const had = this.ranges.get(key);
    if (had) return had;
    this.ranges.set(key, r);
    return r;
  }

  /** The first line holding anything but whitespace; 0:0 for an empty, missing or over-size file. */
  firstContent(file: string): Range {
    return this.look(file).firstContent;
  }

  /** A `- name:` entry of a properties file (a source's table when `table` is given); 0:0 when not found. */
  entry(file: string, section: string, name: string, table?: string, version?: string | number): Range {
    const look = this.look(file);
    if (look.fast) return this.shared(fastEntryRange(look.fast, section, name, table) ?? ZERO_RANGE);
    const idx = look.yaml;
    if (!idx) return ZERO_RANGE;
    // a file the line scanner covers has no `versions:` under models, so only the parser's index can name a `- v:` entry
    if (version !== undefined && version !== null && section === 'models') {
      const v = idx.sections
        .get('models')
        ?.find((e) => e.name === name)
        ?.versions?.find((x) => String(x.v) === String(version));
      if (v) return v.range;
    }
    return findEntryRange(idx, section, name, table) ?? ZERO_RANGE;
  }

  /**
   * Places every ref() / source() call of a node in its SQL file: each call
   * the manifest lists takes the first call in the text naming the same
   * target that no earlier one took. A call the text scan does not see
   * (built by Jinja, or in a macro) is placed at the start of the file's
   * first line: the reference is in this file, the scan cannot say where.
   */
  placeCalls(node: DbtNode, file: string): void {
    const look = this.look(file);
    const fallback = this.shared({ start: look.firstContent.start, end: look.firstContent.start });
    const scan = look.sql;
    const usedRefs = new Set<number>();
    for (const ref of node.refs) {
      if (!(ref.location instanceof CallPlace) || ref.location.placed) continue;
      const i = scan ? scan.refs.findIndex((c, j) => !usedRefs.has(j) && sameRef(c.target, ref.target)) : -1;
      if (i >= 0) usedRefs.add(i);
      ref.location.place(i >= 0 ? this.shared(scan!.refs[i].location.range) : fallback);
    }
    const usedSources = new Set<number>();
    for (const src of node.sources) {
      if (!(src.location instanceof CallPlace) || src.location.placed) continue;
      const t = src.target;
      const i = scan ? scan.sources.findIndex((c, j) => !usedSources.has(j) && c.target.sourceName === t.sourceName && c.target.table === t.table) : -1;
      if (i >= 0) usedSources.add(i);
      src.location.place(i >= 0 ? this.shared(scan!.sources[i].location.range) : fallback);
    }
  }
}

/** A call in the text names the manifest's target: same model; package and version only where the manifest gives them. */
function sameRef(call: DbtRefTarget, target: DbtRefTarget): boolean {
  if (call.name !== target.name) return false;
  if (target.package && call.package && call.package !== target.package) return false;
  if (target.version !== undefined && target.version !== null && String(call.version ?? '') !== String(target.version)) return false;
  return true;
}

/**
 * Shared by the place kinds: a file known now, a range found when first read.
 * Only `file` is an own property: what finds the range stays private, so a
 * place compares, copies and walks like a plain location.
 */
abstract class Place implements Location {
  #range: Range | undefined;
  readonly #finder: PlaceFinder;
  constructor(
    readonly file: string,
    finder: PlaceFinder,
  ) {
    this.#finder = finder;
  }

  protected get finder(): PlaceFinder {
    return this.#finder;
  }

  get range(): Range {
    return (this.#range ??= this.find());
  }

  /** Whether the range has been found (tests; the codec keeps places unfound either way). */
  get placed(): boolean {
    return this.#range !== undefined;
  }

  /** Called by the finder for places it finds together (a node's calls). */
  place(range: Range): void {
    this.#range = range;
  }

  protected abstract find(): Range;

  /** A plain location where one is serialised (the CLI's JSON, logs). */
  toJSON(): Location {
    return { file: this.file, range: this.range };
  }
}

/** A node defined by a whole file (a model's SQL, a seed's CSV): the file at its first content line. */
export class FilePlace extends Place {
  protected find(): Range {
    return this.finder.firstContent(this.file);
  }
}

/** A place found from its node's fields (kept private, as the finder is). */
abstract class NodePlace extends Place {
  readonly #node: DbtNode;
  constructor(file: string, finder: PlaceFinder, node: DbtNode) {
    super(file, finder);
    this.#node = node;
  }

  protected get node(): DbtNode {
    return this.#node;
  }
}

/** A node's `- name:` entry in a properties file (a source's table, a model's properties, an exposure…). */
export class EntryPlace extends NodePlace {
  protected find(): Range {
    const n = this.node;
    const section = yamlSectionOf(n.resourceType);
    if (!section) return ZERO_RANGE;
    if (section === 'sources') return this.finder.entry(this.file, 'sources', n.sourceName ?? '', n.name);
    return this.finder.entry(this.file, section, n.name, undefined, n.version);
  }
}

/** One ref() / source() call of a node, in the node's SQL file. */
export class CallPlace extends NodePlace {
  protected find(): Range {
    // the node's calls are placed together: which text call is whose depends on the ones before it
    this.finder.placeCalls(this.node, this.file);
    return this.placed ? this.range : ZERO_RANGE;
  }
}

/** Which kind of place, for the codec: the finder of a decoded read makes the same kind again. */
export function placeKind(l: Location): 'file' | 'entry' | 'call' | undefined {
  return l instanceof FilePlace ? 'file' : l instanceof EntryPlace ? 'entry' : l instanceof CallPlace ? 'call' : undefined;
}
