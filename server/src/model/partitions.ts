import type { Location } from './location';

/**
 * A partitions definition as Dagster would build it. Time windows follow
 * Dagster's rules: the first partition starts at the first cadence tick on or
 * after `start`; a partition exists only when its whole window ends on or
 * before `end` (end is exclusive); with no `end`, up to "now" (the last
 * complete window, plus `endOffset` more).
 * All arithmetic is in UTC; a `timezone` is kept for display only.
 */
export type Cadence = 'hourly' | 'daily' | 'weekly' | 'monthly';

export type PartitionsShape =
  | {
      type: Cadence;
      /** ISO form: "2023-01-01" or "2023-01-01T05:00" */
      start: string;
      end?: string;
      timezone?: string;
      minuteOffset?: number;
      hourOffset?: number;
      /** weekly: 0 = Sunday (Dagster's default); monthly: day of month, default 1 */
      dayOffset?: number;
      endOffset?: number;
    }
  | { type: 'static'; keys: string[] }
  | { type: 'dynamic'; name: string }
  | { type: 'multi'; dimensions: { name: string; def: PartitionsShape }[] }
  /** something we saw but could not evaluate statically */
  | { type: 'unknown'; text: string };

export interface PartitionsDef {
  shape: PartitionsShape;
  /** the variable it was bound to in source (`daily_partition`), if any */
  name?: string;
  location?: Location;
}

export interface PartitionsSummary {
  type: string;
  count: number | null;
  start: string | null;
  end: string | null;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Parse "2023-01-01", "2023-01-01-05:00" (Dagster hourly fmt) or ISO datetimes as UTC ms. */
export function parseDate(text: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T -](\d{2}):(\d{2})(?::(\d{2}))?)?/.exec(text.trim());
  if (!m) return null;
  const t = Date.UTC(+m[1], +m[2] - 1, +m[3], m[4] ? +m[4] : 0, m[5] ? +m[5] : 0, m[6] ? +m[6] : 0);
  return Number.isNaN(t) ? null : t;
}

function addMonths(t: number, n: number): number {
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes());
}

/** First tick of the cadence at or after t. */
function firstTick(shape: Extract<PartitionsShape, { start: string }>, t: number): number {
  const minute = shape.minuteOffset ?? 0;
  const hour = shape.hourOffset ?? 0;
  const d = new Date(t);
  switch (shape.type) {
    case 'hourly': {
      let c = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours(), minute);
      if (c < t) c += HOUR;
      return c;
    }
    case 'daily': {
      let c = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), hour, minute);
      if (c < t) c += DAY;
      return c;
    }
    case 'weekly': {
      const dow = shape.dayOffset ?? 0;
      let c = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), hour, minute);
      const delta = (dow - new Date(c).getUTCDay() + 7) % 7;
      c += delta * DAY;
      if (c < t) c += 7 * DAY;
      return c;
    }
    case 'monthly': {
      const dom = shape.dayOffset ?? 1;
      let c = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), dom, hour, minute);
      if (c < t) c = addMonths(c, 1);
      return c;
    }
  }
}

function nextTick(shape: Extract<PartitionsShape, { start: string }>, t: number): number {
  switch (shape.type) {
    case 'hourly':
      return t + HOUR;
    case 'daily':
      return t + DAY;
    case 'weekly':
      return t + 7 * DAY;
    case 'monthly':
      return addMonths(t, 1);
  }
}

export interface TimeWindow {
  start: number;
  end: number;
}

/** Bounds of the partition windows: first start and last end (exclusive), and count. */
export function timeWindows(
  shape: PartitionsShape,
  now: number = Date.now(),
): { first: number; last: number; count: number } | null {
  if (!isTimeShape(shape)) return null;
  const s = parseDate(shape.start);
  if (s === null) return null;
  const endLimit = shape.end ? parseDate(shape.end) : null;
  if (shape.end && endLimit === null) return null;
  const limit = endLimit ?? now;
  const first = firstTick(shape, s);
  let count = 0;
  let cursor = first;
  // Closed form for fixed-width cadences keeps this O(1) for hourly ranges.
  if (shape.type !== 'monthly') {
    const width = shape.type === 'hourly' ? HOUR : shape.type === 'daily' ? DAY : 7 * DAY;
    count = limit >= first ? Math.floor((limit - first) / width) : 0;
    cursor = first + count * width;
  } else {
    while (nextTick(shape, cursor) <= limit) {
      cursor = nextTick(shape, cursor);
      count++;
    }
  }
  if (!endLimit && shape.endOffset) {
    count = Math.max(0, count + shape.endOffset);
  }
  return { first, last: cursor, count };
}

export function isTimeShape(shape: PartitionsShape): shape is Extract<PartitionsShape, { start: string }> {
  return shape.type === 'hourly' || shape.type === 'daily' || shape.type === 'weekly' || shape.type === 'monthly';
}

export function partitionCount(shape: PartitionsShape, now: number = Date.now()): number | null {
  switch (shape.type) {
    case 'static':
      return new Set(shape.keys).size;
    case 'multi': {
      let n = 1;
      for (const d of shape.dimensions) {
        const c = partitionCount(d.def, now);
        if (c === null) return null;
        n *= c;
      }
      return n;
    }
    case 'dynamic':
    case 'unknown':
      return null;
    default:
      return timeWindows(shape, now)?.count ?? null;
  }
}

function isoDate(t: number, withTime: boolean): string {
  const iso = new Date(t).toISOString();
  return withTime ? iso.slice(0, 16) : iso.slice(0, 10);
}

/** The summary every front end prints: `{type, count, start, end}`. */
export function summarizePartitions(def: PartitionsDef | undefined, now: number = Date.now()): PartitionsSummary | null {
  if (!def) return null;
  const shape = def.shape;
  if (isTimeShape(shape)) {
    const w = timeWindows(shape, now);
    const withTime = shape.type === 'hourly';
    return {
      type: shape.type,
      count: w?.count ?? null,
      start: w ? isoDate(w.first, withTime) : shape.start,
      end: shape.end ? (w ? isoDate(w.last, withTime) : shape.end) : null,
    };
  }
  return { type: shape.type, count: partitionCount(shape, now), start: null, end: null };
}

/** Short badge: "monthly ·3", "daily ·90", "static ·4". */
export function partitionsBadge(def: PartitionsDef | undefined, now: number = Date.now()): string {
  return badgeOf(summarizePartitions(def, now));
}

/** The badge of a summary already made ("daily ·90", "" when unpartitioned). */
export function badgeOf(s: PartitionsSummary | null): string {
  if (!s) return '';
  return s.count === null ? s.type : `${s.type} ·${s.count}`;
}

/** Structural equality, as Dagster compares partitions definitions (by value). */
export function samePartitions(a: PartitionsDef | undefined, b: PartitionsDef | undefined): boolean {
  if (!a || !b) return !a && !b;
  if (a.shape === b.shape) return true;
  return shapeKey(a.shape) === shapeKey(b.shape);
}

/** Shapes are immutable facts shared between re-links: each one's key is computed once. */
const shapeKeys = new WeakMap<PartitionsShape, string>();

function shapeKey(shape: PartitionsShape): string {
  let key = shapeKeys.get(shape);
  if (key === undefined) shapeKeys.set(shape, (key = computeShapeKey(shape)));
  return key;
}

function computeShapeKey(shape: PartitionsShape): string {
  if (isTimeShape(shape)) {
    const s = parseDate(shape.start);
    const e = shape.end ? parseDate(shape.end) : null;
    return JSON.stringify([
      shape.type,
      s,
      e,
      shape.timezone ?? 'UTC',
      shape.minuteOffset ?? 0,
      shape.hourOffset ?? 0,
      shape.dayOffset ?? (shape.type === 'monthly' ? 1 : 0),
      shape.endOffset ?? 0,
    ]);
  }
  if (shape.type === 'multi') return JSON.stringify(['multi', shape.dimensions.map((d) => [d.name, shapeKey(d.def)])]);
  return JSON.stringify(shape);
}
