import type { Range } from '../../model/location';
import { NAMED_SECTIONS as SECTION_LIST } from './schemaYaml';

/**
 * A line scanner that finds the `- name: x` entries of a dbt properties file
 * (schema.yml, sources.yml) without building a YAML document. Locating every
 * manifest node in its YAML file is most of a manifest read when the full
 * YAML parser does it; this covers the plain block style nearly every dbt
 * project writes, and returns undefined for anything else (flow collections
 * at entry level, anchors, tags, multi-line or non-string names, versioned
 * models, several documents), where the caller uses the full parser. When it
 * answers, it gives the same ranges as `indexSchemaYaml` + `findEntryRange`.
 */
export interface FastYamlNames {
  /** section → first-wins name → range of the name scalar (quotes included) */
  sections: Map<string, Map<string, Range>>;
  /** source name → its range and its tables (first wins, as findEntryRange) */
  sources: Map<string, { range: Range; tables: Map<string, Range> }>;
}

/** The named sections indexSchemaYaml reads: one list for both. */
const NAMED_SECTIONS = new Set(SECTION_LIST);

class NotSimple extends Error {}

interface Line {
  /** 0-based line number */
  no: number;
  text: string;
  /** column of the first non-space character */
  indent: number;
}

/** A plain key at the start of `s`: `name:` followed by a space or the end. */
const KEY = /^([A-Za-z_][A-Za-z0-9_-]*)[ ]*:(?=[ \r]|$)/;
/** Plain scalars YAML would not read as the same string (null, bools, numbers) or that start with an indicator. */
const NOT_A_PLAIN_STRING = /^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|[-+]?\.?[0-9].*|[-+]?\.(?:inf|Inf|INF|nan|NaN|NAN)|[&*!|>%@`{}[\],#?:'"-].*)$/;

function fail(): never {
  throw new NotSimple();
}

function contentLines(text: string): Line[] {
  if (text.charCodeAt(0) === 0xfeff) fail();
  const out: Line[] = [];
  const raw = text.split('\n');
  for (let no = 0; no < raw.length; no++) {
    const t = raw[no];
    let i = 0;
    while (i < t.length && t.charCodeAt(i) === 32) i++;
    if (i === t.length || t[i] === '\r') continue;
    if (t[i] === '\t') fail();
    if (t[i] === '#') continue;
    if (i === 0 && (t.startsWith('---') || t.startsWith('...') || t.startsWith('%'))) {
      // a leading document start is fine; anything else is a second document or a directive
      if (!(t.startsWith('---') && out.length === 0 && /^---[ \r]*$/.test(t))) fail();
      continue;
    }
    out.push({ no, text: t, indent: i });
  }
  return out;
}

/** The scalar after `key:` on this line, as indexSchemaYaml would read it; undefined when not a plain one-line string. */
function scalarAfter(line: Line, from: number): { value: string; start: number; end: number } {
  const t = line.text;
  let i = from;
  while (i < t.length && t.charCodeAt(i) === 32) i++;
  if (i >= t.length || t[i] === '\r' || t[i] === '#') fail(); // value on later lines, or null
  const q = t[i];
  if (q === '"' || q === "'") {
    const close = t.indexOf(q, i + 1);
    if (close < 0) fail();
    const inner = t.slice(i + 1, close);
    if (q === '"' && inner.includes('\\')) fail();
    if (q === "'" && t[close + 1] === "'") fail();
    const rest = t.slice(close + 1).replace(/\r$/, '');
    if (!/^[ ]*(?:#.*)?$/.test(rest)) fail();
    return { value: inner, start: i, end: close + 1 };
  }
  let end = t.length;
  const comment = t.indexOf(' #', i);
  if (comment >= 0) end = comment;
  let value = t.slice(i, end).replace(/[ \r]+$/, '');
  if (value.includes(': ') || value.endsWith(':') || value.includes('\t') || NOT_A_PLAIN_STRING.test(value)) fail();
  value = value.replace(/[ ]+$/, '');
  return { value, start: i, end: i + value.length };
}

interface Item {
  /** key → the line it is on and where its value starts */
  keys: Map<string, { line: Line; valueAt: number; index: number }>;
  /** lines of the item after its first, with their positions in `lines` */
  lines: Line[];
  startIndex: number;
  endIndex: number;
  keyColumn: number;
}

class Scanner {
  constructor(private readonly lines: Line[]) {}

  /** The sequence that is the value of the key on lines[keyIndex] (key at `keyColumn`); [from, to) of each item. */
  sequence(keyIndex: number, keyColumn: number, end: number): Item[] {
    const items: Item[] = [];
    let i = keyIndex + 1;
    if (i >= end) return items;
    const seqIndent = this.lines[i].indent;
    if (seqIndent < keyColumn || (seqIndent === keyColumn && keyColumn > 0 && this.lines[i].text[seqIndent] !== '-')) return items;
    if (this.lines[i].text[seqIndent] !== '-') fail();
    while (i < end) {
      const line = this.lines[i];
      if (line.indent < seqIndent) break;
      if (line.indent === seqIndent) {
        if (line.text[seqIndent] !== '-') break;
        const next = line.text[seqIndent + 1];
        if (next !== ' ' && next !== '\r' && next !== undefined) fail();
      } else fail();
      let j = i + 1;
      while (j < end && this.lines[j].indent > seqIndent) j++;
      items.push(this.item(i, j, seqIndent));
      i = j;
    }
    return items;
  }

  /** A block-map sequence item spanning lines [from, to). */
  private item(from: number, to: number, seqIndent: number): Item {
    const first = this.lines[from];
    let col = seqIndent + 1;
    while (col < first.text.length && first.text.charCodeAt(col) === 32) col++;
    const hasInline = col < first.text.length && first.text[col] !== '\r' && first.text[col] !== '#';
    let keyColumn: number;
    let start: number;
    if (hasInline) {
      keyColumn = col;
      start = from;
    } else {
      if (from + 1 >= to) fail();
      keyColumn = this.lines[from + 1].indent;
      start = from + 1;
    }
    const item: Item = { keys: new Map(), lines: [], startIndex: from, endIndex: to, keyColumn };
    let lastKey: string | undefined;
    for (let k = start; k < to; k++) {
      const line = this.lines[k];
      const at = k === from ? keyColumn : line.indent;
      if (k !== from && line.indent > keyColumn) {
        // a nested value; a deeper line after `name: x` would continue the name
        if (lastKey === 'name') fail();
        continue;
      }
      if (k !== from && line.indent < keyColumn) fail();
      const text = line.text.slice(at);
      if (text[0] === '-' && (text[1] === ' ' || text[1] === '\r' || text[1] === undefined)) {
        // a compact sequence under the previous key
        if (k === from || lastKey === undefined || lastKey === 'name') fail();
        continue;
      }
      const m = KEY.exec(text);
      if (!m) fail();
      lastKey = m[1];
      if (!item.keys.has(m[1])) item.keys.set(m[1], { line, valueAt: at + m[0].length, index: k });
    }
    return item;
  }

  /** Named entries of a sequence item list: first-wins name → range. */
  names(items: Item[]): Map<string, { range: Range; item: Item }> {
    const out = new Map<string, { range: Range; item: Item }>();
    for (const it of items) {
      const nameKey = it.keys.get('name');
      if (!nameKey) continue;
      const s = scalarAfter(nameKey.line, nameKey.valueAt);
      if (!out.has(s.value)) {
        out.set(s.value, {
          range: { start: { line: nameKey.line.no, character: s.start }, end: { line: nameKey.line.no, character: s.end } },
          item: it,
        });
      }
    }
    return out;
  }
}

/** Entry names and ranges of a dbt properties file, or undefined when it is not plain block YAML. */
export function fastYamlNames(text: string): FastYamlNames | undefined {
  try {
    const lines = contentLines(text);
    const scanner = new Scanner(lines);
    const result: FastYamlNames = { sections: new Map(), sources: new Map() };
    // top-level keys: column 0; a column-0 `-` line is a compact sequence under the key before it
    const top: { key: string; index: number }[] = [];
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i];
      if (l.indent !== 0) continue;
      if (l.text[0] === '-') {
        if (top.length === 0) fail();
        continue;
      }
      const m = KEY.exec(l.text);
      if (!m) fail();
      top.push({ key: m[1], index: i });
    }
    const seen = new Set<string>();
    for (let t = 0; t < top.length; t++) {
      const { key, index } = top[t];
      if (seen.has(key)) continue; // the first of duplicate keys wins
      seen.add(key);
      if (!NAMED_SECTIONS.has(key) && key !== 'sources') continue;
      const rest = lines[index].text.slice(KEY.exec(lines[index].text)![0].length).replace(/[ \r]+$/, '');
      if (rest !== '' && !/^[ ]+#/.test(rest)) {
        if (/^[ ]*\[\]$/.test(rest)) continue;
        fail();
      }
      const end = t + 1 < top.length ? top[t + 1].index : lines.length;
      const items = scanner.sequence(index, 0, end);
      const named = scanner.names(items);
      if (key === 'sources') {
        for (const [name, { range, item }] of named) {
          const tables = new Map<string, Range>();
          const tk = item.keys.get('tables');
          if (tk) {
            const after = tk.line.text.slice(tk.valueAt).replace(/[ \r]+$/, '');
            if (after !== '' && !/^[ ]+#/.test(after)) fail();
            for (const [tname, t2] of scanner.names(scanner.sequence(tk.index, item.keyColumn, item.endIndex))) tables.set(tname, t2.range);
          }
          result.sources.set(name, { range, tables });
        }
      } else {
        if (key === 'models' && items.some((it) => it.keys.has('versions'))) fail();
        const section = new Map<string, Range>();
        for (const [name, { range }] of named) section.set(name, range);
        result.sections.set(key, section);
      }
    }
    return result;
  } catch (err) {
    if (err instanceof NotSimple) return undefined;
    return undefined;
  }
}

/** findEntryRange over the fast index: the same answer, for the files it covers. */
export function fastEntryRange(index: FastYamlNames, section: string, name: string, table?: string): Range | undefined {
  if (section === 'sources') {
    const src = index.sources.get(name);
    if (!src) return undefined;
    if (table === undefined) return src.range;
    return src.tables.get(table);
  }
  return index.sections.get(section)?.get(name);
}
