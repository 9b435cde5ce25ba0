import type { Node } from 'web-tree-sitter';
import type { CodeAssetFact, PartitionsRef } from '../../model/code';
import type { AssetKey } from '../../model/keys';
import { keyId } from '../../model/keys';
import type { Location, Range } from '../../model/location';
import type { KeyReference } from '../../model/reference';
import type { ReadContext } from './context';
import { evalKey, keyTarget, type KeyTarget } from './keys';
import { partitionsRef } from './partitions';
import {
  argument,
  callArgs,
  docstring,
  namedChildren,
  nodeRange,
  sequenceElements,
  stringLiteral,
  unwrap,
  type CallArgs,
} from './syntax';

/** `@asset`, `@multi_asset`, `AssetSpec(...)`: asset facts with their dependencies. */

export const ASSET_DECORATORS = ['asset', 'graph_asset', 'observable_source_asset'];
export const MULTI_ASSET_DECORATORS = ['multi_asset', 'graph_multi_asset'];

/** Parameters that are never upstream assets. */
const NON_INPUT_NAMES = new Set(['context', 'config', 'self', 'cls']);
/** Annotations of resources, contexts and config: such parameters are not asset inputs. */
const NON_INPUT_ANNOTATION = /(Resource|Context|Config|ResourceParam|Client|Connection|Session|Engine)\b/;

export function dependencyRef(ctx: ReadContext, t: KeyTarget): KeyReference {
  const ref: KeyReference = { target: t.target, location: ctx.at(t.range), role: 'dependency', form: t.form };
  if (t.hasPartitionMapping) ref.hasPartitionMapping = true;
  if (t.pythonName) ctx.pendingNames.push({ ref, name: t.pythonName });
  return ref;
}

/** `deps=[...]` of an asset / spec / multi_asset. */
export function depsList(ctx: ReadContext, node: Node | undefined): KeyReference[] {
  let list = node ? unwrap(node) : undefined;
  // `deps=UPSTREAM` with a module-level list: its elements, where they are written
  if (list?.type === 'identifier') list = ctx.scope.assignments.get(list.text)?.value;
  const elems = list ? sequenceElements(list) : null;
  if (!elems) return [];
  const out: KeyReference[] = [];
  for (const e of elems) {
    const t = keyTarget(ctx, e, 'coercible', 'deps');
    if (t) out.push(dependencyRef(ctx, t));
  }
  return out;
}

/** `ins={"param": AssetIn(...)}`: references, and which parameters they cover. */
function insDict(ctx: ReadContext, node: Node | undefined): { refs: KeyReference[]; covered: Set<string> } {
  const refs: KeyReference[] = [];
  const covered = new Set<string>();
  const dict = node ? unwrap(node) : null;
  if (!dict || dict.type !== 'dictionary') return { refs, covered };
  for (const pair of namedChildren(dict)) {
    if (pair.type !== 'pair') continue;
    const k = stringLiteral(pair.childForFieldName('key'));
    const v = pair.childForFieldName('value');
    if (!k || !v) continue;
    covered.add(k.value);
    const call = unwrap(v);
    if (call.type !== 'call' || !ctx.callee(call, ['AssetIn'])) continue;
    ctx.consume(call);
    const args = callArgs(call);
    const keyNode = argument(args, 'key', 0) ?? argument(args, 'asset_key');
    const prefixNode = argument(args, 'key_prefix');
    const mapped = !!argument(args, 'partition_mapping');
    let t: KeyTarget | null = null;
    if (keyNode) {
      t = keyTarget(ctx, keyNode, 'coercible', 'asset_in');
    } else {
      const prefix = prefixNode ? evalKey(ctx, prefixNode, 'coercible') : { key: [], range: k.range };
      if (prefix) t = { target: { kind: 'key', key: [...prefix.key, k.value] }, range: k.range, form: 'asset_in' };
    }
    if (t) {
      if (mapped) t.hasPartitionMapping = true;
      refs.push(dependencyRef(ctx, t));
    }
  }
  return { refs, covered };
}

/** Plain function parameters are upstream assets named like the parameter. */
function parameterDeps(ctx: ReadContext, fn: Node, covered: Set<string>): KeyReference[] {
  const params = fn.childForFieldName('parameters');
  if (!params) return [];
  const out: KeyReference[] = [];
  for (const p of namedChildren(params)) {
    let nameNode: Node | null = null;
    let annotation: Node | null = null;
    if (p.type === 'identifier') nameNode = p;
    else if (p.type === 'typed_parameter') {
      nameNode = namedChildren(p).find((c) => c.type === 'identifier') ?? null;
      annotation = p.childForFieldName('type');
    } else if (p.type === 'default_parameter' || p.type === 'typed_default_parameter') {
      nameNode = p.childForFieldName('name');
      annotation = p.childForFieldName('type');
    }
    if (!nameNode || nameNode.type !== 'identifier') continue;
    const name = nameNode.text;
    if (NON_INPUT_NAMES.has(name) || covered.has(name)) continue;
    if (annotation && NON_INPUT_ANNOTATION.test(annotation.text)) continue;
    out.push({ target: { kind: 'key', key: [name] }, location: ctx.loc(nameNode), role: 'dependency', form: 'param' });
  }
  return out;
}

function stringArgValue(args: CallArgs | null, name: string): string | undefined {
  const v = argument(args, name);
  const s = v ? stringLiteral(unwrap(v)) : null;
  return s?.value;
}

function prefixOf(ctx: ReadContext, args: CallArgs | null): AssetKey | null {
  const p = argument(args, 'key_prefix');
  if (!p) return [];
  return evalKey(ctx, p, 'coercible')?.key ?? null;
}

function recordDefinition(ctx: ReadContext, name: string, keys: (AssetKey | null)[]): void {
  const ok = keys.filter((k): k is AssetKey => !!k);
  ctx.facts.symbols.definitions[name] = ok.map(keyId);
  ctx.localKeys.set(name, ok);
}

function addAsset(ctx: ReadContext, fact: CodeAssetFact): void {
  ctx.facts.assets.push(fact);
}

/** `@asset` / `@asset(...)` on a function. */
export function readAssetDecorator(ctx: ReadContext, decorated: Node, fn: Node, call: Node | null): void {
  const nameNode = fn.childForFieldName('name');
  if (!nameNode) return;
  const args = call ? callArgs(call) : null;
  let key: AssetKey | null = [nameNode.text];
  let location: Location = ctx.loc(nameNode);
  const keyArg = argument(args, 'key');
  const nameArg = argument(args, 'name');
  if (keyArg) {
    const k = evalKey(ctx, keyArg, 'coercible');
    key = k ? k.key : null;
    if (k) location = ctx.at(k.range);
  } else if (nameArg) {
    const s = stringLiteral(unwrap(nameArg));
    key = s && s.value ? [s.value] : null;
    if (s) location = ctx.at(s.range);
  }
  if (key && !keyArg) {
    const prefix = prefixOf(ctx, args);
    key = prefix ? [...prefix, ...key] : null;
  }
  const ins = insDict(ctx, argument(args, 'ins'));
  const deps = [...depsList(ctx, argument(args, 'deps')), ...ins.refs, ...parameterDeps(ctx, fn, ins.covered)];
  const fact: CodeAssetFact = { key, kind: 'python', location, extent: ctx.loc(decorated), deps };
  const partitions = partitionsRef(ctx, argument(args, 'partitions_def'));
  if (partitions) fact.partitions = partitions;
  const group = stringArgValue(args, 'group_name');
  if (group) fact.group = group;
  const description = stringArgValue(args, 'description') ?? docstring(fn);
  if (description) fact.description = description;
  addAsset(ctx, fact);
  recordDefinition(ctx, nameNode.text, [key]);
}

/** One `AssetSpec(...)`: its key, location and own deps / partitions / group. */
export function specAsset(
  ctx: ReadContext,
  call: Node,
  extent: Range,
  defaults: { partitions?: PartitionsRef; group?: string; deps?: KeyReference[] },
): CodeAssetFact {
  ctx.consume(call);
  const args = callArgs(call);
  const keyNode = argument(args, 'key', 0);
  const k = keyNode ? evalKey(ctx, keyNode, 'coercible') : null;
  // the first `AssetSpec(key=...)` / `SourceAsset(key=...)` literal is the asset's own key, not a mention
  const fact: CodeAssetFact = {
    key: k ? k.key : null,
    kind: 'python',
    location: ctx.at(k ? k.range : nodeRange(call)),
    extent: ctx.at(extent),
    deps: [...depsList(ctx, argument(args, 'deps')), ...(defaults.deps ?? []).map((d) => ctx.copyRef(d))],
  };
  const partitions = partitionsRef(ctx, argument(args, 'partitions_def')) ?? defaults.partitions;
  if (partitions) fact.partitions = partitions;
  const group = stringArgValue(args, 'group_name') ?? defaults.group;
  if (group) fact.group = group;
  const description = stringArgValue(args, 'description');
  if (description) fact.description = description;
  return fact;
}

/** The list a `specs=` argument names: a literal list or a module-level list variable. */
function specCalls(ctx: ReadContext, node: Node | undefined): Node[] {
  if (!node) return [];
  let n = unwrap(node);
  if (n.type === 'identifier') {
    const a = ctx.scope.assignments.get(n.text);
    if (!a) return [];
    n = unwrap(a.value);
  }
  const elems = sequenceElements(n) ?? [];
  return elems.map(unwrap).filter((e) => e.type === 'call' && !!ctx.callee(e, ['AssetSpec']));
}

/** `@multi_asset(specs=[...])` or `@multi_asset(outs={...})`. */
export function readMultiAsset(ctx: ReadContext, decorated: Node, fn: Node, call: Node | null): void {
  const nameNode = fn.childForFieldName('name');
  if (!nameNode || !call) return;
  const args = callArgs(call);
  const partitions = partitionsRef(ctx, argument(args, 'partitions_def'));
  const group = stringArgValue(args, 'group_name');
  const ins = insDict(ctx, argument(args, 'ins'));
  const shared = [...depsList(ctx, argument(args, 'deps')), ...ins.refs, ...parameterDeps(ctx, fn, ins.covered)];
  const extent = nodeRange(decorated);
  const produced: CodeAssetFact[] = [];
  for (const spec of specCalls(ctx, argument(args, 'specs'))) {
    produced.push(specAsset(ctx, spec, extent, { partitions, group, deps: shared }));
  }
  const outs = argument(args, 'outs');
  const dict = outs ? unwrap(outs) : null;
  if (dict && dict.type === 'dictionary') {
    for (const pair of namedChildren(dict)) {
      if (pair.type !== 'pair') continue;
      const k = stringLiteral(pair.childForFieldName('key'));
      const v = pair.childForFieldName('value');
      if (!k || !v) continue;
      const outCall = unwrap(v);
      const outArgs = outCall.type === 'call' && ctx.callee(outCall, ['AssetOut']) ? callArgs(outCall) : null;
      if (outArgs) ctx.consume(outCall);
      let key: AssetKey | null = [k.value];
      let range = k.range;
      const keyNode = argument(outArgs, 'key');
      if (keyNode) {
        const ek = evalKey(ctx, keyNode, 'coercible');
        key = ek ? ek.key : null;
        if (ek) range = ek.range;
      } else {
        const prefix = prefixOf(ctx, outArgs);
        key = prefix ? [...prefix, k.value] : null;
      }
      const fact: CodeAssetFact = { key, kind: 'python', location: ctx.at(range), extent: ctx.at(extent), deps: shared.map((d) => ctx.copyRef(d)) };
      if (partitions) fact.partitions = partitions;
      const g = stringArgValue(outArgs, 'group_name') ?? group;
      if (g) fact.group = g;
      const d = stringArgValue(outArgs, 'description');
      if (d) fact.description = d;
      produced.push(fact);
    }
  }
  for (const f of produced) addAsset(ctx, f);
  recordDefinition(ctx, nameNode.text, produced.map((f) => f.key));
}

/**
 * A free-standing `AssetSpec(...)` (module-level, in `Definitions(assets=[...])`).
 * Bound at module level (`x = AssetSpec(...)`, `specs = [AssetSpec(...), ...]`), the
 * variable becomes a definition name.
 */
export function readStandaloneSpec(ctx: ReadContext, call: Node): void {
  const fact = specAsset(ctx, call, nodeRange(call), {});
  addAsset(ctx, fact);
  let p: Node | null = call.parent;
  while (p && (p.type === 'list' || p.type === 'tuple' || p.type === 'parenthesized_expression')) p = p.parent;
  if (p && p.type === 'assignment' && p.parent?.parent?.type === 'module') {
    const target = p.childForFieldName('left');
    if (target?.type === 'identifier') {
      const prev = ctx.localKeys.get(target.text) ?? [];
      recordDefinition(ctx, target.text, [...prev, fact.key]);
    }
  }
}

/** `@asset_check(asset=...)`: the checked asset is a mention (no asset of its own). */
export function readAssetCheck(ctx: ReadContext, call: Node | null): void {
  const args = call ? callArgs(call) : null;
  const target = argument(args, 'asset');
  const t = target ? keyTarget(ctx, target, 'coercible', 'asset_check') : null;
  if (!t) return;
  const ref: KeyReference = { target: t.target, location: ctx.at(t.range), role: 'mention', form: t.form };
  if (t.pythonName) ctx.pendingNames.push({ ref, name: t.pythonName });
  ctx.facts.references.push(ref);
}
