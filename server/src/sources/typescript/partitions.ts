import type { Node } from 'web-tree-sitter';
import type { PartitionsRef } from '../../model/code';
import type { Cadence, PartitionsDef, PartitionsShape } from '../../model/partitions';
import type { CallRole } from './callNames';
import { callRole, nodeLocation, type ReaderContext } from './context';
import { evalString } from './keys';
import { argumentsOf, integerLiteral, namedChildren, objectProperties, optionsArgument, stringLiteral, unwrap } from './syntax';

const CADENCE: Partial<Record<CallRole, Cadence>> = {
  hourlyPartitionsDefinition: 'hourly',
  dailyPartitionsDefinition: 'daily',
  weeklyPartitionsDefinition: 'weekly',
  monthlyPartitionsDefinition: 'monthly',
};

const PARTITION_ROLES = new Set<CallRole>([
  'hourlyPartitionsDefinition',
  'dailyPartitionsDefinition',
  'weeklyPartitionsDefinition',
  'monthlyPartitionsDefinition',
  'staticPartitionsDefinition',
  'dynamicPartitionsDefinition',
  'multiPartitionsDefinition',
]);

export function isPartitionsCall(ctx: ReaderContext, node: Node | null): boolean {
  const role = callRole(ctx, unwrap(node));
  return role !== undefined && PARTITION_ROLES.has(role);
}

function unknown(node: Node): PartitionsShape {
  const text = node.text;
  return { type: 'unknown', text: text.length > 200 ? `${text.slice(0, 200)}…` : text };
}

/** First of several accepted option names (camelCase first, snake_case for Python habits). */
function option(props: ReturnType<typeof objectProperties>, ...names: string[]): Node | null {
  for (const n of names) {
    const p = props.get(n);
    if (p) return p.value;
  }
  return null;
}

function timeShape(ctx: ReaderContext, call: Node, cadence: Cadence): PartitionsShape {
  const args = argumentsOf(call);
  const props = objectProperties(optionsArgument(call));
  // `new DailyPartitionsDefinition("2023-01-01")` is accepted as the start date.
  const startNode = option(props, 'startDate', 'start_date', 'start') ?? (stringLiteral(args[0]) || unwrap(args[0])?.type === 'identifier' ? args[0] : null);
  const start = evalString(ctx, startNode);
  if (!start) return unknown(call);
  const shape: Extract<PartitionsShape, { start: string }> = { type: cadence, start: start.value };
  const endNode = option(props, 'endDate', 'end_date', 'end');
  if (endNode) {
    const end = evalString(ctx, endNode);
    if (!end) return unknown(call);
    shape.end = end.value;
  }
  const tz = option(props, 'timezone');
  if (tz) {
    const t = evalString(ctx, tz);
    if (!t) return unknown(call);
    shape.timezone = t.value;
  }
  const ints: [keyof typeof shape, string[]][] = [
    ['minuteOffset', ['minuteOffset', 'minute_offset']],
    ['hourOffset', ['hourOffset', 'hour_offset']],
    ['dayOffset', ['dayOffset', 'day_offset']],
    ['endOffset', ['endOffset', 'end_offset']],
  ];
  for (const [field, names] of ints) {
    const node = option(props, ...names);
    if (!node) continue;
    const v = integerLiteral(node);
    if (v === null) return unknown(call);
    (shape as Record<string, unknown>)[field] = v;
  }
  return shape;
}

function staticShape(ctx: ReaderContext, call: Node): PartitionsShape {
  const first = unwrap(argumentsOf(call)[0]);
  const list = first?.type === 'array' ? first : unwrap(option(objectProperties(first), 'partitionKeys', 'partition_keys'));
  if (!list || list.type !== 'array' || list.hasError) return unknown(call);
  const keys: string[] = [];
  for (const el of namedChildren(list)) {
    const s = evalString(ctx, el);
    if (!s) return unknown(call);
    keys.push(s.value);
  }
  return { type: 'static', keys };
}

function dynamicShape(ctx: ReaderContext, call: Node): PartitionsShape {
  const first = argumentsOf(call)[0] ?? null;
  const name = evalString(ctx, option(objectProperties(first), 'name')) ?? evalString(ctx, first);
  return name ? { type: 'dynamic', name: name.value } : unknown(call);
}

function multiShape(ctx: ReaderContext, call: Node): PartitionsShape {
  const props = objectProperties(optionsArgument(call));
  if (props.size === 0) return unknown(call);
  const dimensions: { name: string; def: PartitionsShape }[] = [];
  for (const [name, { value }] of props) {
    const def = evalPartitionsValue(ctx, value);
    if (!def) return unknown(call);
    dimensions.push({ name, def: def.shape });
  }
  return { type: 'multi', dimensions };
}

/** `new DailyPartitionsDefinition({...})` and friends; null when the node is not one. */
export function evalPartitionsCall(ctx: ReaderContext, node: Node | null): PartitionsDef | null {
  const call = unwrap(node);
  if (!call || !isPartitionsCall(ctx, call)) return null;
  const role = callRole(ctx, call)!;
  ctx.handled.add(call.id);
  const cadence = CADENCE[role];
  let shape: PartitionsShape;
  if (cadence) shape = timeShape(ctx, call, cadence);
  else if (role === 'staticPartitionsDefinition') shape = staticShape(ctx, call);
  else if (role === 'dynamicPartitionsDefinition') shape = dynamicShape(ctx, call);
  else shape = multiShape(ctx, call);
  return { shape, location: nodeLocation(ctx, call) };
}

/** A partitions call or a same-file partitions variable, fully evaluated. */
function evalPartitionsValue(ctx: ReaderContext, node: Node | null): PartitionsDef | null {
  const n = unwrap(node);
  if (!n) return null;
  if (n.type === 'identifier') return ctx.partitions.get(n.text) ?? null;
  return evalPartitionsCall(ctx, n);
}

/**
 * `partitionsDef:` values. Same-file definitions are inlined; other names
 * (imported, `ns.daily`) stay symbolic for the linker; anything else is an
 * inline `unknown` shape so "partitioned, but we cannot tell how" survives.
 */
export function partitionsRef(ctx: ReaderContext, node: Node | null): PartitionsRef | undefined {
  const n = unwrap(node);
  if (!n) return undefined;
  if (n.type === 'identifier' && (n.text === 'undefined' || n.text === 'null')) return undefined;
  if (n.type === 'null' || n.type === 'undefined') return undefined;
  const value = evalPartitionsValue(ctx, n);
  if (value) return { kind: 'inline', def: value };
  if (n.type === 'identifier' || (n.type === 'member_expression' && /^[\w$.]+$/.test(n.text))) {
    return { kind: 'name', name: n.text, location: nodeLocation(ctx, n) };
  }
  return { kind: 'inline', def: { shape: unknown(n), location: nodeLocation(ctx, n) } };
}
