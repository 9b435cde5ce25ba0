import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { readCodeText, warmUpReader } from '../sources/codeText';
import type { ReaderThreadData, ReaderThreadJobs, ReaderThreadMessage, ThreadOutcome } from './readerPool';

/**
 * A reader thread (see readerPool.ts): claims files from the shared counter
 * until none is left, reads each one (the text given, or the file on disk)
 * and posts the facts back in small batches, so the language server's thread
 * takes them as they come and a thread that dies loses only its last batch.
 */
/** a batch is posted after this many files, or this many ms */
const BATCH_FILES = 32;
const BATCH_MS = 50;

async function run({ jobs, next }: ReaderThreadJobs): Promise<void> {
  const claim = new Int32Array(next);
  let batch: [number, ThreadOutcome][] = [];
  let since = performance.now();
  for (let i = Atomics.add(claim, 0, 1); i < jobs.length; i = Atomics.add(claim, 0, 1)) {
    const { job, text } = jobs[i];
    let body = text;
    if (body === undefined) {
      try {
        body = readFileSync(job.file, 'utf8');
      } catch {
        // gone or unreadable since the file was listed: as the server's own read would have it
      }
    }
    batch.push([i, body === undefined ? { kind: 'unreadable' } : await readCodeText(job, body)]);
    if (batch.length >= BATCH_FILES || performance.now() - since >= BATCH_MS) {
      parentPort!.postMessage({ results: batch } satisfies ReaderThreadMessage);
      batch = [];
      since = performance.now();
    }
  }
  parentPort!.postMessage({ results: batch, done: true } satisfies ReaderThreadMessage);
}

// the grammars load while the server's thread lists the jobs (a failure here
// is the first file's to report: readCodeText turns it into a file-skipped info)
for (const language of (workerData as ReaderThreadData).warm) void warmUpReader(language);
parentPort!.once('message', (jobs: ReaderThreadJobs) => void run(jobs));
