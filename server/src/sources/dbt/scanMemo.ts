import type { FileStat } from '../fileSource';

interface Entry {
  size: number;
  mtimeMs: number;
  value: unknown;
  pass: number;
}

/**
 * Per-file scan results of a dbt project (SQL scans, indexed properties YAML),
 * reused while a file's size and mtime are unchanged. Saving one model reloads
 * the project; without this every SQL and YAML file of a 10k-model project was
 * read and scanned again (seconds) to pick up one file's change.
 *
 * Editor overlays are never memoised: an unsaved buffer keeps the disk file's
 * mtime, so only its text identifies it. A pass (`beginPass` … `endPass`)
 * drops the entries of files no longer seen, so deleted files do not linger.
 */
export class FileScanMemo {
  private readonly entries = new Map<string, Entry>();
  private pass = 0;
  hits = 0;
  misses = 0;

  beginPass(): void {
    this.pass++;
    this.hits = 0;
    this.misses = 0;
  }

  endPass(): void {
    for (const [k, e] of this.entries) if (e.pass !== this.pass) this.entries.delete(k);
  }

  get<T>(kind: string, file: string, st: FileStat | undefined): T | undefined {
    if (!st || st.isOverlay) return undefined;
    const e = this.entries.get(`${kind}\u0000${file}`);
    if (!e || e.size !== st.size || e.mtimeMs !== st.mtimeMs) {
      this.misses++;
      return undefined;
    }
    e.pass = this.pass;
    this.hits++;
    return e.value as T;
  }

  set(kind: string, file: string, st: FileStat | undefined, value: unknown): void {
    if (!st || st.isOverlay) return;
    this.entries.set(`${kind}\u0000${file}`, { size: st.size, mtimeMs: st.mtimeMs, value, pass: this.pass });
  }

  get size(): number {
    return this.entries.size;
  }
}
