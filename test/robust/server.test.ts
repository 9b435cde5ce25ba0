/**
 * The language server under bad input, over the real protocol (dist/server.js
 * --stdio on a temp copy of examples/taxi): seeded fuzz rounds, exceptions
 * inside handlers, $/cancelRequest, and 1,000 didChange events in a second.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { StreamMessageReader } from 'vscode-languageserver-protocol/node';
import { fuzzServer, formatServerStats, probeAnswers, startTaxiServer } from './lib/fuzzServer';
import { TestServer } from './lib/lspServer';
import { diffTrees, snapshotTrees, type TreeSnapshot } from './lib/trees';

const SEED = Number(process.env.ASSET_LENS_FUZZ_SEED ?? 20261124);
const ROUNDS = Number(process.env.ASSET_LENS_SERVER_ROUNDS ?? 150);
let guard: TreeSnapshot;
before(() => {
  guard = snapshotTrees();
});
after(() => {
  assert.deepEqual(diffTrees(guard, snapshotTrees()), [], 'examples/ or a fixture workspace changed');
});

test(`server fuzz: ${ROUNDS} rounds of bad editor buffers and files (seed ${SEED}); answers and diagnostics come back`, async () => {
  const stats = await fuzzServer({ seed: SEED, rounds: ROUNDS, log: (l) => console.log(l) });
  console.log(formatServerStats(stats));
  assert.equal(stats.rounds, ROUNDS);
  assert.deepEqual(stats.failures, []);
});

test('an exception inside one handler answers that request with an LSP error; everything else keeps working', async () => {
  const { copy, server, probe } = await startTaxiServer();
  try {
    const bad: [string, unknown][] = [
      ['textDocument/completion', { textDocument: null, position: null }],
      ['textDocument/definition', { textDocument: { uri: 42 }, position: { line: 'x' } }],
      ['textDocument/hover', { textDocument: { uri: TestServer.uri(probe.file) }, position: { line: -5, character: 1e12 } }],
      ['textDocument/references', { textDocument: { uri: 'not a uri' }, position: { line: 0, character: 0 } }],
      ['textDocument/codeAction', { textDocument: { uri: TestServer.uri(probe.file) } }],
      ['assetLens/lineage', { key: { nested: true }, direction: 'sideways' }],
      ['assetLens/graph', { depth: 'deep' }],
      ['workspace/symbol', { query: null }],
    ];
    let errors = 0;
    for (const [method, params] of bad) {
      try {
        await server.request(method, params);
      } catch (err) {
        const code = (err as { code?: number }).code;
        assert.ok(typeof code === 'number', `${method}: rejected without an LSP error code: ${err}`);
        errors++;
      }
      // after each one: the process lives and the normal answers are intact
      assert.ok(server.alive, `${method} killed the server`);
      const ok = await probeAnswers(server, probe);
      assert.ok(ok.completion.includes('daily_metrics'), `${method}: completion broke afterwards`);
    }
    await assert.rejects(server.request('assetLens/noSuchMethod', {}), (e: { code?: number }) => e.code === -32601);
    console.log(`handler errors: ${errors} of ${bad.length} malformed requests answered with an LSP error, the rest with a result; server alive`);
  } finally {
    await server.stop();
    copy.cleanup();
  }
});

test('malformed JSON-RPC frames on the wire do not stop the server', async () => {
  const { copy, server, probe } = await startTaxiServer();
  try {
    const frames = ['{bad!!}', '{"jsonrpc":"2.0","x"', '[]', 'null', '{"jsonrpc":"2.0","id":"x","method":42,"params":null}', '{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":null}}'];
    for (const body of frames) server.proc.stdin!.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    const ok = await probeAnswers(server, probe);
    assert.ok(server.alive);
    assert.ok(ok.completion.includes('daily_metrics'));
  } finally {
    await server.stop();
    copy.cleanup();
  }
});

test('$/cancelRequest is honoured: a request cancelled in the same write answers RequestCancelled', async () => {
  const { copy, server, probe } = await startTaxiServer();
  // Cancellation is a race by nature: a cancel written after the request may
  // find it already answered. Writing both frames in one pipe write makes
  // the server read them together, so the outcome is deterministic; the
  // answer is read by a second reader on the same stdout.
  const answers = new Map<string, { error?: { code: number } }>();
  const reader = new StreamMessageReader(server.proc.stdout!);
  reader.listen((m) => {
    const r = m as { id?: unknown; error?: { code: number } };
    if (typeof r.id === 'string' && r.id.startsWith('cancel-test-')) answers.set(r.id, r);
  });
  const frame = (body: object) => {
    const json = JSON.stringify({ jsonrpc: '2.0', ...body });
    return `Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`;
  };
  try {
    let cancelled = 0;
    const tries = 20;
    for (let i = 0; i < tries; i++) {
      // an edit first, so the request has index work to wait for
      await server.open(probe.file, probe.text, 'python');
      await server.change(probe.file, probe.text + `\n# edit ${i}\n`);
      const id = `cancel-test-${i}`;
      const params = { textDocument: { uri: TestServer.uri(probe.file) }, position: probe.position, context: { includeDeclaration: true } };
      server.proc.stdin!.write(frame({ id, method: 'textDocument/references', params }) + frame({ method: '$/cancelRequest', params: { id } }));
      const started = Date.now();
      while (!answers.has(id) && Date.now() - started < 10_000) await new Promise((r) => setTimeout(r, 5));
      const answer = answers.get(id);
      assert.ok(answer, `no answer to ${id}`);
      if (answer.error?.code === -32800) cancelled++;
      await server.close(probe.file);
    }
    console.log(`cancellation: ${cancelled} of ${tries} requests cancelled in the same write answered RequestCancelled`);
    assert.equal(cancelled, tries);
    const ok = await probeAnswers(server, probe);
    assert.ok(ok.completion.includes('daily_metrics'));
  } finally {
    reader.dispose();
    await server.stop();
    copy.cleanup();
  }
});

test('1,000 didChange events in one second: only the latest version is analysed, stale work is dropped', async () => {
  const { copy, server, probe } = await startTaxiServer();
  try {
    const seen = new Set<string>();
    const uri = TestServer.uri(probe.file);
    server.conn.onNotification('textDocument/publishDiagnostics', (p: { uri: string; diagnostics: { message: string }[] }) => {
      server.published++;
      server.diagnostics.set(p.uri, { version: server.published, diagnostics: p.diagnostics });
      if (p.uri !== uri) return;
      for (const d of p.diagnostics) {
        const m = /nope_(\d+)/.exec(d.message);
        if (m) seen.add(m[1]);
      }
    });
    await server.open(probe.file, probe.text, 'python');
    const N = 1000;
    const started = Date.now();
    for (let i = 0; i < N; i++) {
      await server.change(probe.file, probe.text.replace('"daily_metrics"', `"nope_${i}"`));
      // spread over about a second
      if (i % 50 === 49) await new Promise((r) => setTimeout(r, Math.max(0, ((i + 1) * 1000) / N - (Date.now() - started))));
    }
    const last = readFileSync(probe.file, 'utf8') === probe.text;
    assert.ok(last, 'the file on disk is untouched by edits');
    // a request waits for the latest version
    const params = { textDocument: { uri }, position: probe.position };
    await server.request('textDocument/hover', params);
    const diags = (server.diagnostics.get(uri)?.diagnostics ?? []) as { message: string }[];
    const mentioned = diags.map((d) => /nope_(\d+)/.exec(d.message)?.[1]).filter(Boolean);
    assert.deepEqual(mentioned, [String(N - 1)], `diagnostics after the burst: ${JSON.stringify(diags.map((d) => d.message))}`);
    console.log(`didChange burst: ${N} versions in ${Date.now() - started} ms; ${seen.size} of them were ever analysed and published`);
    assert.ok(seen.size < N / 10, `${seen.size} versions were analysed: stale versions are not dropped`);
    await server.close(probe.file);
    const ok = await probeAnswers(server, probe);
    assert.ok(ok.completion.includes('daily_metrics'));
    assert.ok(!(server.diagnostics.get(uri)?.diagnostics ?? []).some((d) => /nope_/.test((d as { message: string }).message)), 'stale diagnostics after closing');
  } finally {
    await server.stop();
    copy.cleanup();
  }
});

test('astral characters: LSP positions are UTF-16 code units (completion after 🚀 on the line, definition into an astral path)', async () => {
  const { copy, server } = await startTaxiServer();
  try {
    const { mkdirSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { fileURLToPath } = await import('node:url');
    const { LineIndex } = await import('../../server/src/model/location');
    mkdirSync(join(copy.dir, 'defs', '🚀'), { recursive: true });
    const target = join(copy.dir, 'defs', '🚀', 'astral_target.py');
    writeFileSync(target, 'from dagster import asset\n\n\n@asset\ndef 𝔞stral_target():\n    pass\n\n@asset\ndef astral_target():\n    pass\n');
    await server.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: TestServer.uri(target), type: 1 }] });
    const file = join(copy.dir, 'defs', 'astral_user.py');
    const text = 'from dagster import asset\n\n@asset(deps=["🚀𝔨𝔢𝔶", "astral_target", "daily_me"])\ndef astral_user():\n    pass\n';
    writeFileSync(file, text);
    await server.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: TestServer.uri(file), type: 1 }] });
    await server.open(file, text, 'python');
    const index = new LineIndex(text);
    // completion at the end of "daily_me": the character counts 🚀 and 𝔨𝔢𝔶 as two units each
    const at = index.positionAt(text.indexOf('daily_me') + 'daily_me'.length);
    assert.equal(at.character, text.split('\n')[2].indexOf('daily_me') + 8);
    const completion = await server.request<{ items: { label: string; textEdit?: { range: { start: { character: number }; end: { character: number } } } }[] } | { label: string }[]>('textDocument/completion', { textDocument: { uri: TestServer.uri(file) }, position: at });
    const items = Array.isArray(completion) ? completion : completion.items;
    const item = items.find((i) => i.label === 'daily_metrics') as { textEdit?: { range: { start: { character: number }; end: { character: number } } } } | undefined;
    assert.ok(item, `completion after astral characters: ${items.map((i) => i.label).join(', ')}`);
    if (item.textEdit) {
      const line = text.split('\n')[2];
      assert.equal(line.slice(item.textEdit.range.start.character, item.textEdit.range.end.character), 'daily_me', 'the replace range is in UTF-16 units');
    }
    // definition of "astral_target" lands in defs/🚀/astral_target.py, on the plain-named function
    const defAt = index.positionAt(text.indexOf('astral_target') + 3);
    const def = await server.request<{ uri: string; range: { start: { line: number; character: number } } }[] | { uri: string; range: { start: { line: number; character: number } } } | null>('textDocument/definition', { textDocument: { uri: TestServer.uri(file) }, position: defAt });
    const first = Array.isArray(def) ? def[0] : def;
    assert.ok(first, 'definition into a path with astral characters');
    assert.equal(fileURLToPath(first.uri), target);
    const targetLines = readFileSync(target, 'utf8').split('\n');
    assert.match(targetLines[first.range.start.line].slice(first.range.start.character), /^(astral_target|def astral_target|@asset)/);
    await server.close(file);
  } finally {
    await server.stop();
    copy.cleanup();
  }
});
