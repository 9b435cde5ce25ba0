import type { DbtNode } from '../model/dbt';

/**
 * dbt node selection (`dbt ls --select ... --exclude ...`) over DbtNodes, as
 * `@dbt_assets(select=, exclude=)` uses it: space = union, comma =
 * intersection, `method:value` criteria, `+`/`N+`/`@` graph operators.
 * Unsupported methods (selector:, state:, result:, ...) select nothing.
 */

const globCache = new Map<string, RegExp>();

/** Python fnmatch (case-sensitive): `*`, `?`, `[seq]`, `[!seq]`. */
export function fnmatch(text: string, pattern: string): boolean {
  let re = globCache.get(pattern);
  if (!re) {
    let src = '';
    for (let i = 0; i < pattern.length; i++) {
      const c = pattern[i];
      if (c === '*') src += '.*';
      else if (c === '?') src += '.';
      else if (c === '[') {
        const end = pattern.indexOf(']', i + 2);
        if (end < 0) src += '\\[';
        else {
          let body = pattern.slice(i + 1, end);
          if (body.startsWith('!')) body = '^' + body.slice(1);
          src += '[' + body.replace(/\\/g, '\\\\') + ']';
          i = end;
        }
      } else src += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
    re = new RegExp('^' + src + '$', 's');
    globCache.set(pattern, re);
  }
  return re.test(text);
}

const hasWildcard = (s: string): boolean => /[*?[]/.test(s);

function isVersioned(node: DbtNode): boolean {
  return node.version !== undefined && node.version !== null;
}

/** dbt's `is_selected_node`: leaf name, or a dotted prefix of the fqn (with glob on the rest). */
function fqnSelects(fqn: string[], selector: string, versioned: boolean): boolean {
  if (fqn.length === 0) return false;
  if (versioned && fqn.length >= 2) {
    if (fqn[fqn.length - 2] === selector) return true;
    if (fqn.slice(-2).join('_') === selector) return true;
    if (fqn.slice(-2).join('.') === selector) return true;
  } else if (fqn[fqn.length - 1] === selector) return true;
  const flat = fqn.flatMap((s) => s.split('.'));
  const parts = selector.split('.');
  if (flat.length < parts.length) return false;
  for (let i = 0; i < parts.length; i++) {
    if (hasWildcard(parts[i])) return fnmatch(flat.slice(i).join('.'), parts.slice(i).join('.'));
    if (flat[i] !== parts[i]) return false;
  }
  return true;
}

function fqnMatches(node: DbtNode, value: string): boolean {
  const v = isVersioned(node);
  return fqnSelects(node.fqn, value, v) || fqnSelects(node.fqn.slice(1), value, v);
}

function normPath(p: string): string {
  return p.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '');
}

function pathMatches(node: DbtNode, value: string): boolean {
  if (!node.originalFilePath) return false;
  const ofp = normPath(node.originalFilePath);
  const sel = normPath(value);
  if (sel === '' || sel === '.') return true;
  if (hasWildcard(sel)) return fnmatch(ofp, sel) || fnmatch(ofp, sel + '/*');
  return ofp === sel || ofp.startsWith(sel + '/');
}

function fileMatches(node: DbtNode, value: string): boolean {
  if (!node.originalFilePath) return false;
  const base = normPath(node.originalFilePath).split('/').pop() ?? '';
  const stem = base.replace(/\.[^.]*$/, '');
  return fnmatch(base, value) || fnmatch(stem, value);
}

function sourceMatches(node: DbtNode, value: string): boolean {
  if (node.resourceType !== 'source') return false;
  const parts = value.split('.');
  const target =
    parts.length === 1
      ? [node.sourceName ?? '']
      : parts.length === 2
        ? [node.sourceName ?? '', node.name]
        : [node.packageName, node.sourceName ?? '', node.name];
  if (parts.length > 3) return false;
  return parts.every((p, i) => fnmatch(target[i], p));
}

function configValue(node: DbtNode, key: string): unknown {
  switch (key) {
    case 'materialized':
      return node.materialized;
    case 'schema':
      return node.configSchema;
    case 'alias':
      return node.alias;
    case 'tags':
      return node.tags;
    case 'group':
      return node.group;
    default:
      return node.configMeta && key.startsWith('meta.') ? node.configMeta[key.slice(5)] : undefined;
  }
}

/** One method criterion, without graph operators. */
export function methodMatches(node: DbtNode, method: string, value: string): boolean {
  switch (method) {
    case 'fqn':
      return fqnMatches(node, value);
    case 'tag':
      return node.tags.some((t) => fnmatch(t, value));
    case 'path':
      return pathMatches(node, value);
    case 'file':
      return fileMatches(node, value);
    case 'source':
      return sourceMatches(node, value);
    case 'resource_type':
      return node.resourceType === value;
    case 'package':
      return fnmatch(node.packageName, value);
    case 'group':
      return node.group !== undefined && fnmatch(node.group, value);
    case 'exposure':
      return node.resourceType === 'exposure' && fnmatch(node.name, value);
    case 'metric':
      return node.resourceType === 'metric' && fnmatch(node.name, value);
    case 'unit_test':
      return node.resourceType === 'unit_test' && fqnMatches(node, value);
    case 'version': {
      if (!isVersioned(node)) return value === 'none';
      const latest = node.latestVersion ?? node.version;
      if (value === 'latest') return String(node.version) === String(latest);
      if (value === 'old') return Number(node.version) < Number(latest);
      if (value === 'prerelease') return Number(node.version) > Number(latest);
      return false;
    }
    default:
      if (method.startsWith('config.')) {
        const v = configValue(node, method.slice(7));
        if (Array.isArray(v)) return v.some((x) => fnmatch(String(x), value));
        return v !== undefined && v !== null && fnmatch(String(v), value);
      }
      return false;
  }
}

/** dbt's default method for a bare value: path-like → path, file-like → file, else fqn. */
function defaultMethod(value: string): string {
  if (value.includes('/') || value.includes('\\')) return 'path';
  if (/\.(sql|py|csv)$/i.test(value)) return 'file';
  return 'fqn';
}

interface Criterion {
  method: string;
  value: string;
  childrensParents: boolean;
  parents: boolean;
  parentsDepth?: number;
  children: boolean;
  childrenDepth?: number;
}

export function parseCriterion(raw: string): Criterion | undefined {
  const m = /^(@)?(?:(\d*)\+)?(.*?)(?:\+(\d*))?$/.exec(raw);
  if (!m) return undefined;
  const body = m[3];
  if (!body) return undefined;
  let method: string;
  let value: string;
  const colon = body.indexOf(':');
  if (colon > 0) {
    method = body.slice(0, colon);
    value = body.slice(colon + 1);
  } else {
    method = defaultMethod(body);
    value = body;
  }
  const c: Criterion = {
    method,
    value,
    childrensParents: !!m[1],
    parents: m[2] !== undefined,
    children: m[4] !== undefined,
  };
  if (m[2]) c.parentsDepth = Number(m[2]);
  if (m[4]) c.childrenDepth = Number(m[4]);
  return c;
}

class Graph {
  readonly parents = new Map<string, string[]>();
  readonly children = new Map<string, string[]>();
  constructor(nodes: DbtNode[]) {
    for (const n of nodes) {
      this.parents.set(n.uniqueId, n.dependsOn);
      for (const p of n.dependsOn) {
        const list = this.children.get(p);
        if (list) list.push(n.uniqueId);
        else this.children.set(p, [n.uniqueId]);
      }
    }
  }
  walk(start: Iterable<string>, edges: Map<string, string[]>, depth?: number): Set<string> {
    const out = new Set<string>();
    let frontier = [...start];
    let level = 0;
    while (frontier.length && (depth === undefined || level < depth)) {
      const next: string[] = [];
      for (const id of frontier) {
        for (const e of edges.get(id) ?? []) {
          if (!out.has(e)) {
            out.add(e);
            next.push(e);
          }
        }
      }
      frontier = next;
      level++;
    }
    return out;
  }
}

function selectCriterion(nodes: DbtNode[], graph: Graph, c: Criterion): Set<string> {
  const base = new Set<string>();
  for (const n of nodes) if (methodMatches(n, c.method, c.value)) base.add(n.uniqueId);
  const out = new Set(base);
  if (c.childrensParents) {
    const desc = graph.walk(base, graph.children);
    for (const d of desc) out.add(d);
    for (const a of graph.walk(new Set([...base, ...desc]), graph.parents)) out.add(a);
    return out;
  }
  if (c.parents) for (const a of graph.walk(base, graph.parents, c.parentsDepth)) out.add(a);
  if (c.children) for (const d of graph.walk(base, graph.children, c.childrenDepth)) out.add(d);
  return out;
}

/** An expression as dbt reads it: space-separated unions of comma-separated intersections (an unparsable criterion: undefined). */
function parseExpression(expr: string): (Criterion | undefined)[][] {
  return expr
    .split(/\s+/)
    .filter(Boolean)
    .map((union) => union.split(',').filter(Boolean).map(parseCriterion));
}

function selectExpression(nodes: DbtNode[], graph: Graph, expr: string): Set<string> {
  const out = new Set<string>();
  for (const union of parseExpression(expr)) {
    let acc: Set<string> | undefined;
    for (const c of union) {
      const sel = c ? selectCriterion(nodes, graph, c) : new Set<string>();
      acc = acc === undefined ? sel : new Set([...acc].filter((id) => sel.has(id)));
    }
    for (const id of acc ?? []) out.add(id);
  }
  return out;
}

/** Every criterion of a selection expression (unparsable ones select nothing: left out). */
function criteriaOf(expr: string): Criterion[] {
  return parseExpression(expr)
    .flat()
    .filter((c): c is Criterion => c !== undefined);
}

/**
 * Whether `select` minus `exclude` picks the same nodes when `after` takes the
 * place of `before` (same unique id; every other node the same; the same
 * depends_on too where `walksGraph`): every criterion matches both alike.
 * Graph operators walk depends_on from the nodes the criteria match, so equal
 * matches give equal selections. May say no where the selections are equal
 * after all, never yes where they differ.
 */
export function selectsAlike(before: DbtNode, after: DbtNode, select: string, exclude?: string): boolean {
  const criteria = criteriaOf(select.trim() ? select : 'fqn:*');
  if (exclude && exclude.trim()) criteria.push(...criteriaOf(exclude));
  return criteria.every((c) => methodMatches(before, c.method, c.value) === methodMatches(after, c.method, c.value));
}

/** Whether `select` or `exclude` walks depends_on (`+`, `N+`, `@`): then what a node depends on changes what they pick. */
export function walksGraph(select: string, exclude?: string): boolean {
  const criteria = criteriaOf(select);
  if (exclude) criteria.push(...criteriaOf(exclude));
  return criteria.some((c) => c.parents || c.children || c.childrensParents);
}

/**
 * Unique ids of the nodes `select` minus `exclude` picks. Only ids of nodes in
 * `nodes` are returned (graph walks through unknown ids are dropped).
 */
export function selectDbtNodes(nodes: DbtNode[], select: string, exclude?: string): Set<string> {
  const graph = new Graph(nodes);
  const known = new Set(nodes.map((n) => n.uniqueId));
  const selected = selectExpression(nodes, graph, select.trim() ? select : 'fqn:*');
  if (exclude && exclude.trim()) for (const id of selectExpression(nodes, graph, exclude)) selected.delete(id);
  for (const id of [...selected]) if (!known.has(id)) selected.delete(id);
  return selected;
}
