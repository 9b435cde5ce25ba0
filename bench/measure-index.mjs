// One in-process measurement, run by bench/run.mjs in a fresh Node process
// (`node --expose-gc bench/measure-index.mjs '<json>'`) so every figure is a
// cold first run and no two workspaces share a heap. Prints one JSON line.
//
// Input: { engine, root, manifest?, dbtRoot?, changeFile?, warmRepeats?, keptReadsDir?, reopen?, ratioOnly?, indexOnly?, readerThreads?, codeCacheDir?, codeCacheLoader?, saveCodeCache? }
// codeCacheDir: load the engine through the code cache there (codeCacheLoader: the bundled server/src/codeCache.ts);
// saveCodeCache: write it after the cold index, as the server does after its first.
// ratioOnly: the cold index and JSON.parse only (repeats of a row's first figure; nothing kept).
// indexOnly: the cold index only. readerThreads: the workspace option (0: every code file read on the
// main thread; default one reader thread per core, up to 4).
// keptReadsDir: the directory the language server keeps manifest reads in (its client's
// storage); the run saves its read there at the end. reopen: a second session over the
// same directory, measuring the cold index from the kept read (the re-index, reader and
// warm steps are skipped).
import { mkdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';

const input = JSON.parse(process.argv[2]);
const require = createRequire(import.meta.url);
// the engine loaded as the server loads itself: through the code cache a session before this one wrote (server/src/codeCache.ts)
const loaded = input.codeCacheDir ? require(input.codeCacheLoader).loadWithCodeCache(input.engine, input.codeCacheDir) : undefined;
const engine = loaded ? loaded.exports : require(input.engine);

const gc = () => {
  if (!global.gc) throw new Error('run with --expose-gc');
  global.gc();
  global.gc();
};
const settle = async () => {
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setTimeout(r, 0));
    gc();
  }
};
const ms = (t0) => performance.now() - t0;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const out = { root: input.root, codeCache: loaded?.status ?? 'off' };
const logs = [];

// The page cache is warm for both the index and JSON.parse: read the bytes once, untimed.
if (input.manifest) {
  out.manifestBytes = statSync(input.manifest).size;
  readFileSync(input.manifest);
}

// 1. Cold index: the first indexAll in this process, exactly as the server does it.
gc();
const before = process.memoryUsage();
let t0 = performance.now();
let ws = new engine.AssetWorkspace({ roots: [input.root], log: (l) => logs.push(l), keptReadsDir: input.keptReadsDir, ...(input.readerThreads !== undefined ? { readerThreads: input.readerThreads } : {}) });
const describe = (snap) => {
  out.assets = snap.graph.assets.size;
  out.origins = snap.dbtProjects.map((p) => p.origin);
  out.dbtNodes = snap.dbtProjects.reduce((n, p) => n + p.nodes.length, 0);
  out.codeFiles = snap.codeFiles.size;
  out.diagnostics = [...snap.diagnostics.values()].reduce((n, l) => n + l.length, 0);
};
// inside a function: a suspended top-level await frame would keep the snapshot alive (retained heap would read ~0)
await (async () => describe(await ws.indexAll()))();
out.coldIndexMs = ms(t0);
out.skipped = logs.filter((l) => /skipped/.test(l)).slice(0, 3);
out.usedKeptRead = logs.some((l) => /manifest read kept from the last session is current/.test(l));
out.readerThreads = Number(logs.map((l) => /code files read on (\d+) reader threads/.exec(l)?.[1]).find(Boolean) ?? 0);
if (input.indexOnly) {
  process.stdout.write(JSON.stringify(out) + '\n');
  process.exit(0);
}
// as the server does after its first index (the warm-up run of bench/run.mjs)
if (input.saveCodeCache) out.codeCacheSaved = loaded?.save();

if (input.ratioOnly) {
  ws.dispose();
  ws = undefined;
  await settle();
  t0 = performance.now();
  JSON.parse(readFileSync(input.manifest, 'utf8'));
  out.jsonParseMs = ms(t0);
  process.stdout.write(JSON.stringify(out) + '\n');
  process.exit(0);
}

// 2. Retained memory with the index live (the workspace keeps the snapshot and per-file facts).
gc();
const after = process.memoryUsage();
out.heapGrowth = after.heapUsed - before.heapUsed;
out.retainedExternal = after.external + after.arrayBuffers - (before.external + before.arrayBuffers);
out.rss = after.rss;

// 3. Re-index after one file changes (content and mtime restored afterwards).
if (input.changeFile && !input.reopen) {
  const original = readFileSync(input.changeFile, 'utf8');
  const st = statSync(input.changeFile);
  try {
    writeFileSync(input.changeFile, original + `\n-- touched by the benchmark\n`);
    // inside a function: a suspended top-level await frame would keep the snapshot alive
    const reindex = async () => {
      const t = performance.now();
      const s2 = await ws.filesChanged([input.changeFile]);
      return [ms(t), s2.graph.assets.size];
    };
    [out.reindexMs, out.reindexAssets] = await reindex();
  } finally {
    writeFileSync(input.changeFile, original);
    utimesSync(input.changeFile, st.atime, st.mtime);
  }
  // 3c. Paths beside the models that hold none (the watcher reports them as they are): a notes file
  // deleted, then an empty folder made. Neither changes the project. Inside a function: a suspended
  // top-level await frame would keep the project it lists alive past the drop below (retained heap reads low).
  Object.assign(out, await pathsBesideModels(dirname(input.changeFile)));
}

async function pathsBesideModels(modelDir) {
  const notes = join(modelDir, 'BENCH_NOTES.md');
  const folder = join(modelDir, 'bench_empty_folder');
  const event = async (paths) => {
    const t = performance.now();
    await ws.filesChanged(paths);
    return ms(t);
  };
  try {
    writeFileSync(notes, '# notes\n');
    await ws.filesChanged([notes]);
    rmSync(notes);
    const notesGoneMs = await event([notes]);
    mkdirSync(folder);
    const emptyFolderMs = await event([folder]);
    // what `dbt run` writes besides the manifest: each model's compiled and run SQL under target/, reported
    // as one batch (the paths only: a run would write the files, and nothing reads them)
    const project = ws.snapshot.dbtProjects[0];
    const written = (project?.nodes ?? [])
      .filter((n) => n.resourceType === 'model' && n.originalFilePath)
      .flatMap((n) => ['compiled', 'run'].map((kind) => join(input.dbtRoot ?? input.root, 'target', kind, project.name, n.originalFilePath)));
    return { notesGoneMs, emptyFolderMs, dbtRunPathsMs: await event(written), dbtRunPaths: written.length };
  } finally {
    rmSync(notes, { force: true });
    rmSync(folder, { recursive: true, force: true });
  }
}

// The read kept for the next session (written after the figures above, as the server does it a moment after indexing).
if (input.keptReadsDir && !input.reopen) {
  t0 = performance.now();
  await ws.saveKeptReads();
  out.keepMs = ms(t0);
}

// 4. JSON.parse(readFileSync(manifest)) of the same file, same process. The index is
// dropped first: a live index makes every major GC of the steps below slower.
// what the index itself holds: heap with it live minus heap once it is dropped (code, JIT and module caches excluded)
// settle first: promise reactions and timers of the last index step still hold
// its intermediate objects for a turn of the event loop (seen as ±1.6 MB at 1k)
await settle();
const withIndex = process.memoryUsage().heapUsed;
// 3b. (reopened session, after the heap with its index was read) dbt rebuilt the manifest, no model file changed: the reload reads the
// manifest again (mtime restored afterwards).
if (input.manifest && input.reopen) {
  const st = statSync(input.manifest);
  try {
    utimesSync(input.manifest, st.atime, new Date(st.mtimeMs + 2000));
    const reload = async () => {
      const t = performance.now();
      await ws.filesChanged([input.manifest]);
      return ms(t);
    };
    out.manifestRebuiltMs = await reload();
  } finally {
    utimesSync(input.manifest, st.atime, st.mtime);
  }
  // nothing left pending (a save timer would keep the read alive past the drop below)
  await ws.saveKeptReads();
}

// dropped as the server drops it: work queued for a quiet moment (did-you-mean lists) would hold it a while longer
ws.dispose();
ws = undefined;
await settle();
out.retainedHeap = withIndex - process.memoryUsage().heapUsed;
if (input.manifest) {
  t0 = performance.now();
  let parsed = JSON.parse(readFileSync(input.manifest, 'utf8'));
  out.jsonParseMs = ms(t0);
  parsed = undefined;
  gc();
}
if (input.manifest && !input.reopen) {
  // 5. The dbt reader on its own: the manifest path with the size limit lifted, and readManifest alone.
  const fs = new engine.DiskFileSource();
  t0 = performance.now();
  const loaded = await engine.loadDbtProject(input.dbtRoot, fs, { maxFileBytes: 2 ** 31 });
  out.manifestLoadMs = ms(t0);
  out.manifestLoadNodes = loaded.facts.nodes.length;
  out.manifestLoadOrigin = loaded.facts.origin;
  const bytes = readFileSync(input.manifest);
  t0 = performance.now();
  const read = engine.readManifest(bytes, input.manifest, input.dbtRoot, fs);
  out.readManifestMs = ms(t0);
  out.readManifestNodes = read.facts?.nodes.length ?? 0;
  // without a stat of each node's file: the manifest part alone
  const noFiles = { readText: () => undefined, readBytes: () => undefined, stat: () => undefined, list: () => undefined };
  t0 = performance.now();
  engine.readManifest(bytes, input.manifest, input.dbtRoot, noFiles);
  out.readManifestNoFilesMs = ms(t0);
  // the skipping scanner alone (bytes → the fields the reader keeps)
  if (engine.scanManifest) {
    t0 = performance.now();
    const scanned = engine.scanManifest(bytes);
    out.scanMs = ms(t0);
    out.scanOk = scanned !== undefined;
  }
}

// 6. Warm figures for small inputs, where the cold run is mostly JIT warm-up.
const repeats = input.reopen ? 0 : (input.warmRepeats ?? 0);
if (repeats > 0) {
  const idx = [];
  const parse = [];
  for (let i = 0; i < repeats; i++) {
    t0 = performance.now();
    await new engine.AssetWorkspace({ roots: [input.root], log: () => undefined }).indexAll();
    idx.push(ms(t0));
    if (input.manifest) {
      t0 = performance.now();
      JSON.parse(readFileSync(input.manifest, 'utf8'));
      parse.push(ms(t0));
    }
  }
  out.warmIndexMs = median(idx);
  if (parse.length) out.warmJsonParseMs = median(parse);
}

process.stdout.write(JSON.stringify(out) + '\n');
