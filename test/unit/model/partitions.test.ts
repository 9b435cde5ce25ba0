import { test } from 'node:test';
import assert from 'node:assert/strict';
import { partitionCount, partitionsBadge, samePartitions, summarizePartitions, timeWindows, type PartitionsDef } from '../../../server/src/model';

const NOW = Date.UTC(2023, 5, 15, 12, 30); // 2023-06-15T12:30Z

const def = (shape: PartitionsDef['shape']): PartitionsDef => ({ shape });

test('monthly 2023-01-01..2023-04-01 has 3 partitions, daily over the same range 90', () => {
  assert.deepEqual(summarizePartitions(def({ type: 'monthly', start: '2023-01-01', end: '2023-04-01' }), NOW), {
    type: 'monthly',
    count: 3,
    start: '2023-01-01',
    end: '2023-04-01',
  });
  assert.deepEqual(summarizePartitions(def({ type: 'daily', start: '2023-01-01', end: '2023-04-01' }), NOW), {
    type: 'daily',
    count: 90,
    start: '2023-01-01',
    end: '2023-04-01',
  });
});

test('end is exclusive and a partial last window does not count', () => {
  assert.equal(partitionCount({ type: 'daily', start: '2023-01-01', end: '2023-01-02' }, NOW), 1);
  assert.equal(partitionCount({ type: 'daily', start: '2023-01-01', end: '2023-01-01' }, NOW), 0);
  assert.equal(partitionCount({ type: 'monthly', start: '2023-01-01', end: '2023-03-31' }, NOW), 2);
});

test('monthly starting mid-month begins at the next month start', () => {
  const w = timeWindows({ type: 'monthly', start: '2023-01-15', end: '2023-04-01' }, NOW)!;
  assert.equal(new Date(w.first).toISOString().slice(0, 10), '2023-02-01');
  assert.equal(w.count, 2);
});

test('hourly: 24 per day; Dagster hourly date format is accepted', () => {
  assert.equal(partitionCount({ type: 'hourly', start: '2023-01-01-00:00', end: '2023-01-03-00:00' }, NOW), 48);
  assert.equal(summarizePartitions(def({ type: 'hourly', start: '2023-01-01-00:00', end: '2023-01-02-00:00' }), NOW)!.start, '2023-01-01T00:00');
});

test('weekly starts on Sunday by default (2023-01-01 is a Sunday)', () => {
  assert.equal(partitionCount({ type: 'weekly', start: '2023-01-01', end: '2023-04-02' }, NOW), 13);
  // starting on a Wednesday: first window starts the next Sunday 2023-01-08
  const w = timeWindows({ type: 'weekly', start: '2023-01-04', end: '2023-04-02' }, NOW)!;
  assert.equal(new Date(w.first).toISOString().slice(0, 10), '2023-01-08');
  assert.equal(w.count, 12);
});

test('open-ended ranges count complete windows up to now, plus end_offset', () => {
  // 2023-01-01 .. 2023-06-15T12:30 → 165 complete days
  assert.equal(partitionCount({ type: 'daily', start: '2023-01-01' }, NOW), 165);
  assert.equal(partitionCount({ type: 'daily', start: '2023-01-01', endOffset: 1 }, NOW), 166);
  assert.equal(partitionCount({ type: 'monthly', start: '2023-01-01' }, NOW), 5);
  assert.equal(summarizePartitions(def({ type: 'daily', start: '2023-01-01' }), NOW)!.end, null);
});

test('static, multi, dynamic', () => {
  assert.equal(partitionCount({ type: 'static', keys: ['a', 'b', 'b', 'c'] }, NOW), 3);
  assert.equal(
    partitionCount({ type: 'multi', dimensions: [{ name: 'd', def: { type: 'daily', start: '2023-01-01', end: '2023-01-11' } }, { name: 's', def: { type: 'static', keys: ['x', 'y'] } }] }, NOW),
    20,
  );
  assert.equal(partitionCount({ type: 'dynamic', name: 'files' }, NOW), null);
  assert.equal(partitionsBadge(def({ type: 'static', keys: ['a', 'b'] }), NOW), 'static ·2');
  assert.equal(partitionsBadge(def({ type: 'dynamic', name: 'x' }), NOW), 'dynamic');
  assert.equal(partitionsBadge(undefined, NOW), '');
});

test('samePartitions compares by value, not by name', () => {
  const a = { shape: { type: 'daily', start: '2023-01-01', end: '2023-04-01' }, name: 'daily_partition' } as PartitionsDef;
  const b = { shape: { type: 'daily', start: '2023-01-01T00:00', end: '2023-04-01' }, name: 'other' } as PartitionsDef;
  const c = def({ type: 'daily', start: '2023-01-01', end: '2023-04-02' });
  const m = def({ type: 'monthly', start: '2023-01-01', end: '2023-04-01' });
  assert.ok(samePartitions(a, b));
  assert.ok(!samePartitions(a, c));
  assert.ok(!samePartitions(a, m));
  assert.ok(!samePartitions(a, undefined));
  assert.ok(samePartitions(undefined, undefined));
});
