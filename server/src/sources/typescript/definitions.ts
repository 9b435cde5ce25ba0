import type { Node } from 'web-tree-sitter';
import type { CodeAssetFact, PartitionsRef } from '../../model/code';
import { keyId, type AssetKey } from '../../model/keys';
import type { Location } from '../../model/location';
import type { KeyReference } from '../../model/reference';
import { callRole, nodeLocation, locationOf, type ReaderContext } from './context';
import { evalKey, evalPrefix, evalString, type EvaluatedKey } from './keys';
import { partitionsRef } from './partitions';
import type { FactSink } from './sink';
import {
  argumentsOf,
  boundName,
  calleeOf,
  enclosingStatement,
  namedChildren,
  objectProperties,
  optionsArgument,
  unwrap,
} from './syntax';

type Props = ReturnType<typeof objectProperties>;

function prop(props: Props, ...names: string[]): Node | null {
  for (const n of names) {
    const p = props.get(n);
    if (p) return p.value;
  }
  return null;
}

/** Settings a multiAsset passes down to each of its specs. */
interface Inherited {
  partitions?: PartitionsRef;
  group?: string;
  deps: KeyReference[];
  extent: Location;
}

interface Identity {
  key: AssetKey | null;
  location: Location;
}

function withPrefix(ctx: ReaderContext, props: Props, key: AssetKey | null): AssetKey | null {
  if (!key) return null;
  const prefixNode = prop(props, 'keyPrefix', 'key_prefix');
  if (!prefixNode) return key;
  const prefix = evalPrefix(ctx, prefixNode);
  return prefix ? [...prefix, ...key] : null;
}

function fromEvaluated(ctx: ReaderContext, e: EvaluatedKey): Identity {
  return { key: e.key, location: locationOf(ctx, e.start, e.end) };
}

/**
 * The key of `asset({...}, fn)`: `key`, else `name`, else the variable the
 * call is assigned to, else a named function argument (Dagster's default is
 * the function name). A `key`/`name` that is present but not static gives
 * null: half-typed code must not invent a key.
 */
function assetIdentity(ctx: ReaderContext, call: Node, props: Props): Identity {
  const keyNode = prop(props, 'key');
  if (keyNode) {
    const e = evalKey(ctx, keyNode, 'coercible');
    if (!e) return { key: null, location: nodeLocation(ctx, keyNode) };
    const id = fromEvaluated(ctx, e);
    return { ...id, key: withPrefix(ctx, props, id.key) };
  }
  const nameNode = prop(props, 'name');
  if (nameNode) {
    const s = evalString(ctx, nameNode);
    if (!s || !s.value) return { key: null, location: nodeLocation(ctx, nameNode) };
    return { key: withPrefix(ctx, props, [s.value]), location: locationOf(ctx, s.start, s.end) };
  }
  const bound = boundName(call);
  if (bound) return { key: withPrefix(ctx, props, [bound.text]), location: nodeLocation(ctx, bound) };
  for (const arg of argumentsOf(call)) {
    const fn = unwrap(arg);
    const fnName = fn && (fn.type === 'function_expression' || fn.type === 'function') ? fn.childForFieldName('name') : null;
    if (fnName) return { key: withPrefix(ctx, props, [fnName.text]), location: nodeLocation(ctx, fnName) };
  }
  return { key: null, location: nodeLocation(ctx, calleeOf(call) ?? call) };
}

function dependency(ctx: ReaderContext, e: EvaluatedKey, form: string, hasPartitionMapping = false): KeyReference {
  const ref: KeyReference = {
    target: { kind: 'key', key: e.key },
    location: locationOf(ctx, e.start, e.end),
    role: 'dependency',
    form: e.viaImport ? 'deps_import' : form,
  };
  if (hasPartitionMapping) ref.hasPartitionMapping = true;
  if (e.viaImport) ref.definitionName = e.key[0];
  return ref;
}

/**
 * `deps: ["a", AssetKey(["b", "c"]), otherAsset, AssetDep("d", {...})]`.
 * A variable counts when it holds a same-file asset definition (or a string
 * constant); an imported one is left to the linker (form `deps_import`).
 */
function readDeps(ctx: ReaderContext, node: Node | null): KeyReference[] {
  const list = unwrap(node);
  if (!list || list.type !== 'array') return [];
  const out: KeyReference[] = [];
  for (const el of namedChildren(list)) {
    const n = unwrap(el);
    if (!n) continue;
    const role = callRole(ctx, n);
    if (role === 'assetDep') {
      ctx.handled.add(n.id);
      const args = argumentsOf(n);
      const opts = objectProperties(args.find((a) => unwrap(a)?.type === 'object') ?? null);
      const target = unwrap(args[0]);
      const keyNode = target?.type === 'object' ? prop(objectProperties(target), 'asset', 'key') : target;
      const mapped = opts.has('partitionMapping') || opts.has('partition_mapping');
      for (const e of depKeys(ctx, keyNode)) out.push(dependency(ctx, e, 'asset_dep', mapped));
      continue;
    }
    for (const e of depKeys(ctx, n)) out.push(dependency(ctx, e, 'deps'));
  }
  return out;
}

/** Keys a dependency-like value names: a key, an AssetSpec, a same-file or imported asset variable. */
export function depKeys(ctx: ReaderContext, node: Node | null): EvaluatedKey[] {
  const n = unwrap(node);
  if (!n) return [];
  if (n.type === 'identifier' && !ctx.constants.has(n.text)) {
    const keys = ctx.assetVars.get(n.text);
    if (keys) return keys.map((key) => ({ key, start: n.startIndex, end: n.endIndex }));
    // the variable's name is not its key: only the defining module knows it
    if (ctx.imports[n.text]) return [{ key: [n.text], start: n.startIndex, end: n.endIndex, viaImport: true }];
    return [];
  }
  if (callRole(ctx, n) === 'assetSpec') {
    ctx.handled.add(n.id);
    const e = specKeyNode(n);
    const k = e ? evalKey(ctx, e, 'coercible') : null;
    return k ? [k] : [];
  }
  const e = evalKey(ctx, n, 'coercible');
  return e ? [e] : [];
}

/** `ins: { trips: AssetIn({ key: "taxi_trips" }), zones: {} }` — the input name is the default key. */
function readIns(ctx: ReaderContext, node: Node | null): KeyReference[] {
  const out: KeyReference[] = [];
  for (const [name, { key: nameNode, value }] of objectProperties(node)) {
    let v = unwrap(value);
    if (v && callRole(ctx, v) === 'assetIn') {
      ctx.handled.add(v.id);
      v = optionsArgument(v) ?? unwrap(argumentsOf(v)[0]);
    }
    const props = objectProperties(v);
    // `AssetIn("x")`, `{ key: "x" }`; `{}`, `AssetIn()` and shorthand `{ trips }` fall back to the name.
    const keyNode = prop(props, 'key') ?? (v && v.type !== 'object' && v.id !== nameNode.id ? v : null);
    if (keyNode) {
      const e = evalKey(ctx, keyNode, 'coercible');
      if (e) out.push(dependency(ctx, e, 'asset_in'));
      continue;
    }
    const prefix = prop(props, 'keyPrefix', 'key_prefix');
    const p = prefix ? evalPrefix(ctx, prefix) : [];
    if (!p) continue;
    out.push(dependency(ctx, { key: [...p, name], start: nameNode.startIndex, end: nameNode.endIndex }, 'asset_in'));
  }
  return out;
}

function optionalString(ctx: ReaderContext, node: Node | null): string | undefined {
  return evalString(ctx, node)?.value;
}

function makeFact(
  ctx: ReaderContext,
  id: Identity,
  extent: Location,
  props: Props,
  inherited: Inherited | undefined,
): CodeAssetFact {
  const partitionsNode = prop(props, 'partitionsDef', 'partitions_def');
  const partitions = partitionsNode ? partitionsRef(ctx, partitionsNode) : inherited?.partitions;
  const group = optionalString(ctx, prop(props, 'group', 'groupName', 'group_name')) ?? inherited?.group;
  const description = optionalString(ctx, prop(props, 'description'));
  const deps = [...(inherited?.deps ?? []), ...readDeps(ctx, prop(props, 'deps')), ...readIns(ctx, prop(props, 'ins'))];
  const owner = id.key ? keyId(id.key) : undefined;
  const fact: CodeAssetFact = {
    key: id.key,
    kind: 'ts',
    location: id.location,
    extent,
    deps: deps.map((d) => (owner ? { ...d, owner } : { ...d })),
  };
  if (partitions) fact.partitions = partitions;
  if (group !== undefined) fact.group = group;
  if (description !== undefined) fact.description = description;
  return fact;
}

/** `asset({ key, deps, partitionsDef, group, description, keyPrefix, ins }, fn)`. */
export function readAsset(ctx: ReaderContext, call: Node, sink: FactSink): AssetKey[] {
  ctx.handled.add(call.id);
  const props = objectProperties(optionsArgument(call));
  const id = assetIdentity(ctx, call, props);
  const fact = makeFact(ctx, id, nodeLocation(ctx, enclosingStatement(call)), props, undefined);
  sink.assets.push(fact);
  return id.key ? [id.key] : [];
}

/** The key argument of a spec: `assetSpec({ key })`, `new AssetSpec("x", {...})`. */
function specKeyNode(call: Node): Node | null {
  const opts = optionsArgument(call);
  const keyProp = prop(objectProperties(opts), 'key');
  if (keyProp) return keyProp;
  const first = unwrap(argumentsOf(call)[0]);
  return first && first.type !== 'object' ? first : null;
}

/** `assetSpec({...})` / `new AssetSpec(...)`: a spec needs an explicit key. */
export function readSpec(ctx: ReaderContext, call: Node, sink: FactSink, inherited?: Inherited): AssetKey[] {
  ctx.handled.add(call.id);
  const props = objectProperties(optionsArgument(call));
  const keyNode = specKeyNode(call);
  const e = keyNode ? evalKey(ctx, keyNode, 'coercible') : null;
  const id: Identity = e
    ? fromEvaluated(ctx, e)
    : { key: null, location: nodeLocation(ctx, keyNode ?? calleeOf(call) ?? call) };
  const extent = inherited?.extent ?? nodeLocation(ctx, enclosingStatement(call));
  sink.assets.push(makeFact(ctx, id, extent, props, inherited));
  return id.key ? [id.key] : [];
}

/** `multiAsset({ specs: [...], outs: {...}, partitionsDef, group, deps }, fn)`: one fact per spec. */
export function readMultiAsset(ctx: ReaderContext, call: Node, sink: FactSink): AssetKey[] {
  ctx.handled.add(call.id);
  const props = objectProperties(optionsArgument(call));
  const partitionsNode = prop(props, 'partitionsDef', 'partitions_def');
  const inherited: Inherited = {
    partitions: partitionsNode ? partitionsRef(ctx, partitionsNode) : undefined,
    group: optionalString(ctx, prop(props, 'group', 'groupName', 'group_name')),
    deps: [...readDeps(ctx, prop(props, 'deps')), ...readIns(ctx, prop(props, 'ins'))],
    extent: nodeLocation(ctx, enclosingStatement(call)),
  };
  const keys: AssetKey[] = [];
  const specs = unwrap(prop(props, 'specs'));
  if (specs && specs.type === 'array') {
    for (const el of namedChildren(specs)) {
      const n = unwrap(el);
      if (n && callRole(ctx, n) === 'assetSpec') keys.push(...readSpec(ctx, n, sink, inherited));
      else if (n && n.type === 'identifier') keys.push(...(ctx.assetVars.get(n.text) ?? []));
    }
  }
  for (const [name, { key: nameNode, value }] of objectProperties(prop(props, 'outs'))) {
    const out = unwrap(value);
    const outProps = objectProperties(out && callRole(ctx, out) === 'assetOut' ? optionsArgument(out) : out);
    if (out && callRole(ctx, out) === 'assetOut') ctx.handled.add(out.id);
    let id: Identity;
    const keyNode = prop(outProps, 'key');
    if (keyNode) {
      const e = evalKey(ctx, keyNode, 'coercible');
      id = e ? fromEvaluated(ctx, e) : { key: null, location: nodeLocation(ctx, keyNode) };
    } else {
      id = { key: withPrefix(ctx, outProps, [name]), location: nodeLocation(ctx, nameNode) };
    }
    sink.assets.push(makeFact(ctx, id, inherited.extent, outProps, inherited));
    if (id.key) keys.push(id.key);
  }
  return keys;
}
