import type { Node } from 'web-tree-sitter';
import type { SelectionFact } from '../../model/code';
import { parseKeyPath } from '../../model/keys';
import type { KeyReference } from '../../model/reference';
import { callRole, locationOf, nodeLocation, siteId, type ReaderContext } from './context';
import { evalKey, evalString, type EvaluatedKey } from './keys';
import type { FactSink } from './sink';
import { argumentsOf, calleeOf, lastName, namedChildren, objectProperties, optionsArgument, stringLiteral, unwrap } from './syntax';

/** `AssetSelection.assets(...)` / `AssetSelection.keys(...)`; other methods select by group, tag, ... */
const KEY_METHODS = new Set(['assets', 'keys']);

export function isKeySelectionCall(ctx: ReaderContext, node: Node): boolean {
  if (node.type !== 'call_expression') return false;
  const callee = unwrap(calleeOf(node));
  if (!callee || callee.type !== 'member_expression') return false;
  return KEY_METHODS.has(lastName(callee) ?? '') && ctx.names.roleOf(lastName(callee.childForFieldName('object'))) === 'assetSelection';
}

/**
 * A selection string as Dagster reads one: "a/b" is a key path; selection
 * syntax around a single key ("*a/b+", `key:"a/b"`) still names that key.
 * Anything else (tags, groups, boolean expressions) names no single key.
 */
const SELECTION_KEY = /^([+*]*(?:key:)?"?)([A-Za-z0-9_.\-/]+)"?[+*]*$/;

function selectionStringKey(ctx: ReaderContext, node: Node): EvaluatedKey | null {
  const s = evalString(ctx, node);
  if (!s) return null;
  const m = SELECTION_KEY.exec(s.value);
  if (!m) return null;
  const key = parseKeyPath(m[2]);
  if (key.length === 0) return null;
  // Literal content maps 1:1 to offsets unless it had escapes; then keep the whole string.
  const literal = stringLiteral(node);
  const exact = literal !== null && literal.end - literal.start === s.value.length;
  const start = exact ? s.start + m[1].length : s.start;
  return { key, start, end: exact ? start + m[2].length : s.end };
}

class SelectionCollector {
  readonly refs: KeyReference[] = [];
  readonly definitionNames: string[] = [];
  constructor(
    private readonly ctx: ReaderContext,
    private readonly selectionId: string,
  ) {}

  private add(e: EvaluatedKey | null): void {
    if (!e) return;
    this.refs.push({
      target: { kind: 'key', key: e.key },
      location: locationOf(this.ctx, e.start, e.end),
      role: 'selection',
      form: 'selection',
      selectionId: this.selectionId,
    });
  }

  /** An element in a selection position: string, key, asset variable, list, AssetSelection. */
  item(node: Node | null): void {
    const n = unwrap(node);
    if (!n) return;
    if (n.type === 'array') {
      for (const el of namedChildren(n)) this.item(el);
      return;
    }
    if (n.type === 'identifier') {
      if (this.ctx.constants.has(n.text)) this.add(selectionStringKey(this.ctx, n));
      else if (!this.definitionNames.includes(n.text)) this.definitionNames.push(n.text);
      return;
    }
    if (n.type === 'string' || n.type === 'template_string') {
      this.add(selectionStringKey(this.ctx, n));
      return;
    }
    const role = callRole(this.ctx, n);
    if (role === 'assetKey') {
      this.add(evalKey(this.ctx, n, 'coercible'));
      return;
    }
    this.search(n);
  }

  /** Looks for AssetSelection key calls anywhere inside (`.downstream()`, `.or(...)`). */
  search(node: Node): void {
    const stack: Node[] = [node];
    while (stack.length > 0) {
      const n = stack.pop()!;
      if (isKeySelectionCall(this.ctx, n)) {
        this.ctx.handled.add(n.id);
        for (const arg of argumentsOf(n)) {
          const a = unwrap(arg);
          // AssetSelection.keys(["a", "b"]) is ONE key with two parts.
          if (a && a.type === 'array') this.add(evalKey(this.ctx, a, 'coercible'));
          else this.item(a);
        }
        const callee = unwrap(calleeOf(n));
        const object = callee?.childForFieldName('object');
        if (object) stack.push(object);
        continue;
      }
      // reversed, so keys come out in source order
      for (const c of namedChildren(n).reverse()) stack.push(c);
    }
  }

  fact(kind: string, location: SelectionFact['location'], name?: string): SelectionFact {
    const fact: SelectionFact = { id: this.selectionId, kind, location };
    if (name !== undefined) fact.name = name;
    if (this.definitionNames.length > 0) fact.definitionNames = [...this.definitionNames];
    return fact;
  }
}

/** `defineAssetJob({ name, selection })`. */
export function readJob(ctx: ReaderContext, call: Node, sink: FactSink): void {
  ctx.handled.add(call.id);
  const props = objectProperties(optionsArgument(call));
  const name = evalString(ctx, props.get('name')?.value ?? null);
  const id = siteId(ctx, 'define_asset_job', call);
  const c = new SelectionCollector(ctx, id);
  c.item(props.get('selection')?.value ?? null);
  const location = name ? locationOf(ctx, name.start, name.end) : nodeLocation(ctx, calleeOf(call) ?? call);
  sink.selections.push(c.fact('define_asset_job', location, name?.value));
  sink.references.push(...c.refs);
}

/** `materialize([assetA, assetB], { selection })`. */
export function readMaterialize(ctx: ReaderContext, call: Node, sink: FactSink): void {
  ctx.handled.add(call.id);
  const id = siteId(ctx, 'materialize', call);
  const c = new SelectionCollector(ctx, id);
  const args = argumentsOf(call);
  c.item(args[0] ?? null);
  const selection = objectProperties(optionsArgument(call)).get('selection');
  if (selection) c.item(selection.value);
  sink.selections.push(c.fact('materialize', nodeLocation(ctx, calleeOf(call) ?? call)));
  sink.references.push(...c.refs);
}

/** A free-standing `AssetSelection.assets(...)` (in a sensor, a schedule, ...). */
export function readStandaloneSelection(ctx: ReaderContext, call: Node, sink: FactSink): void {
  const id = siteId(ctx, 'AssetSelection', call);
  const c = new SelectionCollector(ctx, id);
  c.search(call);
  sink.selections.push(c.fact('AssetSelection', nodeLocation(ctx, calleeOf(call) ?? call)));
  sink.references.push(...c.refs);
}
