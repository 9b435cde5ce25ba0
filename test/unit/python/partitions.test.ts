import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summarizePartitions, type PartitionsDef } from '../../../server/src/model/partitions';
import { readPy, r } from './helpers';

const NOW = Date.UTC(2024, 0, 10, 12, 30); // 2024-01-10T12:30Z

const TEXT = `from dagster import (
    DailyPartitionsDefinition,
    DynamicPartitionsDefinition,
    HourlyPartitionsDefinition,
    MonthlyPartitionsDefinition,
    MultiPartitionsDefinition,
    StaticPartitionsDefinition,
    TimeWindowPartitionsDefinition,
    WeeklyPartitionsDefinition,
)

START = "2023-01-01"
END = "2023-04-01"

monthly = MonthlyPartitionsDefinition(start_date=START, end_date=END)
daily = DailyPartitionsDefinition(START, END)
hourly = HourlyPartitionsDefinition(start_date="2023-01-01-00:00", end_date="2023-01-03-00:00")
weekly = WeeklyPartitionsDefinition(start_date="2023-01-01", end_date="2023-02-01")
weekly_mon = WeeklyPartitionsDefinition(start_date="2023-01-01", end_date="2023-02-01", day_offset=1)
open_daily = DailyPartitionsDefinition(start_date="2024-01-01")
open_daily_offset = DailyPartitionsDefinition(start_date="2024-01-01", end_offset=1)
offset_daily = DailyPartitionsDefinition(start_date="2023-01-01", end_date="2023-01-05", hour_offset=6, minute_offset=30, timezone="America/New_York")
static = StaticPartitionsDefinition(["a", "b", "c", "a"])
dynamic = DynamicPartitionsDefinition(name="customers")
multi = MultiPartitionsDefinition({"date": daily, "color": StaticPartitionsDefinition(["red", "blue"])})
cron_daily = TimeWindowPartitionsDefinition(cron_schedule="0 0 * * *", start="2023-01-01", end="2023-01-11", fmt="%Y-%m-%d")
cron_odd = TimeWindowPartitionsDefinition(cron_schedule="0 0 1-5 * *", start="2023-01-01", fmt="%Y-%m-%d")
custom_fmt = DailyPartitionsDefinition(start_date="20230101", fmt="%Y%m%d")
from_call = DailyPartitionsDefinition(start_date=compute_start())
`;

async function defs(): Promise<Record<string, PartitionsDef>> {
  return (await readPy(TEXT, 'defs.partitions')).symbols.partitions;
}

test('module-level partitions definitions: name, location, shape', async () => {
  const p = await defs();
  assert.deepEqual(Object.keys(p), [
    'monthly', 'daily', 'hourly', 'weekly', 'weekly_mon', 'open_daily', 'open_daily_offset', 'offset_daily',
    'static', 'dynamic', 'multi', 'cron_daily', 'cron_odd', 'custom_fmt', 'from_call',
  ]);
  assert.equal(p.monthly.name, 'monthly');
  assert.deepEqual(p.monthly.location?.range, r(14, 0, 14, 7));
  assert.deepEqual(p.monthly.shape, { type: 'monthly', start: '2023-01-01', end: '2023-04-01' });
  assert.deepEqual(p.hourly.shape, { type: 'hourly', start: '2023-01-01T00:00', end: '2023-01-03T00:00' });
  assert.deepEqual(p.offset_daily.shape, {
    type: 'daily', start: '2023-01-01', end: '2023-01-05', hourOffset: 6, minuteOffset: 30, timezone: 'America/New_York',
  });
  assert.deepEqual(p.dynamic.shape, { type: 'dynamic', name: 'customers' });
  assert.equal(p.cron_odd.shape.type, 'unknown');
  assert.equal(p.custom_fmt.shape.type, 'unknown');
  assert.equal(p.from_call.shape.type, 'unknown');
  assert.deepEqual((await readPy(TEXT, 'defs.partitions')).symbols.constants, { START: '2023-01-01', END: '2023-04-01' });
});

test('partition counts as Dagster builds them', async () => {
  const p = await defs();
  const s = (name: string) => summarizePartitions(p[name], NOW);
  assert.deepEqual(s('monthly'), { type: 'monthly', count: 3, start: '2023-01-01', end: '2023-04-01' });
  assert.deepEqual(s('daily'), { type: 'daily', count: 90, start: '2023-01-01', end: '2023-04-01' });
  assert.deepEqual(s('hourly'), { type: 'hourly', count: 48, start: '2023-01-01T00:00', end: '2023-01-03T00:00' });
  // 2023-01-01 is a Sunday: Sundays 1, 8, 15, 22 start complete weeks ending by Feb 1
  assert.equal(s('weekly')?.count, 4);
  // Mondays 2, 9, 16, 23 (the week from the 30th would end after Feb 1)
  assert.equal(s('weekly_mon')?.count, 4);
  assert.equal(s('weekly_mon')?.start, '2023-01-02');
  // open-ended: complete days up to now (2024-01-10 12:30) → Jan 1..9
  assert.equal(s('open_daily')?.count, 9);
  assert.equal(s('open_daily_offset')?.count, 10);
  // 06:30 ticks: Jan 1 06:30 .. Jan 4 06:30 → 3 complete windows before Jan 5 00:00
  assert.equal(s('offset_daily')?.count, 3);
  assert.deepEqual(s('static'), { type: 'static', count: 3, start: null, end: null });
  assert.equal(s('dynamic')?.count, null);
  assert.deepEqual(p.multi.shape, {
    type: 'multi',
    dimensions: [
      { name: 'date', def: { type: 'daily', start: '2023-01-01', end: '2023-04-01' } },
      { name: 'color', def: { type: 'static', keys: ['red', 'blue'] } },
    ],
  });
  assert.equal(s('multi')?.count, 180);
  assert.deepEqual(s('cron_daily'), { type: 'daily', count: 10, start: '2023-01-01', end: '2023-01-11' });
});

test('partitions_def: local names inline, imported names stay names', async () => {
  const text = `import dagster as dg
from ..partitions import daily_partition
from defs.partitions import monthly_partition as mp
import defs.partitions as parts

local = dg.StaticPartitionsDefinition(["x"])

@dg.asset(partitions_def=local)
def a(): ...

@dg.asset(partitions_def=daily_partition)
def b(): ...

@dg.asset(partitions_def=mp)
def c(): ...

@dg.asset(partitions_def=parts.weekly)
def d(): ...

@dg.asset(partitions_def=dg.HourlyPartitionsDefinition(start_date="2024-01-01-00:00"))
def e(): ...
`;
  const f = await readPy(text, 'defs.assets.sample');
  const [a, b, c, d, e] = f.assets.map((x) => x.partitions);
  assert.deepEqual(a, { kind: 'inline', def: { shape: { type: 'static', keys: ['x'] }, name: 'local', location: { file: f.file, range: r(5, 0, 5, 5) } } });
  assert.deepEqual(b, { kind: 'name', name: 'daily_partition', location: { file: f.file, range: r(10, 25, 10, 40) } });
  assert.deepEqual(c && c.kind === 'name' && c.name, 'mp');
  assert.deepEqual(d && d.kind === 'name' && d.name, 'parts.weekly');
  assert.deepEqual(e, { kind: 'inline', def: { shape: { type: 'hourly', start: '2024-01-01T00:00' } } });
  assert.deepEqual(f.symbols.imports.daily_partition, { module: 'defs.partitions', name: 'daily_partition' });
  assert.deepEqual(f.symbols.imports.mp, { module: 'defs.partitions', name: 'monthly_partition' });
  assert.deepEqual(f.symbols.imports.parts, { module: 'defs.partitions', name: '' });
  assert.deepEqual(f.symbols.imports['parts.weekly'], { module: 'defs.partitions', name: 'weekly' });
});
