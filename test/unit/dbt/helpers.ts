import { existsSync, readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import type { FileSource, FileStat } from '../../../server/src/sources/fileSource';

/** The repository root: the nearest ancestor holding package.json (compiled tests live under out/). */
export function repoRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'asset-lens') return dir;
    dir = path.dirname(dir);
  }
  return process.cwd();
}

export const MANIFEST_DIR = '/work/shared/manifests';

/** Every real manifest file (top level and more/). */
export function allManifests(): string[] {
  const out: string[] = [];
  for (const sub of ['', 'more']) {
    const dir = path.join(MANIFEST_DIR, sub);
    for (const f of readdirSync(dir).sort()) if (f.endsWith('.json')) out.push(path.join(dir, f));
  }
  return out;
}

/**
 * A manifest of the shapes a byte scanner can get wrong: escaped and non-ASCII
 * text, brackets and quotes inside strings, an escaped id, nodes and configs
 * that are not objects, kept values of every kind, a null collection.
 */
export const ODD_MANIFEST = {
  metadata: { dbt_schema_version: 'https://schemas.getdbt.com/dbt/manifest/v12.json', project_name: 'p' },
  macros: { 'macro.x': { macro_sql: '{% macro x() %}"}]{[\\"{% endmacro %}' } },
  nodes: {
    'model.p.a': {
      name: 'a',
      raw_code: 'select "}" as x, \'\\\\\' as y -- ]]]{{{ ' + 'z'.repeat(5000) + '\\"',
      compiled_code: '\\\\',
      columns: { c: { name: 'c', description: 'quote " and backslash \\ and \u00e9 and \ud83d\ude00' } },
      description: 'a "quoted" description with \\ and \n newline and \u00e9\u4e2d\ud83d\ude00',
      config: { materialized: 'view', meta: { dagster: { asset_key: ['x', 'y'] } }, post_hook: ['}'], schema: null },
      depends_on: { macros: ['macro.x'], nodes: ['model.p.b'] },
      refs: [{ name: 'b', package: null, version: 2 }],
      version: 1.5,
      latest_version: -2e3,
      tags: [],
      'unique_id': 'model.p.a',
    },
    'model.p.\u00e9\\"odd': { name: '\u00e9', config: null, depends_on: [] },
    'model.p.notobject': 42,
    'model.p.empty': {},
    'model.p.configs': { config: 'not an object', depends_on: { nodes: [] } },
    'model.p.meta': { meta: { a: [true, null, { b: '\\u00e9' }] }, fqn: ['p', 'meta'] },
    'model.p.long': { name: 'long', description: `${'d'.repeat(60)}\n\t"${'e'.repeat(200)}\\`, alias: `${'a'.repeat(300)}\u00e9` },
  },
  sources: null,
  semantic_models: { 'semantic_model.p.t': { name: 't', source_name: 's', config: { tags: ['x'] } } },
  exposures: [],
  parent_map: { 'model.p.a': ['model.p.b'] },
};

/** FileSource over a map of absolute path → text, with settable mtimes. */
export class MemoryFileSource implements FileSource {
  readonly files = new Map<string, { bytes: Uint8Array; mtimeMs: number }>();
  reads = 0;
  /** reads per path */
  readonly readsOf = new Map<string, number>();

  readCount(p: string): number {
    return this.readsOf.get(p) ?? 0;
  }

  set(file: string, content: string | Uint8Array, mtimeMs = 1000): this {
    this.files.set(file, { bytes: typeof content === 'string' ? Buffer.from(content, 'utf8') : content, mtimeMs });
    return this;
  }
  readText(p: string): string | undefined {
    const bytes = this.readBytes(p);
    return bytes && Buffer.from(bytes).toString('utf8');
  }
  readBytes(p: string): Uint8Array | undefined {
    this.readsOf.set(p, this.readCount(p) + 1);
    const f = this.files.get(p);
    if (f) this.reads++;
    return f?.bytes;
  }
  stat(p: string): FileStat | undefined {
    const f = this.files.get(p);
    if (f) return { size: f.bytes.length, mtimeMs: f.mtimeMs, isFile: true, isDirectory: false };
    const prefix = p.endsWith(path.sep) ? p : p + path.sep;
    for (const k of this.files.keys()) if (k.startsWith(prefix)) return { size: 0, mtimeMs: 0, isFile: false, isDirectory: true };
    return undefined;
  }
  list(dir: string): string[] | undefined {
    const prefix = dir.endsWith(path.sep) ? dir : dir + path.sep;
    const names = new Set<string>();
    for (const k of this.files.keys()) if (k.startsWith(prefix)) names.add(k.slice(prefix.length).split(path.sep)[0]);
    return names.size ? [...names].sort() : undefined;
  }
}

/** Text of a range's first line, for "points at the right text" checks. */
export function lineOf(text: string, line: number): string {
  return text.split('\n')[line] ?? '';
}

export function sliceRange(text: string, r: { start: { line: number; character: number }; end: { line: number; character: number } }): string {
  const lines = text.split('\n');
  if (r.start.line === r.end.line) return (lines[r.start.line] ?? '').slice(r.start.character, r.end.character);
  return [lines[r.start.line].slice(r.start.character), ...lines.slice(r.start.line + 1, r.end.line), lines[r.end.line].slice(0, r.end.character)].join('\n');
}

/**
 * Plain data as JSON sees it: a manifest node's places become `{ file, range }`
 * (their ranges found), undefined fields are dropped.
 */
export const plain = (v: unknown) => JSON.parse(JSON.stringify(v));
