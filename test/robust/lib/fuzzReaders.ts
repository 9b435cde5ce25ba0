import { Worker } from 'node:worker_threads';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng, inputSeed } from './prng';
import { mutateBytes, mutateJson, mutateText } from './mutate';
import type { Corpus } from './corpus';
import type { ReaderInput, ReaderResult, ReaderTarget } from './readerWorker';

/**
 * The reader fuzzer: input i of a run is derived from (seed, i) alone, runs
 * in a worker thread under a time bound, and is classified as ok, crash (an
 * exception escaped or the worker died), hang (over the bound: the worker is
 * killed and replaced) or violation (an output invariant broke).
 */
export interface FuzzOptions {
  seed: number;
  /** stop after this many inputs ... */
  count?: number;
  /** first input index (to replay one input: from = its index, count = 1) */
  from?: number;
  /** ... or after this many minutes, whichever comes first */
  minutes?: number;
  timeoutMs: number;
  targets: ReaderTarget[];
  workers?: number;
  /** where failing inputs are written for replay (none when absent) */
  saveDir?: string;
  log?: (line: string) => void;
  /** worker script (compiled readerWorker.js) */
  workerPath: string;
}

export interface Failure {
  kind: 'crash' | 'hang' | 'violation';
  target: ReaderTarget;
  index: number;
  seed: number;
  origin: string;
  ops: string[];
  detail: string;
  savedAs?: string;
}

export interface FuzzStats {
  tried: number;
  crashes: number;
  hangs: number;
  violations: number;
  byTarget: Record<string, number>;
  slowestMs: number;
  /** which input was slowest, "target #index" */
  slowest?: string;
  failures: Failure[];
  elapsedMs: number;
}

export interface GeneratedInput extends ReaderInput {
  origin: string;
  ops: string[];
}

/** The input number `index` of a run seeded `seed`, for a given target. */
export function generateInput(corpus: Corpus, seed: number, index: number, target: ReaderTarget): GeneratedInput {
  const rng = new Rng(inputSeed(seed, index));
  const pool = corpus.seeds[target];
  const file = rng.pick(pool);
  const original = file.bytes;
  let content: string | Uint8Array;
  let ops: string[];
  const roll = rng.next();
  const isJson = file.path.endsWith('.json');
  if (isJson && roll < 0.45) {
    let doc: unknown;
    try {
      doc = JSON.parse(Buffer.from(original).toString('utf8'));
    } catch {
      doc = {};
    }
    ops = mutateJson(rng, doc);
    let text = JSON.stringify(doc);
    if (rng.chance(0.2)) {
      const m = mutateText(rng, text, []);
      text = m.text;
      ops.push(...m.ops);
    }
    content = text;
  } else if (roll < 0.6) {
    const m = mutateBytes(rng, original);
    content = m.bytes;
    ops = m.ops;
  } else {
    const m = mutateText(rng, Buffer.from(original).toString('utf8'), corpus.spliceTexts);
    content = m.text;
    ops = m.ops;
  }
  return { id: index, target, path: file.path, content, origin: file.origin, ops };
}

class ReaderWorker {
  private worker!: Worker;
  private pending?: { resolve: (r: ReaderResult) => void; timer: NodeJS.Timeout };
  constructor(
    private readonly path: string,
    private readonly corpus: Corpus,
  ) {}

  async start(): Promise<void> {
    this.worker = new Worker(this.path, { resourceLimits: { maxOldGenerationSizeMb: 1536, stackSizeMb: 4 } });
    this.worker.on('message', (r: ReaderResult) => this.settle(r));
    this.worker.on('error', (err) => this.settle({ id: -2, ok: false, error: `worker died: ${err?.stack ?? err}`, violations: [], ms: 0 }));
    this.worker.on('exit', (code) => this.settle({ id: -2, ok: false, error: `worker exited with code ${code}`, violations: [], ms: 0 }));
    await this.send({ kind: 'setup', root: this.corpus.root, files: this.corpus.base }, 60_000);
  }

  private settle(r: ReaderResult): void {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    clearTimeout(p.timer);
    p.resolve(r);
  }

  send(msg: unknown, timeoutMs: number): Promise<ReaderResult> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.settle({ id: -3, ok: false, error: `timeout after ${timeoutMs} ms`, violations: [], ms: timeoutMs }), timeoutMs);
      this.pending = { resolve, timer };
      this.worker.postMessage(msg);
    });
  }

  async stop(): Promise<void> {
    this.worker.removeAllListeners('exit');
    this.worker.removeAllListeners('error');
    this.worker.on('error', () => undefined);
    // a worker stuck where termination cannot reach is abandoned, not waited for
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.worker.terminate(), new Promise((r) => (timer = setTimeout(r, 5000)))]);
    clearTimeout(timer);
    this.worker.unref();
  }
}

/** Runs one input (or one whole-directory index) in a fresh worker under a time bound. */
export async function runInWorker(
  workerPath: string,
  corpus: Corpus | undefined,
  msg: ({ kind: 'run' } & ReaderInput) | { kind: 'index'; roots: string[]; settings?: Record<string, unknown> },
  timeoutMs: number,
): Promise<ReaderResult & { hung: boolean; summary?: import('./readerWorker').IndexSummary }> {
  const w = new ReaderWorker(workerPath, corpus ?? { root: '/', exampleDir: '', base: {}, seeds: {} as Corpus['seeds'], spliceTexts: [] });
  await w.start();
  const r = (await w.send(msg, timeoutMs)) as ReaderResult & { summary?: import('./readerWorker').IndexSummary };
  await w.stop();
  return { ...r, hung: r.id === -3 };
}

export async function fuzzReaders(corpus: Corpus, opts: FuzzOptions): Promise<FuzzStats> {
  const started = Date.now();
  const deadline = opts.minutes !== undefined ? started + opts.minutes * 60_000 : Infinity;
  const limit = opts.count ?? Infinity;
  const targets = opts.targets.filter((t) => corpus.seeds[t].length > 0);
  const stats: FuzzStats = { tried: 0, crashes: 0, hangs: 0, violations: 0, byTarget: {}, slowestMs: 0, failures: [], elapsedMs: 0 };
  if (!targets.length) return stats;
  const first = opts.from ?? 0;
  let next = first;
  let lastLog = started;

  const lane = async () => {
    let w = new ReaderWorker(opts.workerPath, corpus);
    await w.start();
    for (;;) {
      const index = next++;
      if (index >= first + limit || Date.now() >= deadline) break;
      const target = targets[index % targets.length];
      const input = generateInput(corpus, opts.seed, index, target);
      const { origin, ops, ...wire } = input;
      const r = await w.send({ kind: 'run', ...wire }, opts.timeoutMs);
      stats.tried++;
      stats.byTarget[target] = (stats.byTarget[target] ?? 0) + 1;
      if (r.ms > stats.slowestMs) {
        stats.slowestMs = r.ms;
        stats.slowest = `${target} #${index}`;
      }
      let failure: Failure | undefined;
      if (r.id === -3) {
        stats.hangs++;
        failure = { kind: 'hang', target, index, seed: opts.seed, origin, ops, detail: r.error ?? 'timeout' };
      } else if (!r.ok) {
        stats.crashes++;
        failure = { kind: 'crash', target, index, seed: opts.seed, origin, ops, detail: (r.error ?? '').split('\n').slice(0, 6).join('\n') };
      } else if (r.violations.length) {
        stats.violations++;
        failure = { kind: 'violation', target, index, seed: opts.seed, origin, ops, detail: r.violations.slice(0, 3).join('; ') };
      }
      if (failure) {
        if (opts.saveDir) {
          mkdirSync(opts.saveDir, { recursive: true });
          failure.savedAs = join(opts.saveDir, `${target}-seed${opts.seed}-input${index}${input.path.slice(input.path.lastIndexOf('.'))}`);
          writeFileSync(failure.savedAs, input.content);
        }
        stats.failures.push(failure);
        opts.log?.(`${failure.kind}: ${target} input ${index} (seed ${opts.seed}, from ${origin}, ${ops.join('+')}): ${failure.detail.split('\n')[0]}`);
      }
      if (r.id < 0) {
        // hung or died: replace the worker, carry on
        await w.stop();
        w = new ReaderWorker(opts.workerPath, corpus);
        await w.start();
      }
      if (opts.log && Date.now() - lastLog > 10_000) {
        lastLog = Date.now();
        opts.log(`... ${stats.tried} inputs, ${stats.crashes} crashes, ${stats.hangs} hangs, ${stats.violations} violations`);
      }
    }
    await w.stop();
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.workers ?? 1) }, lane));
  stats.elapsedMs = Date.now() - started;
  return stats;
}

export function formatStats(label: string, s: FuzzStats): string {
  const per = Object.entries(s.byTarget)
    .map(([t, n]) => `${t} ${n}`)
    .join(', ');
  return `${label}: ${s.tried} inputs tried (${per}); ${s.crashes} crashes, ${s.hangs} hangs, ${s.violations} invariant violations; slowest ${Math.round(s.slowestMs)} ms (${s.slowest ?? '-'}); ${(s.elapsedMs / 1000).toFixed(1)} s`;
}
