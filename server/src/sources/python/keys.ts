import type { Node } from 'web-tree-sitter';
import type { Range } from '../../model/location';
import { parseKeyPath, type AssetKey } from '../../model/keys';
import type { RefTarget } from '../../model/reference';
import type { ReadContext } from './context';
import { argument, callArgs, dottedName, innerRange, nodeRange, sequenceElements, stringLiteral, unwrap } from './syntax';

/**
 * Asset keys written in Python, with the range a reference covers:
 * - a string: its content (inside the quotes);
 * - a list / tuple of strings: inside the brackets;
 * - `AssetKey("x")`: the string content; `AssetKey([...])`: inside the call's parentheses.
 *
 * How a plain string becomes a key depends on where it is written (Dagster's rules):
 * `coercible` (deps=, key=, AssetIn(key=)): `AssetKey.from_coercible`, ONE part;
 * `user` (AssetSelection.keys / .assets, job selection strings): split on "/".
 */
export type StringMode = 'coercible' | 'user';

export interface EvaluatedKey {
  key: AssetKey;
  range: Range;
}

export interface KeyTarget {
  target: RefTarget;
  range: Range;
  form: string;
  hasPartitionMapping?: boolean;
  /** a python name (`deps=[upstream_fn]`): the linker resolves it via symbols */
  pythonName?: string;
  /** the name's node, for its location */
  nameNode?: Node;
}

export const KEY_CALLS = ['AssetKey', 'AssetKey.from_user_string', 'AssetKey.from_coercible'];

function stringsOf(ctx: ReadContext, node: Node): { values: string[]; range: Range } | null {
  const elems = sequenceElements(node);
  if (!elems) return null;
  const values: string[] = [];
  for (const e of elems) {
    const s = stringLiteral(e);
    if (s) values.push(s.value);
    else if (e.type === 'identifier' && ctx.scope.constants.has(e.text)) values.push(ctx.scope.constants.get(e.text)!);
    else return null;
  }
  return { values, range: innerRange(unwrap(node)) };
}

/**
 * A key-valued expression: string, list of strings, AssetKey(...) forms,
 * `.with_prefix(...)`. Null when not evaluable, and for empty keys or parts
 * (`deps=[""]` while typing names nothing yet).
 */
export function evalKey(ctx: ReadContext, node: Node | undefined, mode: StringMode): EvaluatedKey | null {
  const k = evalKeyRaw(ctx, node, mode);
  return k && k.key.length > 0 && k.key.every((p) => p.length > 0) ? k : null;
}

function evalKeyRaw(ctx: ReadContext, node: Node | undefined, mode: StringMode): EvaluatedKey | null {
  if (!node) return null;
  const n = unwrap(node);
  const s = stringLiteral(n);
  if (s) return { key: mode === 'user' ? parseKeyPath(s.value) : [s.value], range: s.range };
  if (n.type === 'identifier') {
    const c = ctx.scope.constants.get(n.text);
    if (c !== undefined) return { key: mode === 'user' ? parseKeyPath(c) : [c], range: nodeRange(n) };
    return null;
  }
  const list = stringsOf(ctx, n);
  if (list) return { key: list.values, range: list.range };
  if (n.type !== 'call') return null;
  const fn = n.childForFieldName('function');
  // `<key>.with_prefix(p)`: prefix parts first
  if (fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'with_prefix') {
    const base = evalKey(ctx, fn.childForFieldName('object') ?? undefined, mode);
    const prefixNode = argument(callArgs(n), 'prefix', 0);
    const prefix = prefixNode ? evalKey(ctx, prefixNode, 'coercible') : null;
    if (!base || !prefix) return null;
    ctx.consume(n);
    return { key: [...prefix.key, ...base.key], range: base.range };
  }
  const name = ctx.callee(n, KEY_CALLS);
  if (!name) return null;
  ctx.consume(n);
  const args = callArgs(n);
  const first = args?.positional[0] ?? argument(args, name === 'AssetKey.from_user_string' ? 'asset_key_string' : 'path');
  if (!first || !args) return null;
  if (name === 'AssetKey.from_user_string') {
    const str = stringLiteral(unwrap(first));
    return str ? { key: parseKeyPath(str.value), range: str.range } : null;
  }
  const str = stringLiteral(unwrap(first));
  if (str) {
    // AssetKey("a", "b") is not valid Dagster; only a single string is one part
    if (args.positional.length > 1) return null;
    return { key: [str.value], range: str.range };
  }
  const parts = stringsOf(ctx, first);
  if (parts) return { key: parts.values, range: innerRange(args.node) };
  if (unwrap(first).type === 'identifier') {
    const c = ctx.scope.constants.get(unwrap(first).text);
    if (c !== undefined) return { key: [c], range: nodeRange(unwrap(first)) };
  }
  return null;
}

const LOOKUPS = ['get_asset_key_for_model', 'get_asset_key_for_source'];

/** `get_asset_key_for_model([dbt_fn], "m")` / `get_asset_key_for_source([dbt_fn], "s")`. */
export function lookupTarget(ctx: ReadContext, node: Node): KeyTarget | null {
  const name = ctx.callee(node, LOOKUPS);
  if (!name) return null;
  ctx.consume(node);
  const args = callArgs(node);
  const arg = argument(args, name === 'get_asset_key_for_model' ? 'model_name' : 'source_name', 1);
  const s = stringLiteral(arg ? unwrap(arg) : null);
  if (!s) return null;
  if (name === 'get_asset_key_for_model') return { target: { kind: 'dbt_ref', name: s.value }, range: s.range, form: 'model_lookup' };
  return { target: { kind: 'dbt_source', sourceName: s.value }, range: s.range, form: 'source_lookup' };
}

/**
 * One element naming an upstream / selected asset: a key expression, a dbt
 * lookup, `AssetDep(...)`, `AssetSpec(...)`, `SourceAsset(...)` or a python name.
 */
export function keyTarget(ctx: ReadContext, node: Node, mode: StringMode, form: string): KeyTarget | null {
  const n = unwrap(node);
  const lookup = n.type === 'call' ? lookupTarget(ctx, n) : null;
  if (lookup) return lookup;
  if (n.type === 'call') {
    const wrapper = ctx.callee(n, ['AssetDep', 'AssetSpec', 'SourceAsset', 'AssetIn']);
    if (wrapper) {
      ctx.consume(n);
      const args = callArgs(n);
      const inner = wrapper === 'AssetDep' ? argument(args, 'asset', 0) : argument(args, wrapper === 'AssetIn' ? 'key' : 'key', 0);
      const t = inner ? keyTarget(ctx, inner, 'coercible', wrapper === 'AssetDep' ? 'asset_dep' : form) : null;
      if (t && argument(args, 'partition_mapping')) t.hasPartitionMapping = true;
      return t;
    }
  }
  const k = evalKey(ctx, n, mode);
  if (k) {
    const isKeyCall = n.type === 'call';
    return { target: { kind: 'key', key: k.key }, range: k.range, form: isKeyCall ? 'asset_key' : form };
  }
  const dotted = dottedName(n);
  if (dotted) {
    const last = dotted.split('.').pop()!;
    return { target: { kind: 'key', key: [last] }, range: nodeRange(n), form: 'deps_name', pythonName: dotted, nameNode: n };
  }
  return null;
}
