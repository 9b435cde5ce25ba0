import { isMap, isScalar, isSeq, parseDocument, type Document, type Node as YamlNode, type Pair } from 'yaml';
import { LineIndex, type Range } from '../../model/location';
import { yamlTooDeep, yamlTooDeepMessage } from '../yamlDepth';
import { yamlToPlain } from '../yamlPlain';

/**
 * Index of a dbt properties file (schema.yml, sources.yml): for each named
 * entry (`models: - name: m`, `sources: - name: s / tables: - name: t`) the
 * range of its name scalar plus its plain value. Jinja and syntax errors are
 * tolerated: whatever the parser recovered is indexed.
 */
export interface YamlNamedEntry {
  name: string;
  /** range of the name value (`m` in `- name: m`) */
  nameRange: Range;
  value: Record<string, unknown>;
  /** versioned models: `versions: - v: 2` entries, range of the `v` value */
  versions?: { v: string | number; range: Range; value: Record<string, unknown> }[];
}

export interface YamlSourceEntry extends YamlNamedEntry {
  tables: YamlNamedEntry[];
}

export interface SchemaYaml {
  file: string;
  /** models, seeds, snapshots, analyses, exposures, unit_tests, metrics, semantic_models, saved_queries, macros ... */
  sections: Map<string, YamlNamedEntry[]>;
  sources: YamlSourceEntry[];
  /** why the file was not parsed (too deep to index), for the caller to report */
  skipped?: string;
}

/** Sections of `- name:` entries (the fast scanner in yamlNames.ts reads the same list). */
export const NAMED_SECTIONS = [
  'models',
  'seeds',
  'snapshots',
  'analyses',
  'exposures',
  'unit_tests',
  'metrics',
  'semantic_models',
  'saved_queries',
  'groups',
];

function mapGet(node: unknown, key: string): YamlNode | undefined {
  if (!isMap(node)) return undefined;
  for (const pair of node.items as Pair[]) {
    if (isScalar(pair.key) && String(pair.key.value) === key) return (pair.value ?? undefined) as YamlNode | undefined;
  }
  return undefined;
}

function scalarRange(node: YamlNode | undefined, lines: LineIndex): Range | undefined {
  if (!node || !isScalar(node) || !node.range) return undefined;
  return lines.rangeOf(node.range[0], node.range[1]);
}

/**
 * An entry as plain values, without `columns`: no reader uses them, and they
 * are most of a properties file (a description per column), which the scan
 * memo keeps for the next save (a 43 KB schema.yml held 0.4 MB with them).
 */
function plain(node: unknown, doc: Document): Record<string, unknown> {
  try {
    const v = isMap(node) ? yamlToPlain(node, doc) : undefined;
    if (!v || typeof v !== 'object' || Array.isArray(v)) return {};
    const { columns: _columns, ...rest } = v as Record<string, unknown>;
    return rest;
  } catch {
    return {};
  }
}

function namedEntries(seq: YamlNode | undefined, lines: LineIndex, doc: Document): { entry: YamlNamedEntry; node: YamlNode }[] {
  const out: { entry: YamlNamedEntry; node: YamlNode }[] = [];
  if (!isSeq(seq)) return out;
  for (const item of seq.items) {
    const nameNode = mapGet(item, 'name');
    const nameRange = scalarRange(nameNode, lines);
    if (!nameNode || !isScalar(nameNode) || nameRange === undefined || nameNode.value === null) continue;
    const entry: YamlNamedEntry = { name: String(nameNode.value), nameRange, value: plain(item, doc) };
    const versions = mapGet(item, 'versions');
    if (isSeq(versions)) {
      entry.versions = [];
      for (const vItem of versions.items) {
        const vNode = mapGet(vItem, 'v');
        const r = scalarRange(vNode, lines);
        if (!vNode || !isScalar(vNode) || r === undefined) continue;
        const v = vNode.value;
        if (typeof v !== 'string' && typeof v !== 'number') continue;
        entry.versions.push({ v, range: r, value: plain(vItem, doc) });
      }
    }
    out.push({ entry, node: item as YamlNode });
  }
  return out;
}

export function indexSchemaYaml(text: string, file: string): SchemaYaml {
  const result: SchemaYaml = { file, sections: new Map(), sources: [] };
  if (yamlTooDeep(text)) {
    result.skipped = yamlTooDeepMessage();
    return result;
  }
  let root: unknown;
  let doc: Document;
  try {
    doc = parseDocument(text, { keepSourceTokens: false, uniqueKeys: false, strict: false });
    root = doc.contents;
  } catch {
    return result;
  }
  if (!isMap(root)) return result;
  const lines = new LineIndex(text);
  for (const section of NAMED_SECTIONS) {
    const entries = namedEntries(mapGet(root, section), lines, doc);
    if (entries.length) result.sections.set(section, entries.map((e) => e.entry));
  }
  for (const { entry, node } of namedEntries(mapGet(root, 'sources'), lines, doc)) {
    const tables = namedEntries(mapGet(node, 'tables'), lines, doc).map((t) => t.entry);
    result.sources.push({ ...entry, tables });
  }
  return result;
}

/** Find one entry's name range: a source table, or a named entry of a section. */
export function findEntryRange(index: SchemaYaml, section: string, name: string, tableName?: string): Range | undefined {
  if (section === 'sources') {
    const src = index.sources.find((s) => s.name === name);
    if (!src) return undefined;
    if (tableName === undefined) return src.nameRange;
    return src.tables.find((t) => t.name === tableName)?.nameRange;
  }
  return index.sections.get(section)?.find((e) => e.name === name)?.nameRange;
}
