// LSP figures over stdio: spawns dist/server.js --stdio on a workspace and
// measures, as an editor would see them: server start to first answer,
// completion latency with the whole index in play, and didSave → publishDiagnostics.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const { createProtocolConnection, StreamMessageReader, StreamMessageWriter } = require('vscode-languageserver-protocol/node');

export function percentile(xs, p) {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

/** Offsets just inside each `deps=["…` string: completion positions in key context. */
function completionPoints(text) {
  const points = [];
  const re = /deps=\[\s*"/g;
  let m;
  while ((m = re.exec(text))) points.push(m.index + m[0].length + 2);
  return points;
}

function positionAt(text, offset) {
  let line = 0;
  let last = 0;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) (line++, (last = i + 1));
  return { line, character: offset - last };
}

/** the answers over a target, as [position in the run, ms]: warm-up, a GC pause, or steady */
const slowOnes = (ms, over) => ms.flatMap((m, i) => (m > over ? [[i, Math.round(m)]] : []));

/**
 * opts: { server, root, file, completions?: {max, budgetMs}, saves?: {max, budgetMs}, lists?, log, storagePath?, codeCacheDir?, firstAnswerOnly? }
 * lists: after the saves, time the first list of every asset (assetLens/keys, workspace/symbol '').
 * codeCacheDir: passed as --code-cache=, as the VS Code client does (its global storage).
 * storagePath: the client's storage (where the server keeps its manifest read); firstAnswerOnly:
 * stop after the first answer (a reopened session).
 * Returns the figures; never leaves the server running.
 */
export async function measureLsp(opts) {
  const out = {};
  const t0 = performance.now();
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), opts.server, '--stdio', ...(opts.codeCacheDir ? [`--code-cache=${opts.codeCacheDir}`] : [])], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  const conn = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const diagWaiters = [];
  conn.onNotification('textDocument/publishDiagnostics', (p) => {
    for (let i = diagWaiters.length - 1; i >= 0; i--) {
      if (diagWaiters[i].test(p)) diagWaiters.splice(i, 1)[0].resolve(performance.now());
    }
  });
  conn.onNotification('window/logMessage', (p) => {
    if (/manifest read kept from the last session is current/.test(p.message)) out.usedKeptRead = true;
    opts.log?.(`  [server] ${p.message}`);
  });
  conn.onRequest(() => null);
  conn.listen();
  const waitDiagnostics = (test, timeoutMs = 120_000) =>
    new Promise((resolve, reject) => {
      const w = { test, resolve };
      diagWaiters.push(w);
      setTimeout(() => {
        const i = diagWaiters.indexOf(w);
        if (i >= 0) {
          diagWaiters.splice(i, 1);
          reject(new Error('timed out waiting for publishDiagnostics'));
        }
      }, timeoutMs).unref();
    });

  try {
    const rootUri = pathToFileURL(opts.root).href;
    await conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: 'bench' }],
      // as VS Code declares them (it resolves a workspace symbol's range when one is picked)
      capabilities: {
        textDocument: { completion: { completionItem: { snippetSupport: false } }, publishDiagnostics: {} },
        workspace: { symbol: { resolveSupport: { properties: ['location.range'] } } },
      },
      ...(opts.storagePath ? { initializationOptions: { storagePath: opts.storagePath } } : {}),
    });
    out.initializeMs = performance.now() - t0;
    await conn.sendNotification('initialized', {});

    const uri = pathToFileURL(opts.file).href;
    let text = readFileSync(opts.file, 'utf8');
    let version = 1;
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version, text } });
    const points = completionPoints(text).map((o) => positionAt(text, o));
    if (!points.length) throw new Error(`no deps=[" in ${opts.file}`);

    // Server start → first answer: the first completion waits for the initial index.
    const first = await conn.sendRequest('textDocument/completion', { textDocument: { uri }, position: points[0] });
    out.firstAnswerMs = performance.now() - t0;
    out.completionItems = first?.items?.length ?? (Array.isArray(first) ? first.length : 0);
    if (opts.firstAnswerOnly) {
      await conn.sendRequest('shutdown');
      await conn.sendNotification('exit');
      return out;
    }

    // Completion latency, whole round trip (request, compute, JSON over the pipe, parse).
    const c = opts.completions ?? { max: 200, budgetMs: 60_000 };
    const lat = [];
    const cStart = performance.now();
    for (let i = 0; i < c.max && (i < 10 || performance.now() - cStart < c.budgetMs); i++) {
      const t = performance.now();
      await conn.sendRequest('textDocument/completion', { textDocument: { uri }, position: points[i % points.length] });
      lat.push(performance.now() - t);
    }
    out.completionN = lat.length;
    // the slow answers, by position in the run: warm-up, a GC pause, or steady
    out.completionSlow = slowOnes(lat, 20);
    out.completionP50 = percentile(lat, 50);
    out.completionP99 = percentile(lat, 99);

    // didSave of one Python file → its publishDiagnostics, for two kinds of save:
    // - edit: an existing asset's dep changed to an unknown key, a line added above (ranges move);
    //   the asset ids stay, so the server re-links only this file (the common save)
    // - new asset: a definition appended (a new key can resolve references anywhere: full re-link)
    const s = opts.saves ?? { max: 20, budgetMs: 60_000 };
    const base = text;
    // the first save of each kind is reported on its own (it runs code not yet optimised and often
    // meets the first major GC after the index); p50/p99 are over the saves after it
    const measureSaves = async (edit) => {
      const saves = [];
      const sStart = performance.now();
      for (let i = 0; i <= s.max && (i < 4 || performance.now() - sStart < s.budgetMs); i++) {
        const missing = `bench_missing_key_${edit ? 'edit' : 'new'}_${i}`;
        text = edit
          ? `# save ${i}\n${base.replace(/deps=\["[^"]*"/, `deps=["${missing}"`)}`
          : `${base}\n@asset(deps=["${missing}"])\ndef bench_probe_${i}() -> None:\n    ...\n`;
        version++;
        await conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
        const got = waitDiagnostics((p) => p.uri === uri && p.diagnostics.some((d) => d.message.includes(`"${missing}"`)));
        const t = performance.now();
        await conn.sendNotification('textDocument/didSave', { textDocument: { uri } });
        saves.push((await got) - t);
      }
      return saves;
    };
    if (/deps=\["[^"]*"/.test(base)) {
      const [first, ...saves] = await measureSaves(true);
      out.saveFirstMs = first;
      out.saveN = saves.length;
      out.saveP50 = percentile(saves, 50);
      out.saveP99 = percentile(saves, 99);
      out.saveSlow = slowOnes(saves, 50);
    }
    const [firstAdded, ...added] = await measureSaves(false);
    out.saveNewFirstMs = firstAdded;
    out.saveNewN = added.length;
    out.saveNewP50 = percentile(added, 50);
    out.saveNewP99 = percentile(added, 99);
    out.saveNewSlow = slowOnes(added, 50);

    // didSave of one dbt model (opts.modelFile) → its publishDiagnostics: each save moves the model's lines and
    // calls a model that is not there (dbt has not been run since: the edited buffer is read over the manifest)
    if (opts.modelFile) {
      const muri = pathToFileURL(opts.modelFile).href;
      const mbase = readFileSync(opts.modelFile, 'utf8');
      let mversion = 1;
      await conn.sendNotification('textDocument/didOpen', { textDocument: { uri: muri, languageId: 'jinja-sql', version: mversion, text: mbase } });
      const msaves = [];
      const mStart = performance.now();
      for (let i = 0; i <= s.max && (i < 4 || performance.now() - mStart < s.budgetMs); i++) {
        const missing = `bench_missing_model_${i}`;
        mversion++;
        await conn.sendNotification('textDocument/didChange', { textDocument: { uri: muri, version: mversion }, contentChanges: [{ text: `-- save ${i}\n${mbase}\n-- {{ ref('${missing}') }}\n` }] });
        const got = waitDiagnostics((p) => p.uri === muri && p.diagnostics.some((d) => d.message.includes(`"${missing}"`)));
        const t = performance.now();
        await conn.sendNotification('textDocument/didSave', { textDocument: { uri: muri } });
        msaves.push((await got) - t);
      }
      const [firstModel, ...models] = msaves;
      out.modelSaveFirstMs = firstModel;
      out.modelSaveN = models.length;
      out.modelSaveP50 = percentile(models, 50);
      out.modelSaveP99 = percentile(models, 99);
      await conn.sendNotification('textDocument/didClose', { textDocument: { uri: muri } });
    }

    // Lists of every asset, as the asset picker (assetLens/keys) and "Go to Symbol in Workspace" ask for them:
    // the first of each after the index (a manifest node is placed in its file when its range is first needed).
    if (opts.lists) {
      let t = performance.now();
      const keys = await conn.sendRequest('assetLens/keys', {});
      out.keysMs = performance.now() - t;
      out.keysN = keys?.length ?? 0;
      t = performance.now();
      await conn.sendRequest('assetLens/keys', {});
      out.keysAgainMs = performance.now() - t;
      t = performance.now();
      const symbols = await conn.sendRequest('workspace/symbol', { query: '' });
      out.symbolsMs = performance.now() - t;
      out.symbolsN = symbols?.length ?? 0;
    }

    await conn.sendRequest('shutdown');
    await conn.sendNotification('exit');
    // let it exit on its own (a --cpu-prof run writes its profile then)
    await new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      const t = setTimeout(resolve, 5000);
      child.once('exit', () => (clearTimeout(t), resolve()));
    });
  } catch (err) {
    out.error = `${err?.message ?? err}${stderr ? ` | stderr: ${stderr.slice(-500)}` : ''}`;
  } finally {
    conn.dispose();
    if (child.exitCode === null) child.kill();
  }
  return out;
}
