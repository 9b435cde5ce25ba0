import type { KeptManifestRead } from '../sources/dbt/manifestReadCodec';
import type { FileSource } from '../sources/fileSource';
import { ManifestReadStore, type KeptReadContext } from './manifestReadStore';
import type { WhenQuiet } from './whenQuiet';

/**
 * The workspace's side of the store: reads loaded from it or already saved
 * are not written again; a new read is saved once the editor is quiet after
 * the index that made it (encoding a 50k-node read interleaved with requests
 * would slow each of them), one save after the other. A save the editor
 * interrupts starts again at its next quiet time.
 */
export class KeptManifestReads {
  /** write without waiting for quiet (shutdown, tests) */
  private now = false;
  private readonly store: ManifestReadStore;
  private readonly stored = new WeakSet<KeptManifestRead>();
  /** reads to save, by dbt project root */
  private readonly pending = new Map<string, { ctx: KeptReadContext; read: KeptManifestRead }>();
  private saving: Promise<void> = Promise.resolve();

  constructor(
    dir: string,
    log: (line: string) => void,
    private readonly idle: WhenQuiet,
  ) {
    this.store = new ManifestReadStore(dir, log);
  }

  /** A read is kept for this project; load may still find it stale or damaged. */
  has(ctx: KeptReadContext): boolean {
    return this.store.has(ctx);
  }

  load(ctx: KeptReadContext, fs: FileSource): KeptManifestRead | undefined {
    const read = this.store.load(ctx, fs);
    if (read) this.stored.add(read);
    return read;
  }

  /** The read a project now uses: saved at the editor's next quiet time, unless the store has it. */
  use(ctx: KeptReadContext, read: KeptManifestRead): void {
    if (this.stored.has(read)) return;
    this.pending.set(ctx.root, { ctx, read });
    this.idle.run('kept manifest reads', () => void this.write());
  }

  /** Writes the reads not yet kept, now; resolves once they are written (shutdown, tests). */
  save(): Promise<void> {
    this.now = true;
    return this.write().finally(() => (this.now = false));
  }

  private write(): Promise<void> {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const { read } of pending) this.stored.add(read);
    if (pending.length) {
      this.saving = this.saving.then(async () => {
        for (const entry of pending) {
          await this.idle.untilQuiet(() => this.now);
          // the workspace was dropped while this save waited: its reads are not written any more
          if (this.idle.stopped && !this.now) return;
          const done = await this.store.save(entry.ctx, entry.read, () => this.now || this.idle.quiet());
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
