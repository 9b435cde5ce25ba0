import { readFileSync, writeFileSync, rmSync, existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineIndex } from '../../../server/src/model/location';
import { Rng, inputSeed } from './prng';
import { mutateBytes, mutateJson, mutateText } from './mutate';
import { checkPosition } from './checks';
import { TestServer, tempCopy } from './lspServer';

/**
 * Whole-server fuzzing over LSP: each round applies one bad input to a temp
 * copy of examples/taxi — an editor buffer (didOpen/didChange), a rewritten
 * or deleted file on disk (didChangeWatchedFiles) — checks the server still
 * answers completion and definition, then undoes it and checks the answers
 * and the published diagnostics are exactly what they were before.
 */
export interface ServerFuzzOptions {
  seed: number;
  rounds: number;
  minutes?: number;
  log?: (line: string) => void;
}

export interface ServerFuzzStats {
  rounds: number;
  inputs: number;
  requests: number;
  /** diagnostics published while bad inputs were applied (all withdrawn after undo) */
  badDiagnostics: number;
  failures: string[];
  elapsedMs: number;
}

interface Probe {
  file: string;
  text: string;
  position: { line: number; character: number };
}

type Items = { label: string }[] | { items: { label: string }[] } | null;
const labels = (r: Items): string[] => (Array.isArray(r) ? r : (r?.items ?? [])).map((i) => i.label);

function listFiles(dir: string, out: string[] = []): string[] {
  for (const n of readdirSync(dir).sort()) {
    const p = join(dir, n);
    const st = statSync(p);
    if (st.isDirectory()) listFiles(p, out);
    else out.push(p);
  }
  return out;
}

export function languageIdOf(file: string): string {
  if (file.endsWith('.py')) return 'python';
  if (file.endsWith('.ts')) return 'typescript';
  if (file.endsWith('.sql')) return 'jinja-sql';
  if (/\.ya?ml$/.test(file)) return 'yaml';
  return 'plaintext';
}

/** Published diagnostics, without empty lists, as one comparable string. */
export function diagnosticsState(server: TestServer): string {
  const entries = [...server.diagnostics.entries()]
    .filter(([, v]) => v.diagnostics.length > 0)
    .map(([uri, v]) => [uri, v.diagnostics] as const)
    .sort((a, b) => a[0].localeCompare(b[0]));
  return JSON.stringify(entries);
}

/** Every published range lies inside the text the server knows for that file. */
export function diagnosticsInvalid(server: TestServer, textOf: (file: string) => string | undefined): string[] {
  const out: string[] = [];
  for (const [uri, v] of server.diagnostics) {
    const file = fileURLToPath(uri);
    const text = textOf(file);
    if (text === undefined) continue;
    for (const d of v.diagnostics as { range: { start: { line: number; character: number }; end: { line: number; character: number } } }[]) {
      for (const p of [d.range.start, d.range.end]) {
        const bad = checkPosition(text, p);
        if (bad) out.push(`${file}: published diagnostic ${bad}`);
      }
    }
  }
  return out;
}

export async function startTaxiServer(extra: Partial<ConstructorParameters<typeof TestServer>[0]> = {}) {
  const copy = tempCopy('taxi');
  const server = new TestServer({ root: copy.dir, ...extra });
  await server.start();
  await server.request('assetLens/keys', null, 120_000);
  const file = join(copy.dir, 'defs', 'assets', 'metrics.py');
  const text = readFileSync(file, 'utf8');
  const at = text.indexOf('"daily_metrics"');
  if (at < 0) throw new Error('examples/taxi/defs/assets/metrics.py no longer mentions "daily_metrics"');
  const probe: Probe = { file, text, position: new LineIndex(text).positionAt(at + 1 + 'daily_'.length) };
  return { copy, server, probe };
}

export async function probeAnswers(server: TestServer, probe: Probe): Promise<{ completion: string[]; definition: unknown }> {
  const params = { textDocument: { uri: TestServer.uri(probe.file) }, position: probe.position };
  // definition first: it waits for pending index work; completion answers from the index as it is
  const definition = await server.request('textDocument/definition', params);
  const completion = labels(await server.request<Items>('textDocument/completion', params));
  return { completion, definition };
}

export async function fuzzServer(opts: ServerFuzzOptions): Promise<ServerFuzzStats> {
  const started = Date.now();
  const deadline = opts.minutes !== undefined ? started + opts.minutes * 60_000 : Infinity;
  const stats: ServerFuzzStats = { rounds: 0, inputs: 0, requests: 0, badDiagnostics: 0, failures: [], elapsedMs: 0 };
  const { copy, server, probe } = await startTaxiServer();
  try {
    const clean = await probeAnswers(server, probe);
    if (!clean.completion.includes('daily_metrics')) throw new Error(`completion at the probe does not offer daily_metrics on the clean example: ${clean.completion.join(', ')}`);
    if (!clean.definition) throw new Error('definition at the probe is empty on the clean example');
    const baseline = diagnosticsState(server);
    const files = listFiles(copy.dir).filter((f) => /\.(py|ts|sql|ya?ml|json)$/.test(f));
    const originals = new Map(files.map((f) => [f, readFileSync(f)]));
    const texts = files.map((f) => originals.get(f)!.toString('utf8')).filter((t) => t.length < 200_000);
    const open = new Map<string, string>();
    const textOf = (f: string) => open.get(f) ?? (existsSync(f) ? readFileSync(f, 'utf8') : undefined);
    const fail = (round: number, what: string) => {
      const line = `server round ${round} (seed ${opts.seed}): ${what}`;
      stats.failures.push(line);
      opts.log?.(line);
    };

    for (let round = 0; round < opts.rounds && Date.now() < deadline; round++) {
      stats.rounds++;
      const rng = new Rng(inputSeed(opts.seed ^ 0x5e17e5, round));
      const file = rng.pick(files);
      const rel = relative(copy.dir, file);
      const original = originals.get(file)!;
      const isCode = /\.(py|ts)$/.test(file);
      const mode = isCode && rng.chance(0.7) ? 'editor' : rng.chance(0.15) ? 'delete' : 'disk';
      let what = `${mode} ${rel}`;
      try {
        // 1. the bad input
        if (mode === 'editor') {
          await server.open(file, original.toString('utf8'), languageIdOf(file));
          open.set(file, original.toString('utf8'));
          const edits = 1 + rng.int(3);
          for (let i = 0; i < edits; i++) {
            const m = mutateText(rng, original.toString('utf8'), texts);
            what += ` [${m.ops.join('+')}]`;
            await server.change(file, m.text);
            open.set(file, m.text);
            stats.inputs++;
          }
        } else if (mode === 'delete') {
          rmSync(file, { force: true });
          await server.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: TestServer.uri(file), type: 3 }] });
          stats.inputs++;
        } else {
          let bytes: Uint8Array;
          if (file.endsWith('.json') && rng.chance(0.5)) {
            const doc = JSON.parse(original.toString('utf8')) as unknown;
            const ops = mutateJson(rng, doc);
            what += ` [${ops.slice(0, 5).join('+')}]`;
            bytes = Buffer.from(JSON.stringify(doc));
          } else if (rng.chance(0.3)) {
            const m = mutateBytes(rng, original);
            what += ` [${m.ops.join('+')}]`;
            bytes = m.bytes;
          } else {
            const m = mutateText(rng, original.toString('utf8'), texts);
            what += ` [${m.ops.join('+')}]`;
            bytes = Buffer.from(m.text);
          }
          writeFileSync(file, bytes);
          await server.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: TestServer.uri(file), type: 2 }] });
          stats.inputs++;
        }
        // 2. still answering, diagnostics inside the texts they describe
        await probeAnswers(server, probe);
        stats.requests += 2;
        for (const v of server.diagnostics.values()) stats.badDiagnostics += v.diagnostics.length;
        for (const bad of diagnosticsInvalid(server, textOf)) fail(round, `${what}: ${bad}`);
        // 3. undo, then exactly the clean answers and diagnostics again
        if (mode === 'editor') {
          await server.close(file);
          open.delete(file);
        } else {
          writeFileSync(file, original);
          await server.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: TestServer.uri(file), type: mode === 'delete' ? 1 : 2 }] });
        }
        const after = await probeAnswers(server, probe);
        stats.requests += 2;
        if (!after.completion.includes('daily_metrics')) fail(round, `${what}: after undoing it, completion no longer offers daily_metrics`);
        if (JSON.stringify(after.definition) !== JSON.stringify(clean.definition)) fail(round, `${what}: after undoing it, definition differs: ${JSON.stringify(after.definition)}`);
        const state = diagnosticsState(server);
        if (state !== baseline) fail(round, `${what}: after undoing it, published diagnostics differ from the clean ones (stale diagnostics)\n  before: ${baseline.slice(0, 400)}\n  after:  ${state.slice(0, 400)}`);
      } catch (err) {
        fail(round, `${what}: ${(err as Error).message}`);
        // put the file back whatever happened
        writeFileSync(file, original);
        if (open.has(file)) {
          await server.close(file).catch(() => undefined);
          open.delete(file);
        }
      }
      if (!server.alive) {
        fail(round, `${what}: the server process exited (${server.exited})\n${server.stderr.slice(-2000)}`);
        break;
      }
    }
  } finally {
    await server.stop();
    copy.cleanup();
  }
  stats.elapsedMs = Date.now() - started;
  return stats;
}

export function formatServerStats(s: ServerFuzzStats): string {
  return `server: ${s.rounds} rounds, ${s.inputs} bad inputs, ${s.requests} probe requests answered, ${s.badDiagnostics} diagnostics shown on bad inputs and withdrawn after undo; ${s.failures.length} failures; ${(s.elapsedMs / 1000).toFixed(1)} s`;
}
