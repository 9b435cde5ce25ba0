import type { Node } from 'web-tree-sitter';
import type { PartitionsRef } from '../../model/code';
import { parseDate, type Cadence, type PartitionsDef, type PartitionsShape } from '../../model/partitions';
import type { ReadContext } from './context';
import { argument, callArgs, dottedName, intLiteral, namedChildren, sequenceElements, stringLiteral, unwrap } from './syntax';

/**
 * Partitions definitions as Dagster builds them, from constructor calls whose
 * arguments are literals or module-level string constants. Anything else
 * becomes an `unknown` shape carrying the source text.
 */

const TIME_CLASSES: Record<string, Cadence> = {
  HourlyPartitionsDefinition: 'hourly',
  DailyPartitionsDefinition: 'daily',
  WeeklyPartitionsDefinition: 'weekly',
  MonthlyPartitionsDefinition: 'monthly',
};

/** Positional parameter order of each constructor (after start_date, end_date). */
const POSITIONAL: Record<Cadence, string[]> = {
  hourly: ['start_date', 'end_date', 'timezone', 'fmt', 'minute_offset', 'end_offset'],
  daily: ['start_date', 'end_date', 'minute_offset', 'hour_offset', 'timezone', 'fmt', 'end_offset'],
  weekly: ['start_date', 'end_date', 'minute_offset', 'hour_offset', 'day_offset', 'timezone', 'fmt', 'end_offset'],
  monthly: ['start_date', 'end_date', 'minute_offset', 'hour_offset', 'day_offset', 'timezone', 'fmt', 'end_offset'],
};

export const PARTITIONS_CLASSES = [
  ...Object.keys(TIME_CLASSES),
  'TimeWindowPartitionsDefinition',
  'StaticPartitionsDefinition',
  'DynamicPartitionsDefinition',
  'MultiPartitionsDefinition',
];

/** A string argument: literal or a module-level constant. `undefined` = absent, null = not evaluable. */
function stringArg(ctx: ReadContext, node: Node | undefined): string | null | undefined {
  if (!node) return undefined;
  const n = unwrap(node);
  if (n.type === 'none') return undefined;
  const s = stringLiteral(n);
  if (s) return s.value;
  if (n.type === 'identifier') {
    const c = ctx.scope.constants.get(n.text);
    if (c !== undefined) return c;
  }
  return null;
}

function intArg(node: Node | undefined): number | null | undefined {
  if (!node) return undefined;
  if (unwrap(node).type === 'none') return undefined;
  return intLiteral(node);
}

/** "2023-01-01-05:00" (Dagster's hourly format) → "2023-01-01T05:00"; null when not a date. */
export function normaliseDate(text: string): string | null {
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T -](\d{2}:\d{2}(?::\d{2})?))?$/.exec(text.trim());
  if (!m || parseDate(text) === null) return null;
  return m[2] ? `${m[1]}T${m[2].slice(0, 5)}` : m[1];
}

function unknown(call: Node): PartitionsShape {
  return { type: 'unknown', text: call.text.length > 200 ? `${call.text.slice(0, 200)}…` : call.text };
}

function timeShape(ctx: ReadContext, call: Node, type: Cadence): PartitionsShape {
  const args = callArgs(call);
  const order = POSITIONAL[type];
  const arg = (name: string) => argument(args, name, order.indexOf(name));
  const startText = stringArg(ctx, arg('start_date'));
  const endText = stringArg(ctx, arg('end_date'));
  if (!startText) return unknown(call);
  // a custom fmt we cannot read means we cannot place the dates
  const fmt = stringArg(ctx, arg('fmt'));
  const start = normaliseDate(startText);
  const end = endText === undefined ? undefined : endText === null ? null : normaliseDate(endText);
  if (fmt === null || start === null || end === null) return unknown(call);
  const shape: PartitionsShape = { type, start };
  if (end) shape.end = end;
  const tz = stringArg(ctx, arg('timezone'));
  if (tz === null) return unknown(call);
  if (tz) shape.timezone = tz;
  for (const [param, field] of [
    ['minute_offset', 'minuteOffset'],
    ['hour_offset', 'hourOffset'],
    ['day_offset', 'dayOffset'],
    ['end_offset', 'endOffset'],
  ] as const) {
    if (!order.includes(param)) continue;
    const v = intArg(arg(param));
    if (v === null) return unknown(call);
    if (v !== undefined) shape[field] = v;
  }
  return shape;
}

/** Cron strings Dagster's time-window classes use, mapped back to a cadence with offsets. */
function cronShape(cron: string): { type: Cadence; minuteOffset?: number; hourOffset?: number; dayOffset?: number } | null {
  const f = cron.trim().split(/\s+/);
  if (f.length !== 5) return null;
  const [mi, h, dom, mon, dow] = f;
  const num = (s: string) => (/^\d+$/.test(s) ? Number(s) : null);
  const m = num(mi);
  if (m === null || mon !== '*') return null;
  const opt = (n: number, dflt: number) => (n === dflt ? undefined : n);
  if (h === '*' && dom === '*' && dow === '*') return { type: 'hourly', minuteOffset: opt(m, 0) };
  const hr = num(h);
  if (hr === null) return null;
  if (dom === '*' && dow === '*') return { type: 'daily', minuteOffset: opt(m, 0), hourOffset: opt(hr, 0) };
  if (dom === '*' && num(dow) !== null) return { type: 'weekly', minuteOffset: opt(m, 0), hourOffset: opt(hr, 0), dayOffset: opt(num(dow)! % 7, 0) };
  if (dow === '*' && num(dom) !== null) return { type: 'monthly', minuteOffset: opt(m, 0), hourOffset: opt(hr, 0), dayOffset: opt(num(dom)!, 1) };
  return null;
}

function timeWindowShape(ctx: ReadContext, call: Node): PartitionsShape {
  const args = callArgs(call);
  const cron = stringArg(ctx, argument(args, 'cron_schedule', 1));
  const start = stringArg(ctx, argument(args, 'start', 0));
  const fmt = stringArg(ctx, argument(args, 'fmt', 3));
  const end = stringArg(ctx, argument(args, 'end', 2));
  if (!cron || !start || fmt === null || end === null) return unknown(call);
  const c = cronShape(cron);
  const s = normaliseDate(start);
  const e = end === undefined ? undefined : normaliseDate(end);
  if (!c || !s || e === null) return unknown(call);
  const shape: PartitionsShape = { type: c.type, start: s };
  if (e) shape.end = e;
  if (c.minuteOffset !== undefined) shape.minuteOffset = c.minuteOffset;
  if (c.hourOffset !== undefined) shape.hourOffset = c.hourOffset;
  if (c.dayOffset !== undefined) shape.dayOffset = c.dayOffset;
  const tz = stringArg(ctx, argument(args, 'timezone', 4));
  if (tz) shape.timezone = tz;
  const eo = intArg(argument(args, 'end_offset', 5));
  if (eo) shape.endOffset = eo;
  return shape;
}

/** The shape of a partitions constructor call, or null when `call` is not one. */
export function partitionsShapeOfCall(ctx: ReadContext, call: Node): PartitionsShape | null {
  const name = ctx.callee(call, PARTITIONS_CLASSES);
  if (!name) return null;
  ctx.consume(call);
  const cadence = TIME_CLASSES[name];
  if (cadence) return timeShape(ctx, call, cadence);
  const args = callArgs(call);
  switch (name) {
    case 'TimeWindowPartitionsDefinition':
      return timeWindowShape(ctx, call);
    case 'StaticPartitionsDefinition': {
      const keysNode = argument(args, 'partition_keys', 0);
      const elems = sequenceElements(keysNode);
      if (!elems) return unknown(call);
      const keys: string[] = [];
      for (const e of elems) {
        const v = stringArg(ctx, e);
        if (typeof v !== 'string') return unknown(call);
        keys.push(v);
      }
      return { type: 'static', keys };
    }
    case 'DynamicPartitionsDefinition': {
      const n = stringArg(ctx, argument(args, 'name', 1));
      return n ? { type: 'dynamic', name: n } : unknown(call);
    }
    case 'MultiPartitionsDefinition': {
      const dict = argument(args, 'partitions_defs', 0);
      if (!dict || unwrap(dict).type !== 'dictionary') return unknown(call);
      const dimensions: { name: string; def: PartitionsShape }[] = [];
      for (const pair of namedChildren(unwrap(dict))) {
        if (pair.type !== 'pair') return unknown(call);
        const k = stringArg(ctx, pair.childForFieldName('key') ?? undefined);
        const v = pair.childForFieldName('value');
        if (typeof k !== 'string' || !v) return unknown(call);
        const d = partitionsDefOf(ctx, v);
        if (!d) return unknown(call);
        dimensions.push({ name: k, def: d.shape });
      }
      return { type: 'multi', dimensions };
    }
  }
  return unknown(call);
}

/** A module-local partitions definition by value: a constructor call or a local name bound to one. */
function partitionsDefOf(ctx: ReadContext, node: Node): PartitionsDef | null {
  const n = unwrap(node);
  if (n.type === 'call') {
    const shape = partitionsShapeOfCall(ctx, n);
    return shape ? { shape } : null;
  }
  if (n.type === 'identifier') return ctx.facts.symbols.partitions[n.text] ?? null;
  return null;
}

/** Module-level `name = XPartitionsDefinition(...)` → symbols.partitions. Call in source order. */
export function recordModulePartitions(ctx: ReadContext, target: Node, value: Node): void {
  if (target.type !== 'identifier') return;
  const n = unwrap(value);
  if (n.type !== 'call') return;
  const shape = partitionsShapeOfCall(ctx, n);
  if (!shape) return;
  ctx.facts.symbols.partitions[target.text] = { shape, name: target.text, location: ctx.loc(target) };
}

/** `partitions_def=` value: inline when evaluable here, else a (possibly imported) name for the linker. */
export function partitionsRef(ctx: ReadContext, node: Node | undefined): PartitionsRef | undefined {
  if (!node) return undefined;
  const n = unwrap(node);
  if (n.type === 'none') return undefined;
  if (n.type === 'call') {
    const shape = partitionsShapeOfCall(ctx, n);
    return { kind: 'inline', def: { shape: shape ?? unknown(n) } };
  }
  const dotted = dottedName(n);
  if (dotted) {
    const local = ctx.facts.symbols.partitions[dotted];
    if (local) return { kind: 'inline', def: local };
    ctx.usedNames.add(dotted);
    return { kind: 'name', name: dotted, location: ctx.loc(n) };
  }
  return { kind: 'inline', def: { shape: unknown(n) } };
}
