import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { forEachLocation, type CodeFileFacts } from '../model/code';
import type { CodeTextJob, CodeTextOutcome } from '../sources/codeText';

/**
 * Reads many Python and TypeScript files on worker threads. Parsing is most
 * of a large code base's first index (tree-sitter, then the walk over its
 * tree: about 0.4 ms a file), each file is read on its own, and the facts are
 * plain data, so the files are shared out between threads while the language
 * server's own thread reads the dbt projects. The threads live for one pass:
 * a single saved file is read on the server's thread as before.
 */

export interface PooledJob {
  job: CodeTextJob;
  /** the text to read (an open editor's unsaved text); absent: the thread reads the file */
  text?: string;
}

export type ThreadOutcome = CodeTextOutcome | { kind: 'unreadable' };

/** What each thread is started with: the grammars to load while the server's thread lists the jobs. */
export interface ReaderThreadData {
  warm: CodeTextJob['language'][];
}

/** The one message a thread is sent: every job, and the counter they are claimed by. */
export interface ReaderThreadJobs {
  jobs: PooledJob[];
  /** an Int32 in shared memory: the index of the next job nobody has claimed */
  next: SharedArrayBuffer;
}

export interface ReaderThreadMessage {
  results: [number, ThreadOutcome][];
  done?: boolean;
}

/** The worker script: next to this module, in dist/ (bundled) as in out/ (compiled tests). */
export const READER_WORKER_FILE = join(__dirname, 'readerWorker.js');

/**
 * Files each thread must have for threads to pay: a thread takes ≈ 60 ms to
 * start and compiles the readers for itself. On two cores 500 files read as
 * fast with threads as without, 5,000 a fifth faster.
 */
export const FILES_PER_THREAD = 300;

/**
 * Threads for `files` files: `most` at most, by default one per core up to 4
 * (each holds its own heap and parsers); one for every `filesPerThread`
 * files. By default at least two or none: a single thread only moves the
 * work off the server's thread.
 */
export function readerThreadsFor(files: number, opts: { most?: number; filesPerThread?: number } = {}): number {
  const cores = availableParallelism();
  const most = opts.most ?? (cores < 2 ? 0 : Math.min(cores, 4));
  const n = Math.min(most, Math.floor(files / (opts.filesPerThread ?? FILES_PER_THREAD)));
  return n >= (opts.most === undefined ? 2 : 1) ? n : 0;
}

export interface PoolRead {
  /** the outcome of each job, by index; undefined: no thread read it (none started, or its thread died) */
  outcomes: (ThreadOutcome | undefined)[];
  /** why some jobs were not read on threads, for the log */
  problems: string[];
}

/**
 * Gives every Location of a file's facts the facts' own path string. A
 * message from a thread arrives as a structured clone, which writes each
 * string out in full, so each Location would keep a copy of the path of its
 * own: on 5,000 files with ten assets each, 23 MiB of the index's heap that
 * every major GC marks. Read on the server's thread they share one string.
 */
function sharePath({ facts }: { facts: CodeFileFacts }): void {
  const file = facts.file;
  forEachLocation(facts, (location) => {
    if (location.file === file) location.file = file;
  });
}

/**
 * Threads started before their jobs are known: each loads its script and
 * grammars (≈ 100 ms) while the server's thread decides what to read.
 */
export class ReaderThreads {
  private readonly workers: Worker[] = [];
  private readonly problems: string[] = [];
  /** per worker: resolves when it has posted its last facts, or exited without */
  private readonly finished: Promise<void>[] = [];
  private outcomes: (ThreadOutcome | undefined)[] = [];
  private onOutcome?: (index: number) => void;
  private cancelled?: () => boolean;
  private sent = false;

  constructor(threads: number, languages: CodeTextJob['language'][], workerFile = READER_WORKER_FILE) {
    if (threads <= 0) return;
    if (!existsSync(workerFile)) {
      this.problems.push(`no reader thread script at ${workerFile}`);
      return;
    }
    const workerData: ReaderThreadData = { warm: languages };
    for (let t = 0; t < threads; t++) {
      let worker: Worker;
      try {
        worker = new Worker(workerFile, { workerData });
      } catch (err) {
        this.problems.push(`a reader thread could not start: ${(err as Error).message}`);
        continue;
      }
      this.workers.push(worker);
      let finish!: () => void;
      this.finished.push(new Promise((resolve) => (finish = resolve)));
      worker.on('message', (msg: ReaderThreadMessage) => {
        for (const [i, outcome] of msg.results) {
          if (outcome.kind === 'facts') sharePath(outcome);
          this.outcomes[i] = outcome;
          this.onOutcome?.(i);
        }
        if (this.cancelled?.()) this.stop();
        else if (msg.done) {
          // not waited for: a thread takes ≈ 60 ms to tear down, and its work is in
          void worker.terminate();
          finish();
        }
      });
      worker.on('error', (err) => this.problems.push(`a reader thread failed: ${err.message}`));
      worker.once('exit', () => finish());
    }
  }

  get started(): number {
    return this.workers.length;
  }

  /**
   * Reads `jobs` (once per instance). Never rejects: a job no thread read
   * (none started, or its thread died) is left undefined in `outcomes` for
   * the caller to read itself, and `problems` says why.
   */
  async read(jobs: PooledJob[], opts: { onOutcome?: (index: number) => void; cancelled?: () => boolean } = {}): Promise<PoolRead> {
    if (this.sent) throw new Error('ReaderThreads.read runs once');
    this.sent = true;
    this.outcomes = new Array(jobs.length).fill(undefined);
    this.onOutcome = opts.onOutcome;
    this.cancelled = opts.cancelled;
    if (jobs.length === 0) this.stop();
    else {
      const message: ReaderThreadJobs = { jobs, next: new SharedArrayBuffer(4) };
      for (const w of this.workers) w.postMessage(message);
    }
    await Promise.all(this.finished);
    return { outcomes: this.outcomes, problems: this.problems };
  }

  /** Ends every thread now (cancelled, or nothing to read). */
  stop(): void {
    for (const w of this.workers) void w.terminate();
  }
}
