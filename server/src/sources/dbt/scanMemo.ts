import { createHash } from 'node:crypto';

interface Entry {
  hash: string;
  value: unknown;
  pass: number;
}

/**
 * Per-file scan results of a dbt project (SQL scans, indexed properties YAML),
 * reused while a file's text is unchanged. Saving one model reloads the
 * project; a large properties file next to it need not be parsed again.
 *
 * Keyed by the text's hash, not by size and mtime: an unsaved editor buffer
 * keeps the disk file's mtime, a same-size edit within one mtime tick (coarse
 * file systems) keeps both, and in-memory sources have no real mtime. Hashing
 * costs a fraction of parsing. A pass (`beginPass` … `endPass`) drops the
 * entries of files no longer read, so deleted files do not linger.
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

  /** The memoised value for this file's text, or `compute(text)` (memoised unless undefined). */
  through<T>(kind: string, file: string, text: string, compute: (text: string) => T | undefined): T | undefined {
    const key = `${kind}\u0000${file}`;
    const hash = createHash('sha1').update(text).digest('base64');
    const e = this.entries.get(key);
    if (e && e.hash === hash) {
      e.pass = this.pass;
      this.hits++;
      return e.value as T;
    }
    this.misses++;
    const value = compute(text);
    if (value !== undefined) this.entries.set(key, { hash, value, pass: this.pass });
    else this.entries.delete(key);
    return value;
  }

  get size(): number {
    return this.entries.size;
  }
}
