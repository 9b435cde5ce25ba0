import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QUIET_MS, WhenQuiet } from '../../../server/src/workspace/whenQuiet';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('work that can wait runs once the editor has been quiet, never while it keeps asking; a newer piece replaces an older one of its name', async () => {
  const quiet = new WhenQuiet();
  const ran: string[] = [];
  quiet.run('lists', () => ran.push('old'));
  quiet.run('lists', () => ran.push('new'));
  quiet.run('save', () => ran.push('other'));
  const started = Date.now();
  while (Date.now() - started < 2 * QUIET_MS) {
    quiet.holdOff();
    await sleep(100);
    assert.deepEqual(ran, [], `ran while busy, after ${Date.now() - started} ms`);
  }
  const calm = Date.now();
  while (!ran.length && Date.now() - calm < 5000) await sleep(25);
  assert.deepEqual(ran, ['new', 'other']);
  assert.ok(quiet.quiet());
  assert.ok(Date.now() - calm >= QUIET_MS - 100, 'not before the quiet period');
  await sleep(QUIET_MS + 100);
  assert.deepEqual(ran, ['new', 'other'], 'once');
});

test('once stopped, queued work never runs, new work is not queued, and waiting ends', async () => {
  const quiet = new WhenQuiet();
  const ran: string[] = [];
  quiet.run('lists', () => ran.push('queued'));
  quiet.stop();
  quiet.run('save', () => ran.push('after stop'));
  assert.equal(quiet.stopped, true);
  assert.equal(quiet.quiet(), false, 'long work stops at its next check');
  await quiet.untilQuiet();
  await sleep(QUIET_MS + 200);
  assert.deepEqual(ran, []);
});
