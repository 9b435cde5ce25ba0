import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssetWorkspace, type Snapshot } from '../../../server/src/workspace/workspace';
import { readCodeText, WARM_UP_TEXT } from '../../../server/src/sources/codeText';
import { READER_WORKER_FILE, ReaderThreads, readerThreadsFor } from '../../../server/src/workspace/readerPool';

/**
 * Reader threads (workspace/readerPool.ts) must give the index the facts the
 * server's own thread gives, in the same order, whatever thread finishes
 * first, and a thread that cannot start or dies must cost nothing but time.
 */

const EXAMPLES = join(__dirname, '..', '..', '..', '..', 'examples');
const CODE_TEXT_MODULE = join(__dirname, '..', '..', '..', 'server', 'src', 'sources', 'codeText.js');
const MAX_FILE_BYTES = 64 * 1024;
/** generated Python files, and the files each thread is given (FILES_PER_THREAD is for real projects) */
const GENERATED = 80;
const FILES_PER_THREAD = 16;

/** examples/taxi plus enough Python and TypeScript files for threads, with every kind of file a reader meets. */
function workspace(): string {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'asset-lens-threads-')));
  cpSync(join(EXAMPLES, 'taxi'), root, { recursive: true });
  const gen = join(root, 'defs', 'generated');
  mkdirSync(gen, { recursive: true });
  writeFileSync(join(gen, '__init__.py'), '');
  for (let i = 0; i < GENERATED; i++) {
    const lines = [
      'from dagster import AssetKey, DailyPartitionsDefinition, asset',
      `part_${i} = DailyPartitionsDefinition(start_date="2024-0${1 + (i % 9)}-01")`,
      `@asset(deps=[AssetKey(["taxi_trips"]), "gen_${(i + 1) % 80}", "missing_${i}"], partitions_def=part_${i})`,
      `def gen_${i}():`,
      '    ...',
    ];
    // half-typed code every seventh file: the repaired parse must match too
    if (i % 7 === 3) lines.push('@asset(deps=["taxi_zones"', `def broken_${i}(`);
    writeFileSync(join(gen, `assets_${i}.py`), lines.join('\n') + '\n');
  }
  for (let i = 0; i < 12; i++) {
    writeFileSync(join(root, 'ts', `gen${i}.ts`), `import { asset } from "./dagster";\nexport const g${i} = asset({ key: "ts_gen_${i}", deps: ["gen_${i}", "nowhere_${i}"] }, async () => {});\n`);
  }
  writeFileSync(join(gen, 'plain.py'), 'def helper():\n    return 1\n');
  writeFileSync(join(gen, 'binary.py'), 'import dagster\n\u0000\u0001\u0002');
  writeFileSync(join(gen, 'huge.py'), `from dagster import asset\n${'# padding\n'.repeat(MAX_FILE_BYTES / 8)}`);
  return root;
}

interface Indexed {
  ws: AssetWorkspace;
  snap: Snapshot;
  logs: string[];
}

async function index(root: string, opts: { readerThreads: number; readerWorkerFile?: string; unsaved?: [string, string] }): Promise<Indexed> {
  const logs: string[] = [];
  const ws = new AssetWorkspace({ roots: [root], settings: { maxFileBytes: MAX_FILE_BYTES }, log: (l) => logs.push(l), readerFilesPerThread: FILES_PER_THREAD, ...opts });
  if (opts.unsaved) ws.setOpenDocument(...opts.unsaved);
  const snap = await ws.indexAll();
  return { ws, snap, logs };
}

/** What the link is made of, in link order, and what it says. */
function facts(snap: Snapshot) {
  return {
    codeFiles: [...snap.codeFiles.entries()],
    diagnostics: [...snap.diagnostics.entries()].sort(([a], [b]) => a.localeCompare(b)),
    assets: [...snap.graph.assets.keys()],
  };
}

const readOnThreads = (logs: string[]) => logs.find((l) => /code files read on \d+ reader threads/.test(l));
const readHere = (logs: string[]) => logs.find((l) => /code files read on the server's thread/.test(l));

test('reader threads give the facts, order and diagnostics of the server thread, with unsaved text, binary, over-size and half-typed files', async () => {
  const root = workspace();
  try {
    const unsavedFile = join(root, 'defs', 'generated', 'assets_5.py');
    const unsaved: [string, string] = [unsavedFile, 'from dagster import asset\n@asset(deps=["gen_6"])\ndef unsaved_only():\n    ...\n'];
    const here = await index(root, { readerThreads: 0, unsaved });
    const threads = await index(root, { readerThreads: 2, unsaved });
    assert.match(readOnThreads(threads.logs) ?? '', /read on 2 reader threads/, threads.logs.join('\n'));
    assert.equal(readOnThreads(here.logs), undefined);
    assert.deepEqual(facts(threads.snap), facts(here.snap));
    // the facts are the files' own, not empty ones that happen to agree
    assert.ok(threads.snap.graph.assets.has('gen_79') && threads.snap.graph.assets.has('ts_gen_11'));
    assert.ok(threads.snap.graph.assets.has('unsaved_only') && !threads.snap.graph.assets.has('gen_5'), 'the open editor text wins on a thread too');
    const unknown = [...threads.snap.diagnostics.values()].flat().filter((d) => d.code === 'unknown-asset-key');
    assert.ok(unknown.some((d) => d.message.includes('missing_12')) && unknown.some((d) => d.message.includes('nowhere_3')));
    for (const { logs } of [here, threads]) {
      assert.ok(logs.some((l) => /binary\.py: skipped, looks binary/.test(l)), 'binary said');
      assert.ok(logs.some((l) => /huge\.py: skipped, .* MB is over/.test(l)), 'over-size said');
    }

    // a branch switch: many files changed at once are read on threads too, into the same places
    for (const f of [here, threads]) {
      for (let i = 0; i < GENERATED; i += 2) {
        f.ws.setOpenDocument(join(root, 'defs', 'generated', `assets_${i}.py`), `from dagster import asset\n@asset(deps=["gen_${i + 1}"])\ndef renamed_${i}():\n    ...\n`);
      }
    }
    const changed = Array.from({ length: GENERATED }, (_, i) => join(root, 'defs', 'generated', `assets_${i}.py`));
    const logsBefore = threads.logs.length;
    const [a, b] = [await here.ws.filesChanged(changed), await threads.ws.filesChanged(changed)];
    assert.ok(readOnThreads(threads.logs.slice(logsBefore)), 'the changed files were read on threads');
    assert.deepEqual(facts(b), facts(a));
    assert.ok(b.graph.assets.has('renamed_78') && !b.graph.assets.has('gen_78'));
    assert.deepEqual(
      [...b.codeFiles.keys()],
      [...threads.snap.codeFiles.keys()].filter((f) => b.codeFiles.has(f)),
      'changed files keep their place in the link order',
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('without the reader thread script, every file is read on the server thread and the log says why', async () => {
  const root = workspace();
  try {
    const here = await index(root, { readerThreads: 0 });
    const missing = join(root, 'no-such-readerWorker.js');
    const threads = await index(root, { readerThreads: 2, readerWorkerFile: missing });
    assert.match(readHere(threads.logs) ?? '', new RegExp(`no reader thread script at ${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.deepEqual(facts(threads.snap), facts(here.snap));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a reader thread that dies mid-way: what it posted is kept, what it held is read on the server thread', async () => {
  const root = workspace();
  const dying = join(root, 'dying-reader.js');
  // reads and posts four files as the real thread does, claims two more, then throws
  writeFileSync(
    dying,
    `const { parentPort } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
const { readCodeText } = require(${JSON.stringify(CODE_TEXT_MODULE)});
parentPort.once('message', async ({ jobs, next }) => {
  const claim = new Int32Array(next);
  const results = [];
  for (let n = 0; n < 4; n++) {
    const i = Atomics.add(claim, 0, 1);
    if (i >= jobs.length) break;
    results.push([i, await readCodeText(jobs[i].job, jobs[i].text ?? readFileSync(jobs[i].job.file, 'utf8'))]);
  }
  parentPort.postMessage({ results });
  Atomics.add(claim, 0, 2);
  setTimeout(() => { throw new Error('reader thread died on purpose'); }, 20);
});
`,
  );
  try {
    const here = await index(root, { readerThreads: 0 });
    const threads = await index(root, { readerThreads: 2, readerWorkerFile: dying });
    const said = readHere(threads.logs) ?? '';
    assert.match(said, /a reader thread failed: reader thread died on purpose/);
    const [readHereCount, total] = said.match(/^(\d+) of (\d+)/)!.slice(1).map(Number);
    assert.equal(readHereCount, total - 8, 'the eight files the two threads posted were not read again');
    assert.deepEqual(facts(threads.snap), facts(here.snap));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('reader threads with nothing to read stop at once', async () => {
  const pool = new ReaderThreads(2, ['python'], READER_WORKER_FILE);
  assert.equal(pool.started, 2);
  const read = await pool.read([]);
  assert.deepEqual(read, { outcomes: [], problems: [] });
});

test('a workspace dropped while its reader threads run stops them, and reads nothing they left', { timeout: 30_000 }, async () => {
  const root = workspace();
  // posts four files, then holds the rest forever: only the drop can end this pass
  const stalling = join(root, 'stalling-reader.js');
  writeFileSync(
    stalling,
    `const { parentPort } = require('node:worker_threads');
parentPort.once('message', ({ jobs, next }) => {
  const claim = new Int32Array(next);
  const results = [];
  for (let n = 0; n < 4; n++) results.push([Atomics.add(claim, 0, 1), { kind: 'no-assets' }]);
  parentPort.postMessage({ results });
  setInterval(() => undefined, 1000);
});
`,
  );
  try {
    const logs: string[] = [];
    const ws = new AssetWorkspace({ roots: [root], log: (l) => logs.push(l), readerThreads: 1, readerFilesPerThread: FILES_PER_THREAD, readerWorkerFile: stalling });
    let posted = 0;
    const snap = await ws.indexAll((done, total, message) => {
      if (/\.(py|ts)$/.test(message) && ++posted === 4) ws.dispose();
    });
    assert.equal(posted, 4, 'the thread posted its four files, and nothing was read after the drop');
    assert.equal(readHere(logs), undefined, 'nothing the thread held was read on the server thread');
    assert.equal(snap.codeFiles.size, 0);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('threads only where they pay: two or more, one per FILES_PER_THREAD files, unless a number is asked for', () => {
  assert.equal(readerThreadsFor(10_000, { most: 0 }), 0, 'readerThreads 0: none');
  assert.equal(readerThreadsFor(100, { most: 4, filesPerThread: 300 }), 0, 'too few files');
  assert.equal(readerThreadsFor(700, { most: 4, filesPerThread: 300 }), 2);
  assert.equal(readerThreadsFor(10_000, { most: 3, filesPerThread: 300 }), 3);
  assert.equal(readerThreadsFor(40, { most: 1, filesPerThread: 16 }), 1, 'one thread when asked for');
  // by default: never a lone thread (it would only move the work)
  assert.equal(readerThreadsFor(400, { filesPerThread: 300 }), 0);
});

test('the warm-up samples go through the readers as real asset files do (assets, deps, partitions, a job)', async () => {
  const py = await readCodeText({ language: 'python', file: 'warm_up.py', module: 'warm_up', isPackageInit: false }, WARM_UP_TEXT.python);
  assert.ok(py.kind === 'facts');
  assert.deepEqual(py.facts.assets.map((a) => a.key), [['warm_up'], ['warm_down']]);
  assert.equal(py.facts.assets[0].deps.length, 2);
  assert.ok(py.facts.assets[0].partitions);
  assert.equal(py.facts.selections.length, 1);
  const ts = await readCodeText({ language: 'typescript', file: 'warm_up.ts' }, WARM_UP_TEXT.typescript);
  assert.ok(ts.kind === 'facts');
  assert.deepEqual(ts.facts.assets.map((a) => a.key), [['raw', 'warm_up']]);
  assert.equal(ts.facts.selections.length, 1);
});
