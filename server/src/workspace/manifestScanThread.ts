import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { ScannedPart } from '../sources/dbt/manifest';

/** The thread's script: next to this module, in dist/ (bundled) as in out/ (compiled tests). */
export const MANIFEST_SCAN_WORKER_FILE = join(__dirname, 'manifestScanWorker.js');

/**
 * Manifests from this size are scanned on a thread. Measured on two cores
 * (fresh processes, alternating): a 267 MB manifest's first open 15 % faster,
 * a 54 MB one no faster (the thread's start and the first, unoptimised
 * decodes here cost what the overlap saves).
 */
export const MANIFEST_THREAD_MIN_BYTES = 64 * 1024 * 1024;

export interface ManifestScanThreadData {
  manifestPath: string;
}

/**
 * A large manifest read and scanned on a thread of its own, started as soon
 * as discovery meets the project: the read and the walk over the bytes
 * (most of a first open) then run while this thread walks the rest of the
 * workspace, and the kept values of each batch of located nodes are parsed
 * here, into DbtNodes, while the thread goes on with the next. Iterated once, as readScannedManifest does; a thread that fails
 * or exits early ends the parts with `gaveUp`, and the manifest is then read
 * here as before.
 */
export class ManifestScanThread implements AsyncIterable<ScannedPart> {
  private readonly parts: ScannedPart[] = [];
  private wake?: () => void;
  private ended = false;
  private readonly worker?: Worker;
  /** the scan reached the end of the manifest and handed everything over */
  completed = false;

  /** `gaveUp`: told why, when the parts end without the whole scan */
  constructor(
    manifestPath: string,
    private readonly gaveUp: (why: string) => void = () => undefined,
    workerFile = MANIFEST_SCAN_WORKER_FILE,
  ) {
    if (!existsSync(workerFile)) {
      this.end({ gaveUp: `no manifest scan thread script at ${workerFile}` });
      return;
    }
    try {
      this.worker = new Worker(workerFile, { workerData: { manifestPath } satisfies ManifestScanThreadData });
    } catch (err) {
      this.end({ gaveUp: `the manifest scan thread could not start: ${(err as Error).message}` });
      return;
    }
    this.worker.on('message', (part: ScannedPart) => ('rest' in part || 'gaveUp' in part ? this.end(part) : this.push(part)));
    this.worker.on('error', (err) => this.end({ gaveUp: `the manifest scan thread failed: ${err.message}` }));
    this.worker.once('exit', () => this.end({ gaveUp: 'the manifest scan thread exited before the end of the scan' }));
  }

  private push(part: ScannedPart): void {
    if (this.ended) return;
    this.parts.push(part);
    this.wake?.();
  }

  /** The last part: nothing after it counts, and the thread is let go. */
  private end(part: ScannedPart): void {
    if (this.ended) return;
    this.push(part);
    if ('rest' in part) this.completed = true;
    else if ('gaveUp' in part) this.gaveUp(part.gaveUp);
    this.ended = true;
    // not waited for: a thread takes tens of ms to tear down
    void this.worker?.terminate();
  }

  /**
   * Lets the thread go. Parts not yet taken are dropped with this object; an
   * iteration under way ends as if the scan gave up (the load reads the
   * manifest itself), without a word in the log.
   */
  stop(): void {
    if (!this.ended) {
      this.ended = true;
      this.parts.push({ gaveUp: 'stopped' });
      this.wake?.();
    }
    // not waited for: a thread takes tens of ms to tear down
    void this.worker?.terminate();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<ScannedPart> {
    for (let i = 0; ; i++) {
      while (i >= this.parts.length) await new Promise<void>((resolve) => (this.wake = resolve));
      const part = this.parts[i];
      // taken parts are not held: a 50k-node scan's batches are most of its memory
      (this.parts as (ScannedPart | undefined)[])[i] = undefined;
      yield part;
      if ('rest' in part || 'gaveUp' in part) return;
    }
  }
}
