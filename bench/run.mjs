// `npm run bench`: generates the benchmark workspaces (once, cached in
// bench/.work/), measures every figure of issue 6 in this one run and prints
// one markdown table, also written to bench/RESULTS.md with the machine facts.
// A benchmark, not a test: it prints figures and never fails on them.
//
//   node bench/run.mjs [--quick]   (--quick: skip the 50k workspace)
import { execFileSync, execSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { bundleOptions, codeCacheSafe, copyGrammars } from '../scripts/lib/bundle.mjs';
import { ensureWorkspace, WORK } from './generate.mjs';
import { measureLsp } from './lsp.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');
const SERVER = join(ROOT, 'dist', 'server.js');
const ENGINE = join(WORK, 'engine.js');
const CODE_CACHE_LOADER = join(WORK, 'codeCache.js');
/** what the VS Code client passes the server as --code-cache (its global storage): written by the warm-up below */
const CODE_CACHE = join(WORK, 'code-cache');
const TAXI = join(ROOT, 'examples', 'taxi');
/** the example file the server-start figures complete in */
const TAXI_PY = join(TAXI, 'defs', 'assets', 'trips.py');
/** the same for the language server's own bundle (dist/serverMain.js) */
const CODE_CACHE_LSP = join(WORK, 'code-cache-lsp');
const REAL = process.env.ASSET_LENS_MANIFESTS ?? join(ROOT, '..', 'shared', 'manifests');
const quick = process.argv.includes('--quick');
const started = Date.now();
const log = (line) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);

// ---------------------------------------------------------------- setup

async function buildEngine() {
  mkdirSync(WORK, { recursive: true });
  // as dist/serverMain.js is bundled, so the engine can run from the code cache as the server does
  await build({ ...bundleOptions, ...codeCacheSafe, entryPoints: [join(HERE, 'engine-entry.ts')], outfile: ENGINE });
  await build({ ...bundleOptions, entryPoints: [join(ROOT, 'server', 'src', 'codeCache.ts')], outfile: CODE_CACHE_LOADER });
  // the reader threads' script, next to the engine as dist/readerWorker.js is next to the server
  await build({ ...bundleOptions, entryPoints: [join(ROOT, 'server', 'src', 'workspace', 'readerWorker.ts')], outfile: join(WORK, 'readerWorker.js') });
  await build({ ...bundleOptions, entryPoints: [join(ROOT, 'server', 'src', 'workspace', 'manifestScanWorker.ts')], outfile: join(WORK, 'manifestScanWorker.js') });
  copyGrammars(WORK);
}

function machine() {
  const cpu = os.cpus()[0]?.model ?? 'unknown cpu';
  let nproc = String(os.availableParallelism?.() ?? os.cpus().length);
  try {
    nproc = execSync('nproc', { encoding: 'utf8' }).trim();
  } catch {
    /* not on every system */
  }
  return {
    nproc,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    cpu,
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    heapLimit: `${(Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(require("v8").getHeapStatistics().heap_size_limit))'], { encoding: 'utf8' })) / 2 ** 20).toFixed(0)} MiB`,
  };
}

/** Each real manifest becomes a project directory: dbt_project.yml + target/manifest.json (no source files). */
function stageRealManifests() {
  const out = [];
  const files = [];
  const walk = (dir) => {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (name.endsWith('.json')) files.push(p);
      else if (!name.includes('.')) walk(p);
    }
  };
  walk(REAL);
  for (const file of files) {
    const name = basename(file, '.json');
    const dir = join(WORK, 'real', name);
    const manifest = join(dir, 'target', 'manifest.json');
    if (!existsSync(manifest)) {
      const json = JSON.parse(readFileSync(file, 'utf8'));
      const counts = new Map();
      for (const n of Object.values(json.nodes ?? {})) counts.set(n.package_name, (counts.get(n.package_name) ?? 0) + 1);
      const project = json.metadata?.project_name ?? [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'project';
      mkdirSync(join(dir, 'target'), { recursive: true });
      writeFileSync(join(dir, 'dbt_project.yml'), `name: ${project}\nversion: "1.0.0"\nconfig-version: 2\n`);
      copyFileSync(file, manifest);
    }
    out.push({ name, dir, manifest });
  }
  return out;
}

/**
 * Runs one in-process measurement in a fresh Node process, the engine loaded through the code cache
 * (input.codeCacheDir: null for none, as on the first start after the extension is installed).
 */
function measureIndex(input) {
  const stdout = execFileSync(process.execPath, ['--expose-gc', join(HERE, 'measure-index.mjs'), JSON.stringify({ engine: ENGINE, codeCacheLoader: CODE_CACHE_LOADER, codeCacheDir: CODE_CACHE, ...input })], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(stdout.trim().split('\n').pop());
}

// ---------------------------------------------------------------- formatting

/** the middle value (lower middle for an even count) */
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const f0 = (x) => (x === undefined || Number.isNaN(x) ? '–' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const mb = (b) => (b === undefined ? '–' : `${(b / 2 ** 20).toFixed(1)}`);
const ratio = (a, b) => (a === undefined || b === undefined || !b ? '–' : `${(a / b).toFixed(2)}×`);
const ok = (met) => (met ? '✅' : '❌');

function table(header, rows) {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

// ---------------------------------------------------------------- run

await buildEngine();
if (!existsSync(SERVER)) throw new Error(`${SERVER} missing: run npm run build first`);
const server = SERVER;
const facts = machine();
log(`machine: ${JSON.stringify(facts)}`);

const scales = quick ? [1000, 10000] : [1000, 10000, 50000];
const ws = {};
for (const n of scales) ws[n] = ensureWorkspace(`combined-${n / 1000}k`, log);
const py500 = ensureWorkspace('python-500', log);
const py5000 = ensureWorkspace('python-5000', log);
const ts500 = ensureWorkspace('typescript-500', log);
const real = stageRealManifests();

// 0. The code cache as a user has it once the extension has run: written after a first index of
// another project (the example), then used by every measurement below.
rmSync(CODE_CACHE, { recursive: true, force: true });
{
  const warm = measureIndex({ root: TAXI, manifest: join(TAXI, 'analytics', 'target', 'manifest.json'), ratioOnly: true, saveCodeCache: true });
  log(`code cache: ${warm.codeCacheSaved}`);
}

// 1. Manifests in-process: cold index, JSON.parse, memory, re-index; then a second
// session (fresh process) that starts from the manifest read the first one kept, as
// the language server does when a project is reopened with its manifest unchanged.
const manifestRows = [];
const keptRoot = join(WORK, 'kept');
rmSync(keptRoot, { recursive: true, force: true });
const withReopen = (label, input) => {
  const keptReadsDir = join(keptRoot, label.replace(/[^\w.-]+/g, '_'));
  const first = measureIndex({ ...input, keptReadsDir });
  // a project read from its files (no usable manifest) has no manifest read to keep
  const fromFiles = first.origins?.includes('files');
  // the machine swings ±30 % between runs: the ratios are the median of several fresh processes (the
  // repeats of the second session come before the full one, whose "manifest rebuilt" step replaces the kept read)
  const firsts = [first.coldIndexMs / first.jsonParseMs];
  const reopens = [];
  for (let i = 1; i < (input.ratioRepeats ?? 0); i++) {
    const f = measureIndex({ ...input, ratioOnly: true });
    firsts.push(f.coldIndexMs / f.jsonParseMs);
    if (fromFiles) continue;
    const r = measureIndex({ ...input, keptReadsDir, reopen: true, ratioOnly: true });
    if (!r.usedKeptRead) throw new Error(`${label}: a repeated second session did not use the kept read`);
    reopens.push(r.coldIndexMs / r.jsonParseMs);
  }
  if (fromFiles) return firsts.length > 1 ? { ...first, firstRatios: firsts } : first;
  // the first start after the extension is installed: no code cache yet (small manifests, where start-up costs show)
  const noCache = input.noCacheRow ? measureIndex({ ...input, ratioOnly: true, codeCacheDir: null }) : undefined;
  const reopen = measureIndex({ ...input, keptReadsDir, reopen: true });
  if (!reopen.usedKeptRead) throw new Error(`${label}: the second session did not use the kept read`);
  reopens.push(reopen.coldIndexMs / reopen.jsonParseMs);
  const row = { ...first, noCacheIndexMs: noCache?.coldIndexMs, noCacheJsonParseMs: noCache?.jsonParseMs, reopenIndexMs: reopen.coldIndexMs, reopenJsonParseMs: reopen.jsonParseMs, reopenRetainedHeap: reopen.retainedHeap, manifestRebuiltMs: reopen.manifestRebuiltMs };
  if (firsts.length > 1) Object.assign(row, { firstRatios: firsts, reopenRatios: reopens });
  return row;
};
for (const r of real) {
  log(`real manifest ${r.name}`);
  manifestRows.push({ label: `real: ${r.name}`, real: true, ...withReopen(r.name, { root: r.dir, dbtRoot: r.dir, manifest: r.manifest, warmRepeats: 5, noCacheRow: true, ratioRepeats: 3 }) });
}
for (const n of scales) {
  const w = ws[n];
  log(`dbt ${n} nodes (in-process)`);
  manifestRows.push({
    label: `synthetic dbt ${n / 1000}k nodes`,
    nodes: n,
    ...withReopen(`synthetic-${n}`, { root: w.dbt.dir, dbtRoot: w.dbt.dir, manifest: w.dbt.manifest, changeFile: w.dbt.sampleModelFile, warmRepeats: n <= 1000 ? 3 : 0, ratioRepeats: 5, noCacheRow: n <= 1000 }),
  });
}

/**
 * The cold index again with every code file read on the main thread (readerThreads: 0), each
 * in a fresh process; with `pairs` > 1, alternating pairs of both and the medians (single runs
 * swing ±30 % on a small shared machine, more than the difference measured).
 */
function withOneThread(row, root, pairs) {
  const threaded = [row.coldIndexMs];
  const oneThread = [];
  for (let i = 0; i < pairs; i++) {
    oneThread.push(measureIndex({ root, indexOnly: true, readerThreads: 0 }).coldIndexMs);
    if (i > 0) threaded.push(measureIndex({ root, indexOnly: true }).coldIndexMs);
  }
  return { ...row, coldIndexMs: median(threaded), coldIndexRuns: threaded, oneThreadMs: median(oneThread), oneThreadRuns: oneThread };
}

// 2. Code workspaces in-process.
const codeRows = [];
for (const [label, w, changeFile] of [
  ['python 500 files', py500, py500.python.sampleFile],
  ['python 5,000 files', py5000, py5000.python.sampleFile],
  ['typescript 500 files', ts500, join(ts500.typescript.dir, 'mod_00', 'assets_4.ts')],
]) {
  log(`${label} (in-process)`);
  codeRows.push({ label, ...withOneThread(measureIndex({ root: w.root, changeFile }), w.root, label.includes('5,000') ? 3 : 1) });
}
for (const n of scales) {
  log(`combined ${n / 1000}k (in-process)`);
  codeRows.push({ label: `dbt ${n / 1000}k + python ${n / 10} files`, nodes: n, ...withOneThread(measureIndex({ root: ws[n].root, changeFile: ws[n].dbt.sampleModelFile }), ws[n].root, n === 10000 ? 3 : 1) });
}
// The code half of the largest combined workspace opened alone (the Dagster folder without its dbt
// project): every reference to a dbt model is an unknown key with a did-you-mean to look for.
{
  const n = scales[scales.length - 1];
  const codeOnly = ws[n].python.dir;
  log(`python ${n / 10} files without their dbt project (in-process)`);
  codeRows.push({
    label: `python ${(n / 10).toLocaleString('en')} files naming a dbt project that is not there¹²`,
    ...withOneThread(measureIndex({ root: codeOnly, changeFile: ws[n].python.sampleFile }), codeOnly, 1),
  });
}

rmSync(CODE_CACHE_LSP, { recursive: true, force: true });
// the server's cache as the example project leaves it (written after its first index, before its first answer)
{
  let written;
  const warm = await measureLsp({ server, root: TAXI, file: TAXI_PY, codeCacheDir: CODE_CACHE_LSP, firstAnswerOnly: true, log: (l) => (written ??= /code cache written.*/.exec(l)?.[0]) });
  log(`server code cache: ${warm.error ? `warm-up failed: ${warm.error}` : (written ?? 'not written')}`);
}

// Server start on the example, without and with the code cache: alternating starts, figures from the server's own log.
const startRuns = { off: [], used: [] };
log('server start, examples/taxi');
for (let i = 0; i < 5; i++) {
  for (const k of ['off', 'used']) {
    const fig = {};
    const r = await measureLsp({
      server,
      root: TAXI,
      file: TAXI_PY,
      firstAnswerOnly: true,
      ...(k === 'used' ? { codeCacheDir: CODE_CACHE_LSP } : {}),
      log: (l) => {
        const m = /code cache (\w+).*loaded in (\d+) ms/.exec(l);
        if (m) [fig.status, fig.loadMs] = [m[1], Number(m[2])];
        const n = /indexed .* in (\d+) ms/.exec(l);
        if (n) fig.indexMs = Number(n[1]);
      },
    });
    if (r.error || fig.status !== k) log(`  a start (${k}) is left out: ${r.error ?? `code cache ${fig.status}`}`);
    else startRuns[k].push({ ...fig, initializeMs: r.initializeMs, firstAnswerMs: r.firstAnswerMs });
  }
}

// 3. LSP over stdio, with --code-cache as the VS Code client passes it (the server's own bundle has its own
// cache: the first session below writes it).
const lspRows = [];
for (const n of scales) {
  log(`LSP combined ${n / 1000}k`);
  // the client's storage: the server keeps its manifest read there at shutdown, and a second session starts from it
  const storagePath = join(keptRoot, `lsp-${n}`);
  const r = await measureLsp({ server, root: ws[n].root, file: ws[n].python.sampleFile, modelFile: ws[n].dbt.sampleModelFile, storagePath, codeCacheDir: CODE_CACHE_LSP, completions: { max: 200, budgetMs: n >= 50000 ? 60_000 : 30_000 }, saves: { max: 20, budgetMs: 60_000 }, lists: true });
  if (r.error) log(`  error: ${r.error}`);
  const reopened = await measureLsp({ server, root: ws[n].root, file: ws[n].python.sampleFile, storagePath, codeCacheDir: CODE_CACHE_LSP, firstAnswerOnly: true });
  if (reopened.error || !reopened.usedKeptRead) log(`  reopened session: ${reopened.error ?? 'the kept read was not used'}`);
  lspRows.push({ label: `dbt ${n / 1000}k + python ${n / 10} files`, nodes: n, ...r, reopenFirstAnswerMs: reopened.usedKeptRead ? reopened.firstAnswerMs : undefined });
}
log('LSP python 5,000 files');
{
  const r = await measureLsp({ server, root: py5000.root, file: py5000.python.sampleFile, codeCacheDir: CODE_CACHE_LSP, completions: { max: 200, budgetMs: 30_000 }, saves: { max: 20, budgetMs: 60_000 } });
  if (r.error) log(`  error: ${r.error}`);
  lspRows.push({ label: 'python 5,000 files', ...r });
}
// the code half of the largest combined workspace alone (row ¹² above): every save among its unknown keys
{
  const n = scales[scales.length - 1];
  log(`LSP python ${n / 10} files without their dbt project`);
  const r = await measureLsp({ server, root: ws[n].python.dir, file: ws[n].python.sampleFile, codeCacheDir: CODE_CACHE_LSP, completions: { max: 50, budgetMs: 15_000 }, saves: { max: 20, budgetMs: 60_000 } });
  if (r.error) log(`  error: ${r.error}`);
  lspRows.push({ label: `python ${(n / 10).toLocaleString('en')} files naming a dbt project that is not there¹²`, unknownHeavy: true, ...r });
}

// ---------------------------------------------------------------- report

const mRows = manifestRows.map((r) => [
  r.label,
  mb(r.manifestBytes),
  String(r.dbtNodes ?? '–'),
  `${f0(r.coldIndexMs)}${r.origins?.includes('files') ? ' (files¹)' : ''}`,
  f0(r.jsonParseMs),
  ratio(r.coldIndexMs, r.jsonParseMs),
  r.noCacheIndexMs === undefined ? '–' : `${f0(r.noCacheIndexMs)} / ${f0(r.noCacheJsonParseMs)} = ${ratio(r.noCacheIndexMs, r.noCacheJsonParseMs)}`,
  r.origins?.includes('files') ? '–' : `${f0(r.reopenIndexMs)} / ${f0(r.reopenJsonParseMs)} = ${ratio(r.reopenIndexMs, r.reopenJsonParseMs)}`,
  f0(r.manifestLoadMs),
  ratio(r.manifestLoadMs, r.jsonParseMs),
  f0(r.readManifestMs),
  f0(r.readManifestNoFilesMs),
  r.scanMs === undefined ? '–' : `${f0(r.scanMs)}${r.scanOk ? '' : ' (gave up)'}`,
  ratio(r.scanMs, r.jsonParseMs),
  r.warmIndexMs !== undefined ? `${f0(r.warmIndexMs)} / ${f0(r.warmJsonParseMs)} = ${ratio(r.warmIndexMs, r.warmJsonParseMs)}` : '–',
  mb(r.retainedHeap),
  ratio(r.retainedHeap, r.manifestBytes),
  mb(r.rss),
  f0(r.reindexMs),
  r.notesGoneMs === undefined ? '–' : `${f0(r.notesGoneMs)} / ${f0(r.emptyFolderMs)} / ${f0(r.dbtRunPathsMs)} (${r.dbtRunPaths})`,
  f0(r.manifestRebuiltMs),
]);
const sRows = [
  ['no code cache (the first start after install)', startRuns.off],
  ['from the code cache', startRuns.used],
].map(([label, runs]) => {
  const m = (key) => (runs.length ? f0(median(runs.map((x) => x[key]))) : '–');
  return [label, String(runs.length), m('loadMs'), m('indexMs'), m('initializeMs'), m('firstAnswerMs')];
});
const cRows = codeRows.map((r) => [
  r.label,
  String(r.assets),
  String(r.codeFiles),
  `${f0(r.coldIndexMs)}${r.readerThreads ? ` (${r.readerThreads} reader threads)` : ''}`,
  `${f0(r.oneThreadMs)} (${ratio(r.oneThreadMs, r.coldIndexMs)} the time${r.oneThreadRuns.length > 1 ? `; medians of ${r.oneThreadRuns.length} alternating runs` : ''})`,
  mb(r.retainedHeap),
  mb(r.rss),
  f0(r.reindexMs),
]);
const lRows = lspRows.map((r) =>
  r.error
    ? [r.label, `error: ${r.error.slice(0, 120)}`, ...Array(8).fill('')]
    : [
        r.label,
        String(r.completionItems),
        f0(r.initializeMs),
        f0(r.firstAnswerMs),
        f0(r.reopenFirstAnswerMs),
        `${f0(r.completionP50)} / ${f0(r.completionP99)} (n=${r.completionN}, ${r.completionSlow?.length ?? 0} over 20 ms)`,
        r.saveN ? `${f0(r.saveP50)} / ${f0(r.saveP99)} (n=${r.saveN}; first save ${f0(r.saveFirstMs)})` : '–',
        `${f0(r.saveNewP50)} / ${f0(r.saveNewP99)} (n=${r.saveNewN}; first save ${f0(r.saveNewFirstMs)})`,
        r.modelSaveN ? `${f0(r.modelSaveP50)} / ${f0(r.modelSaveP99)} (n=${r.modelSaveN}; first save ${f0(r.modelSaveFirstMs)})` : '–',
        r.keysN ? `${f0(r.keysMs)} (${r.keysN} assets; again ${f0(r.keysAgainMs)}) / ${f0(r.symbolsMs)} (${r.symbolsN})` : '–',
      ],
);

// growth 1k → 10k → 50k, per 1,000 nodes (linear = flat)
const synth = manifestRows.filter((r) => r.nodes);
const combos = codeRows.filter((r) => r.nodes);
const lspSynth = lspRows.filter((r) => r.nodes);
const per = (rows, key) => rows.map((r) => (r[key] === undefined ? '–' : f0(r[key] / (r.nodes / 1000)))).join(' → ');
const abs = (rows, key) => rows.map((r) => f0(r[key])).join(' → ');
const growthRows = [
  ['cold index, dbt only (ms)', abs(synth, 'coldIndexMs'), per(synth, 'coldIndexMs')],
  ['cold index reopened from the kept read, dbt only (ms)', abs(synth, 'reopenIndexMs'), per(synth, 'reopenIndexMs')],
  ['JSON.parse (ms)', abs(synth, 'jsonParseMs'), per(synth, 'jsonParseMs')],
  ['dbt load, manifest forced (ms)', abs(synth, 'manifestLoadMs'), per(synth, 'manifestLoadMs')],
  ['readManifest alone (ms)', abs(synth, 'readManifestMs'), per(synth, 'readManifestMs')],
  ['readManifest, no files (ms)', abs(synth, 'readManifestNoFilesMs'), per(synth, 'readManifestNoFilesMs')],
  ['scanManifest (ms)', abs(synth, 'scanMs'), per(synth, 'scanMs')],
  ['retained heap, dbt only (MiB)', synth.map((r) => mb(r.retainedHeap)).join(' → '), synth.map((r) => mb(r.retainedHeap / (r.nodes / 1000))).join(' → ')],
  ['re-index after one model edit (ms)', abs(synth, 'reindexMs'), per(synth, 'reindexMs')],
  ['notes file deleted among the models (ms)', abs(synth, 'notesGoneMs'), per(synth, 'notesGoneMs')],
  ["dbt run's SQL paths reported (ms)", abs(synth, 'dbtRunPathsMs'), per(synth, 'dbtRunPathsMs')],
  ['re-index after the manifest is rebuilt (ms)', abs(synth, 'manifestRebuiltMs'), per(synth, 'manifestRebuiltMs')],
  ['cold index, dbt + python (ms)', abs(combos, 'coldIndexMs'), per(combos, 'coldIndexMs')],
  ['server start → first answer (ms)', abs(lspSynth, 'firstAnswerMs'), per(lspSynth, 'firstAnswerMs')],
  ['the same, reopened (ms)', abs(lspSynth, 'reopenFirstAnswerMs'), per(lspSynth, 'reopenFirstAnswerMs')],
  ['completion p99 (ms)', abs(lspSynth, 'completionP99'), per(lspSynth, 'completionP99')],
  ['didSave → diagnostics p50, edit (ms)', abs(lspSynth, 'saveP50'), per(lspSynth, 'saveP50')],
  ['didSave → diagnostics p50, new asset (ms)', abs(lspSynth, 'saveNewP50'), per(lspSynth, 'saveNewP50')],
  ['didSave of a dbt model → diagnostics p50 (ms)', abs(lspSynth, 'modelSaveP50'), per(lspSynth, 'modelSaveP50')],
];

// targets
/** the saves over 50 ms after the first of each kind, by position: a GC pause or steady */
const slowSaves = (r) => {
  const list = [...(r.saveSlow ?? []).map(([i, ms]) => `edit #${i + 2}: ${ms}`), ...(r.saveNewSlow ?? []).map(([i, ms]) => `new #${i + 2}: ${ms}`)];
  return list.length ? `${list.join(', ')} ms` : 'none';
};
const big = lspSynth.find((r) => r.nodes === Math.max(...scales)) ?? {};
const py5kLsp = lspRows.find((r) => r.label === 'python 5,000 files') ?? {};
const unknownLsp = lspRows.find((r) => r.unknownHeavy) ?? {};
/** "1.80× (median of 3 fresh processes: 1.69–1.95×)", or undefined for a row measured once */
const spread = (xs) => {
  if (!xs || xs.length < 2) return undefined;
  const sorted = [...xs].sort((a, b) => a - b);
  return `${median(sorted).toFixed(2)}× (median of ${xs.length} fresh processes: ${sorted[0].toFixed(2)}–${sorted[sorted.length - 1].toFixed(2)}×)`;
};
// a row measured in several fresh processes counts by its median (single runs of a 1 ms JSON.parse swing by half)
const firstRatio = (r) => (r.firstRatios ? median(r.firstRatios) : r.coldIndexMs / r.jsonParseMs);
/** the row whose `ratio` is highest (undefined for no rows) */
const worstBy = (rows, ratio) => rows.reduce((w, r) => (!w || ratio(r) > ratio(w) ? r : w), undefined);
const worstFirst = worstBy(manifestRows, firstRatio);
const worstIndexRatio = firstRatio(worstFirst);
const noCacheRows = manifestRows.filter((r) => r.noCacheIndexMs !== undefined);
const worstNoCache = Math.max(...noCacheRows.map((r) => r.noCacheIndexMs / r.noCacheJsonParseMs));
const reopened = manifestRows.filter((r) => r.reopenIndexMs !== undefined && !r.origins?.includes('files'));
const reopenRatio = (r) => (r.reopenRatios ? median(r.reopenRatios) : r.reopenIndexMs / r.reopenJsonParseMs);
const worstReopen = worstBy(reopened, reopenRatio);
const reopenAtSize = (minBytes) => reopened.filter((r) => r.manifestBytes >= minBytes);
// an index of a thousand nodes or more holds something: zero or less means the drop did not free it (a measurement fault, not a pass)
const memUnmeasured = synth.filter((r) => !(r.retainedHeap > 0) || !(r.reopenRetainedHeap > 0)).map((r) => `${r.nodes / 1000}k`);
const worstMem = Math.max(...manifestRows.map((r) => Math.max(r.retainedHeap, r.reopenRetainedHeap ?? 0) / r.manifestBytes));
/** per-node cost at the largest scale ÷ at the one before (fixed costs dominate at 1k, so 1k is not compared): ~1 = linear */
const growth = (rows, key) => {
  const xs = rows.filter((r) => r[key] !== undefined && !Number.isNaN(r[key])).map((r) => r[key] / r.nodes);
  return xs.length > 1 ? xs[xs.length - 1] / xs[xs.length - 2] : NaN;
};
const growthKeys = [
  ['cold index (dbt)', synth, 'coldIndexMs'],
  ['reopened index (dbt)', synth, 'reopenIndexMs'],
  ['cold index (dbt+python)', combos, 'coldIndexMs'],
  ['readManifest', synth, 'readManifestMs'],
  ['scan', synth, 'scanMs'],
  ['re-index', synth, 'reindexMs'],
  ['start → first answer', lspSynth, 'firstAnswerMs'],
  ['completion p50', lspSynth, 'completionP50'],
  ['didSave → diagnostics p50', lspSynth, 'saveP50'],
  ['didSave (new asset) → diagnostics p50', lspSynth, 'saveNewP50'],
];
const growths = growthKeys.map(([label, rows, key]) => [label, growth(rows, key)]).filter(([, g]) => !Number.isNaN(g));
const superlinear = growths.filter(([, g]) => g > 1.5);
const targetRows = [
  ['cold index ≤ 1.0× JSON.parse (every manifest), first open', `worst ${worstIndexRatio.toFixed(1)}× (${worstFirst.label.replace('real: ', 'real ')}, ${(worstFirst.manifestBytes / 1024 / 1024).toFixed(1)} MiB; medians of fresh processes); synthetic ${synth.map((r) => `${r.nodes / 1000}k ${spread(r.firstRatios) ?? `${(r.coldIndexMs / r.jsonParseMs).toFixed(2)}×`}`).join(', ')}`, ok(worstIndexRatio <= 1)],
  [
    'the same, on the first start after install (no code cache yet)',
    `worst ${worstNoCache.toFixed(1)}×; ${noCacheRows.map((r) => `${r.label.replace('synthetic dbt ', '').replace('real: ', '')} ${f0(r.noCacheIndexMs)} ms (${f0(r.coldIndexMs)} with the cache)`).filter((_, i, a) => i < 3 || i === a.length - 1).join(', ')}`,
    ok(worstNoCache <= 1),
  ],
  [
    'the same, reopened (the read kept by the last session)',
    `worst ${worstReopen ? `${reopenRatio(worstReopen).toFixed(1)}× (${worstReopen.label}, ${mb(worstReopen.manifestBytes)} MiB)` : '–'}; every manifest of 10 MiB or more: ${reopenAtSize(10 * 2 ** 20).map((r) => `${r.label.replace('synthetic dbt ', '')} ${spread(r.reopenRatios) ?? `${reopenRatio(r).toFixed(2)}×`}`).join(', ') || '–'}`,
    ok(worstReopen !== undefined && reopenRatio(worstReopen) <= 1),
  ],
  ['completion p99 ≤ 20 ms, ~100k keys', `${f0(big.completionP99)} ms with ${big.completionItems} items; ${big.completionSlow?.length ?? 0} of ${big.completionN} answers over 20 ms (${(big.completionSlow ?? []).map(([i, ms]) => `#${i + 1}: ${ms}`).join(', ') || 'none'})`, ok(big.completionP99 <= 20)],
  [
    'didSave → publishDiagnostics ≤ 50 ms, 5,000 Python files',
    `p50 / p99: edit of an asset ${f0(py5kLsp.saveP50)} / ${f0(py5kLsp.saveP99)} ms, a new asset ${f0(py5kLsp.saveNewP50)} / ${f0(py5kLsp.saveNewP99)} ms (the first save of each: ${f0(py5kLsp.saveFirstMs)} / ${f0(py5kLsp.saveNewFirstMs)} ms)`,
    ok(py5kLsp.saveP99 <= 50 && py5kLsp.saveNewP99 <= 50),
  ],
  [
    `the same with a ${Math.max(...scales) / 1000}k-node dbt project too`,
    `p50 / p99: edit of an asset ${f0(big.saveP50)} / ${f0(big.saveP99)} ms, a new asset ${f0(big.saveNewP50)} / ${f0(big.saveNewP99)} ms (the first save of each: ${f0(big.saveFirstMs)} / ${f0(big.saveNewFirstMs)} ms); over 50 ms: ${slowSaves(big)}`,
    ok(big.saveP99 <= 50 && big.saveNewP99 <= 50),
  ],
  [
    `the same in the code half alone (${unknownLsp.label?.replace(/¹²$/, '') ?? '–'}: every dbt reference an unknown key)`,
    `p50 / p99: edit of an asset ${f0(unknownLsp.saveP50)} / ${f0(unknownLsp.saveP99)} ms, a new asset ${f0(unknownLsp.saveNewP50)} / ${f0(unknownLsp.saveNewP99)} ms (the first save of each: ${f0(unknownLsp.saveFirstMs)} / ${f0(unknownLsp.saveNewFirstMs)} ms)`,
    ok(unknownLsp.saveP99 <= 50 && unknownLsp.saveNewP99 <= 50),
  ],
  [
    'retained memory ≤ 0.5× manifest bytes',
    `${memUnmeasured.length ? `NOT MEASURED at ${memUnmeasured.join(', ')} (the dropped index was not freed); ` : ''}worst ${worstMem.toFixed(2)}× (first open or reopened); synthetic ${synth.map((r) => `${r.nodes / 1000}k ${(r.retainedHeap / r.manifestBytes).toFixed(2)}× / reopened ${((r.reopenRetainedHeap ?? NaN) / r.manifestBytes).toFixed(2)}×`).join(', ')}`,
    ok(worstMem <= 0.5 && memUnmeasured.length === 0),
  ],
  [
    `no quadratic path (per-node cost ${scales.length > 1 ? `${scales[scales.length - 2] / 1000}k → ${scales[scales.length - 1] / 1000}k` : ''} within 1.5×)`,
    growths.map(([label, g]) => `${label} ${g.toFixed(2)}×`).join(', '),
    ok(superlinear.length === 0),
  ],
];

const report = [
  `# Asset Lens benchmark results`,
  '',
  `Last run: ${new Date().toISOString()} · \`npm run bench\`${quick ? ' --quick' : ''} · total ${((Date.now() - started) / 1000).toFixed(0)} s`,
  '',
  `Machine: nproc ${facts.nproc} · memory ${facts.memory} · ${facts.cpu} · Node ${facts.node} (heap limit ${facts.heapLimit}) · ${facts.os}`,
  '',
  '## Targets',
  '',
  table(['target', 'measured', 'met'], targetRows),
  '',
  '## Manifests (in-process, one fresh process per row; cold = first index in that process)',
  '',
  table(
    ['manifest', 'MiB', 'nodes', 'cold index ms', 'JSON.parse ms', 'index ÷ parse', 'no code cache⁹: cold index / parse ms', 'reopen⁷: cold index / parse ms', 'dbt load² ms', 'load ÷ parse', 'readManifest ms', 'readManifest, no files⁴ ms', 'scan⁵ ms', 'scan ÷ parse', 'warm index / parse ms', 'retained heap⁶ MiB', 'heap ÷ bytes', 'RSS MiB', 're-index³ ms', 'notes file deleted / empty folder made / dbt run\'s SQL paths¹⁴ ms', 'manifest rebuilt⁸ ms'],
    mRows,
  ),
  '',
  '¹ the manifest was not used (a schema older than v4, which the reader does not read), so the index was built from the project files (SQL/YAML) instead.',
  '² `loadDbtProject` with the size limit lifted: the manifest path itself (the read + node translation + which file each node is in; where in the file is found when first asked, server/src/sources/dbt/places.ts).',
  '³ one model `.sql` file edited, then `filesChanged([file])`.',
  '¹⁴ beside that model: a notes file (`.md`) deleted, then an empty folder made, each `filesChanged([path])` as the watcher reports it. Then the paths of the compiled and run SQL `dbt run` writes under target/ for every model, reported at once (their count in brackets). None of them holds a file the project is read from, so none reloads it (server/src/workspace/folderEvents.ts, workspace.ts).',
  '⁴ `readManifest` with a file source that has no files: the manifest part without the stat of each node\'s file.',
  '⁵ `scanManifest` (server/src/sources/dbt/manifestScan.ts): the skipping scanner over the bytes, keeping only the fields the reader uses.',
  '⁶ heap (after GC) with the index live minus heap once the workspace is dropped: what the index holds, without code and module caches.',
  '⁷ a second session in a fresh process, as when the project is reopened: the language server starts from the manifest read it kept (in the editor\'s storage) at the end of the first, and checks it against the manifest\'s and every project file\'s size and mtime; JSON.parse measured in that same process.',
  '⁹ the first start after the extension is installed: the engine compiled from source, not read from the code cache the server keeps in the editor\'s storage (every other figure is with the cache, written by a first index of examples/taxi).',
  '⁸ in the reopened session: the manifest rewritten by dbt (new mtime), no model file changed, then `filesChanged([manifest])`: the manifest is read again (its nodes\' places find their ranges when asked, as on a first read).',
  '',
  '## Code workspaces (in-process)',
  '',
  table(['workspace', 'assets', 'code files', 'cold index ms', 'the same, every file on the main thread¹⁰ ms', 'retained heap MiB', 'RSS MiB', 're-index one file ms'], cRows),
  '',
  `¹⁰ \`readerThreads: 0\`: every Python and TypeScript file read on the language server's own thread, as before reader threads (server/src/workspace/readerPool.ts; one per core, at most 4: ${Math.min(os.availableParallelism(), 4)} on this machine). In a separate fresh process.`,
  '',
  `¹² the \`defs\` folder of the dbt ${scales[scales.length - 1] / 1000}k + python workspace as the only root: ${codeRows.find((r) => r.label.includes('¹²'))?.diagnostics ?? '–'} diagnostics, each reference to a dbt model an unknown key whose did-you-mean is looked for among the workspace's keys (server/src/analysis/suggest.ts).`,
  '',
  '## Server start (`dist/server.js --stdio` on examples/taxi; medians of alternating starts)',
  '',
  table(['start', 'starts', 'bundle loaded ms', 'first index ms', 'spawn → initialize answered ms', 'spawn → first completion ms'], sRows),
  '',
  '## Language server over stdio (`dist/server.js --stdio`)',
  '',
  table(['workspace', 'keys offered', 'initialize ms', 'start → first answer ms', 'the same, reopened⁷ ms', 'completion p50 / p99 ms', 'didSave → diagnostics p50 / p99 ms, edit of an asset', 'didSave → diagnostics p50 / p99 ms, new asset', 'didSave of a dbt model¹³ → diagnostics p50 / p99 ms', 'every asset listed¹¹: assetLens/keys ms / workspace/symbol "" ms'], lRows),
  '',
  "¹¹ after the saves, the first list of every asset in the session: the asset picker's request (each asset's file, not its range) and Go to Symbol in Workspace with an empty query (the best 500; ranges resolved when one is picked, as VS Code asks). Through stdio, the client's JSON parse included.",
  '',
  "¹³ the model's buffer saved with its lines moved and one more `ref()`, to a model that is not there, until its unknown-ref diagnostic is published: the project is read again over its unchanged manifest with the buffer overlaid, and the changed node patched into the last link (server/src/analysis/relinkDbtProject.ts).",
  '',
  '## Growth 1k → 10k → 50k nodes',
  '',
  table(['figure', 'absolute', 'per 1,000 nodes (flat = linear)'], growthRows),
  '',
];
const text = report.join('\n');
process.stdout.write(text + '\n');
const resultsPath = join(HERE, 'RESULTS.md');
const notesMarker = '<!-- notes -->';
const previous = existsSync(resultsPath) ? readFileSync(resultsPath, 'utf8') : '';
const notes = previous.includes(notesMarker) ? previous.slice(previous.indexOf(notesMarker)) : `${notesMarker}\n`;
writeFileSync(resultsPath, `${text}\n${notes}`);
writeFileSync(join(WORK, 'last-run.json'), JSON.stringify({ facts, manifestRows, codeRows, lspRows }, null, 2));
log(`wrote ${resultsPath}`);
