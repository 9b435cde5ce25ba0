import type { Document, Node as YamlNode } from 'yaml';

/**
 * A YAML node as plain data (objects, arrays, scalars), keeping only map
 * entries whose key is a scalar: dbt and Dagster keys always are. The yaml
 * library's own conversion turns a collection used as a key into a string,
 * and nested ones (broken Jinja such as `{{ ref(` opening line after line)
 * grow that string exponentially: seconds for a 4 KB file, or a thrown
 * "Invalid string length". Converted with `mapAsMap`, keys stay values and
 * are then dropped here. Shared (aliased) values are converted once, so an
 * alias-heavy file is not expanded; the library's alias limit still applies.
 */
export function yamlToPlain(node: unknown, doc: Document): unknown {
  const js: unknown = (node as YamlNode).toJS(doc, { mapAsMap: true, maxAliasCount: 100 });
  return fromMaps(js, new Map());
}

function fromMaps(v: unknown, done: Map<object, unknown>): unknown {
  if (!v || typeof v !== 'object') return v;
  const seen = done.get(v);
  if (seen !== undefined) return seen;
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    done.set(v, out);
    for (const x of v) out.push(fromMaps(x, done));
    return out;
  }
  if (v instanceof Map) {
    const out: Record<string, unknown> = {};
    done.set(v, out);
    for (const [k, x] of v) {
      if (k !== null && typeof k === 'object') continue;
      out[k === null ? '' : String(k)] = fromMaps(x, done);
    }
    return out;
  }
  if (v instanceof Set) {
    const out: unknown[] = [];
    done.set(v, out);
    for (const x of v) out.push(fromMaps(x, done));
    return out;
  }
  // dates, binary: as the library gives them
  return v;
}
