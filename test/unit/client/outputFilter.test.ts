import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { FilteredOutput, RESTART_NOTE } from '../../../client/src/outputFilter';

function fakeChannel() {
  const lines: string[] = [];
  const calls: string[] = [];
  const channel = {
    name: 'Asset Lens',
    append: (v: string) => calls.push(`append ${v}`),
    appendLine: (v: string) => lines.push(v),
    show: () => calls.push('show'),
  } as unknown as vscode.OutputChannel;
  return { channel, lines, calls };
}

test('the stray flag line the language client writes after a restart note is dropped; nothing else is', () => {
  const inner = fakeChannel();
  const out = new FilteredOutput(inner.channel, 4);
  const log = out.channel;
  log.appendLine('false');
  log.appendLine(`[Info  - 12:05:10] ${RESTART_NOTE} (1/5)`);
  log.appendLine('false');
  log.appendLine('Asset Lens server: roots /w');
  log.appendLine('true');
  log.appendLine(`[Info  - 12:06:00] ${RESTART_NOTE} (2/5)`);
  log.appendLine('true');
  assert.deepEqual(inner.lines, ['false', `[Info  - 12:05:10] ${RESTART_NOTE} (1/5)`, 'Asset Lens server: roots /w', 'true', `[Info  - 12:06:00] ${RESTART_NOTE} (2/5)`]);
  // the rest of the channel is the channel's own
  log.append('x');
  log.show();
  assert.equal(log.name, 'Asset Lens');
  assert.deepEqual(inner.calls, ['append x', 'show']);
  // the last lines written are kept, up to the bound
  assert.deepEqual(out.recent, inner.lines.slice(-4));
});
