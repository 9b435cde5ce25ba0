import { LineIndex, type Location } from '../../model/location';
import type { SqlScan } from './sqlScan';

/**
 * dbt Python models (`def model(dbt, session)`): `dbt.ref("m")`,
 * `dbt.ref("pkg", "m")`, `dbt.ref("m", v=2)`, `dbt.source("s", "t")` and
 * literal `dbt.config(key="value")` arguments. Regex-based: Python models
 * spell these calls plainly, and a half-typed call simply does not match.
 */
// groups: 1 ref|source, 2/3 quote/first literal, 4/5 quote/second literal, 6/7 numeric/string version
const CALL =
  /\bdbt\.(ref|source)\(\s*(['"])((?:(?!\2)[^\\\n])*)\2(?:\s*,\s*(['"])((?:(?!\4)[^\\\n])*)\4)?(?:\s*,\s*(?:v|version)\s*=\s*(?:(\d+)|['"]([^'"\n]*)['"]))?\s*\)/g;
const CONFIG_ARG = /\bdbt\.config\(([^)]*)\)/g;

export function scanPythonModel(text: string, file: string): SqlScan {
  const out: SqlScan = { refs: [], sources: [], snapshots: [] };
  const lines = new LineIndex(text);
  const loc = (start: number, length: number): Location => ({ file, range: lines.rangeOf(start, start + length) });
  for (const m of text.matchAll(CALL)) {
    const base = m.index ?? 0;
    const firstAt = base + m[0].indexOf(m[2] + m[3] + m[2]) + 1;
    const secondAt = m[5] !== undefined ? base + m[0].indexOf(m[4] + m[5] + m[4], firstAt - base + m[3].length + 1) + 1 : -1;
    if (m[1] === 'ref') {
      const two = m[5] !== undefined;
      const name = two ? m[5] : m[3];
      if (!name) continue;
      const target: SqlScan['refs'][number]['target'] = { kind: 'dbt_ref', name };
      if (two && m[3]) target.package = m[3];
      if (m[6] !== undefined) target.version = Number(m[6]);
      else if (m[7] !== undefined) target.version = m[7];
      out.refs.push({ target, location: two ? loc(secondAt, name.length) : loc(firstAt, name.length) });
    } else if (m[5] !== undefined && m[3] && m[5]) {
      out.sources.push({
        target: { kind: 'dbt_source', sourceName: m[3], table: m[5] },
        location: loc(secondAt, m[5].length),
        sourceNameLocation: loc(firstAt, m[3].length),
      });
    }
  }
  for (const m of text.matchAll(CONFIG_ARG)) {
    if (!out.config) out.config = { values: {}, location: loc(m.index ?? 0, 10) };
    for (const kv of m[1].matchAll(/(\w+)\s*=\s*['"]([^'"\n]*)['"]/g)) out.config.values[kv[1]] = kv[2];
  }
  if (out.config) {
    const v = out.config.values;
    if (typeof v.schema === 'string') out.config.schema = v.schema;
    if (typeof v.materialized === 'string') out.config.materialized = v.materialized;
    if (typeof v.alias === 'string') out.config.alias = v.alias;
  }
  return out;
}
