import type { Node } from 'web-tree-sitter';
import type { SelectionFact } from '../../model/code';
import { parseKeyPath, type AssetKey } from '../../model/keys';
import type { KeyReference } from '../../model/reference';
import type { ReadContext } from './context';
import { keyTarget } from './keys';
import { argument, callArgs, dottedName, nodeRange, sequenceElements, stringLiteral, unwrap } from './syntax';

/**
 * Jobs, `materialize([...])` and AssetSelection expressions: which assets run
 * together. Selected keys become references with role 'selection'; python
 * names of asset functions go to `definitionNames`.
 */

export const JOB_CALLS = ['define_asset_job'];
export const MATERIALIZE_CALLS = ['materialize', 'materialize_to_memory'];
const SELECTION_METHODS = new Set(['assets', 'keys']);

interface Collected {
  refs: KeyReference[];
  names: string[];
}

function selectionRef(ctx: ReadContext, target: KeyReference['target'], range: KeyReference['location']['range'], form: string): KeyReference {
  return { target, location: ctx.at(range), role: 'selection', form };
}

/**
 * A selection string in Dagster's selection syntax, reduced to the key it
 * names: `a/b`, `a/b*`, `+a/b`, `key:"a/b"`. Anything else (groups, tags,
 * boolean expressions) names no single key.
 */
function keyOfSelectionString(text: string): AssetKey | null {
  let t = text.trim();
  const m = /^key:"?([^"]*)"?$/.exec(t);
  if (m) t = m[1];
  t = t.replace(/^(\d*\+|\*)/, '').replace(/(\+\d*|\*)$/, '');
  if (!t || /[\s:,()]/.test(t) || t.includes('*')) return null;
  const key = parseKeyPath(t);
  return key.length ? key : null;
}

/** The parts of an AssetSelection expression: `.assets(...)`, `.keys(...)`, chains and set operators. */
function collectSelectionExpr(ctx: ReadContext, node: Node, out: Collected, depth = 0): void {
  if (depth > 50) return;
  const n = unwrap(node);
  if (n.type === 'binary_operator') {
    const l = n.childForFieldName('left');
    const r = n.childForFieldName('right');
    if (l) collectSelectionExpr(ctx, l, out, depth + 1);
    if (r) collectSelectionExpr(ctx, r, out, depth + 1);
    return;
  }
  if (n.type !== 'call') {
    if (n.type === 'attribute') {
      const obj = n.childForFieldName('object');
      if (obj) collectSelectionExpr(ctx, obj, out, depth + 1);
    }
    return;
  }
  const fn = n.childForFieldName('function');
  if (!fn) return;
  const dg = ctx.scope.dagsterName(fn);
  if (dg && dg.startsWith('AssetSelection.')) {
    ctx.consume(n);
    const method = dg.slice('AssetSelection.'.length);
    if (!SELECTION_METHODS.has(method)) return;
    for (const a of callArgs(n)?.positional ?? []) collectElement(ctx, a, out, 'selection');
    return;
  }
  // chained methods: .upstream(), .downstream(), .required_multi_asset_neighbors() ...
  if (fn.type === 'attribute') {
    const obj = fn.childForFieldName('object');
    if (obj) collectSelectionExpr(ctx, obj, out, depth + 1);
    for (const a of callArgs(n)?.positional ?? []) collectSelectionExpr(ctx, a, out, depth + 1);
  }
}

/** One element of a selection: key string ("a/b" is two parts here), AssetKey(...), python name. */
function collectElement(ctx: ReadContext, node: Node, out: Collected, form: string): void {
  const n = unwrap(node);
  const s = stringLiteral(n);
  if (s) {
    const key = keyOfSelectionString(s.value);
    if (key) out.refs.push(selectionRef(ctx, { kind: 'key', key }, s.range, form));
    return;
  }
  if (n.type === 'call' && ctx.scope.dagsterName(n.childForFieldName('function'))?.startsWith('AssetSelection.')) {
    collectSelectionExpr(ctx, n, out);
    return;
  }
  if (n.type === 'identifier' || n.type === 'attribute') {
    const c = n.type === 'identifier' ? ctx.scope.constants.get(n.text) : undefined;
    if (c !== undefined) {
      const key = keyOfSelectionString(c);
      if (key) out.refs.push(selectionRef(ctx, { kind: 'key', key }, nodeRange(n), form));
      return;
    }
    const name = dottedName(n);
    if (name) out.names.push(name);
    return;
  }
  const t = keyTarget(ctx, n, 'user', form);
  if (t && !t.pythonName) out.refs.push(selectionRef(ctx, t.target, t.range, t.form === 'asset_key' ? 'selection' : t.form));
}

/** `selection=` of a job: AssetSelection expression, list, single string, or a module-level variable. */
function collectSelection(ctx: ReadContext, node: Node | undefined, out: Collected, depth = 0): void {
  if (!node || depth > 5) return;
  const n = unwrap(node);
  const elems = sequenceElements(n);
  if (elems) {
    for (const e of elems) collectElement(ctx, e, out, 'selection');
    return;
  }
  if (n.type === 'identifier') {
    const a = ctx.scope.assignments.get(n.text);
    if (a && !ctx.scope.constants.has(n.text)) {
      collectSelection(ctx, a.value, out, depth + 1);
      return;
    }
  }
  if (n.type === 'string' || n.type === 'identifier') {
    collectElement(ctx, n, out, 'selection');
    return;
  }
  collectSelectionExpr(ctx, n, out);
}

function emit(ctx: ReadContext, kind: string, call: Node, out: Collected, name?: string): void {
  const id = ctx.nextSelectionId(kind, call);
  const fact: SelectionFact = { id, kind, location: ctx.loc(call) };
  if (name) fact.name = name;
  if (out.names.length) fact.definitionNames = out.names;
  for (const n of out.names) if (n.includes('.')) ctx.usedNames.add(n);
  ctx.facts.selections.push(fact);
  for (const r of out.refs) {
    r.selectionId = id;
    ctx.facts.references.push(r);
  }
}

/** `define_asset_job("name", selection=...)`. */
export function readJob(ctx: ReadContext, call: Node): void {
  ctx.consume(call);
  const args = callArgs(call);
  const nameNode = argument(args, 'name', 0);
  const name = nameNode ? stringLiteral(unwrap(nameNode))?.value : undefined;
  const out: Collected = { refs: [], names: [] };
  collectSelection(ctx, argument(args, 'selection', 1), out);
  emit(ctx, 'define_asset_job', call, out, name);
  const loc = nameNode ? stringLiteral(unwrap(nameNode)) : null;
  if (loc) ctx.facts.selections[ctx.facts.selections.length - 1].location = ctx.at(loc.range);
}

/** `materialize([asset_fn, AssetSpec(...)], ...)`. */
export function readMaterialize(ctx: ReadContext, call: Node): void {
  ctx.consume(call);
  const args = callArgs(call);
  const out: Collected = { refs: [], names: [] };
  const list = argument(args, 'assets', 0);
  for (const e of sequenceElements(list) ?? []) collectElement(ctx, e, out, 'selection');
  const sel = argument(args, 'selection');
  if (sel) collectSelection(ctx, sel, out);
  emit(ctx, 'materialize', call, out);
}

/** A free-standing `AssetSelection.assets(...)` / `.keys(...)` (sensors, schedules, variables). */
export function readAssetSelection(ctx: ReadContext, call: Node): void {
  const out: Collected = { refs: [], names: [] };
  collectSelectionExpr(ctx, call, out);
  if (out.refs.length || out.names.length) emit(ctx, 'AssetSelection', call, out);
}

/** Any other `AssetKey(...)` or dbt lookup: a mention. */
export function readMention(ctx: ReadContext, call: Node): void {
  const t = keyTarget(ctx, call, 'coercible', 'asset_key');
  if (!t || t.pythonName) return;
  ctx.facts.references.push({ target: t.target, location: ctx.at(t.range), role: 'mention', form: t.form });
}

