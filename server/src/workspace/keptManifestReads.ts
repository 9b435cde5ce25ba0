import type { KeptManifestRead } from '../sources/dbt/manifestReadCodec';
import { ManifestReadStore, type KeptReadContext } from './manifestReadStore';
// a save waits while the editor asks for things (requests, edits) until it has been quiet this long
import { QUIET_MS } from './whenQuiet';


/**
 * The workspace's side of the store: reads loaded from it or already saved
 * are not written again; a new read is saved once the editor is quiet after
 * the index that made it (encoding a 50k-node read interleaved with requests
 * would slow each of them), one save after the other.
 */
export class KeptManifestReads {
  /** no background save work before this time (Date.now()) */
  private quietFrom = 0;
  /** write without waiting for quiet (shutdown, tests) */
  private now = false;
  private readonly store: ManifestReadStore;
  private readonly stored = new WeakSet<KeptManifestRead>();
  /** reads to save, by dbt project root */
  private readonly pending = new Map<string, { ctx: KeptReadContext; read: KeptManifestRead }>();
  private timer?: NodeJS.Timeout;
  private saving: Promise<void> = Promise.resolve();

  constructor(dir: string, log: (line: string) => void) {
    this.store = new ManifestReadStore(dir, log);
  }

  load(ctx: KeptReadContext): KeptManifestRead | undefined {
    const read = this.store.load(ctx);
    if (read) this.stored.add(read);
    return read;
  }

  /** The read a project now uses: saved soon, unless the store has it. */
  use(ctx: KeptReadContext, read: KeptManifestRead): void {
    if (this.stored.has(read)) return;
    this.pending.set(ctx.root, { ctx, read });
    this.holdOff();
    if (this.timer) return;
    this.timer = setTimeout(() => void this.write(), QUIET_MS);
    this.timer.unref();
  }

  /** The editor is busy: background saving waits (or stops, to start again) until it has been quiet for a moment. */
  holdOff(): void {
    this.quietFrom = Date.now() + QUIET_MS;
  }

  private quiet(): boolean {
    return this.now || Date.now() >= this.quietFrom;
  }

  /** Writes the reads not yet kept, now; resolves once they are written (shutdown, tests). */
  save(): Promise<void> {
    this.now = true;
    return this.write().finally(() => (this.now = false));
  }

  private readonly waitForQuiet = async (): Promise<void> => {
    while (!this.now && Date.now() < this.quietFrom) {
      await new Promise((resolve) => setTimeout(resolve, this.quietFrom - Date.now()).unref());
    }
  };

  private write(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const { read } of pending) this.stored.add(read);
    if (pending.length) {
      this.saving = this.saving.then(async () => {
        for (const entry of pending) {
          await this.waitForQuiet();
          const done = await this.store.save(entry.ctx, entry.read, () => this.quiet());
          if (done === 'interrupted' && !this.pending.has(entry.ctx.root)) {
            // the editor got busy: start again once it is quiet (unless a newer read replaced this one)
            this.stored.delete(entry.read);
            this.use(entry.ctx, entry.read);
          }
        }
      });
    }
    return this.saving;
  }
}
