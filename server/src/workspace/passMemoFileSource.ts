import type { FileSource, FileStat } from '../sources/fileSource';

/**
 * Remembers stat, directory listings and real paths for the length of one
 * index pass. Discovery, the dbt project walk, the manifest's freshness check
 * and the locator each stat every SQL file of a project: four system calls
 * per file become one. Outside a pass every call goes to the disk, so a file
 * changed between passes is always seen afresh; a change during a pass is
 * picked up by the pass its watcher event starts.
 */
export class PassMemoFileSource implements FileSource {
  private depth = 0;
  private stats = new Map<string, FileStat | undefined>();
  private lists = new Map<string, string[] | undefined>();
  private reals = new Map<string, string | undefined>();

  constructor(private readonly inner: FileSource) {}

  /** Runs `job` with the memo on; passes may nest, the memo is dropped when the outermost ends. */
  async during<T>(job: () => Promise<T>): Promise<T> {
    this.depth++;
    try {
      return await job();
    } finally {
      if (--this.depth === 0) {
        this.stats = new Map();
        this.lists = new Map();
        this.reals = new Map();
      }
    }
  }

  readText(path: string): string | undefined {
    return this.inner.readText(path);
  }

  readBytes(path: string): Uint8Array | undefined {
    return this.inner.readBytes(path);
  }

  stat(path: string): FileStat | undefined {
    if (this.depth === 0) return this.inner.stat(path);
    if (this.stats.has(path)) return this.stats.get(path);
    const st = this.inner.stat(path);
    this.stats.set(path, st);
    return st;
  }

  list(dir: string): string[] | undefined {
    if (this.depth === 0) return this.inner.list(dir);
    if (this.lists.has(dir)) return this.lists.get(dir)?.slice();
    const names = this.inner.list(dir);
    this.lists.set(dir, names);
    return names?.slice();
  }

  realPath(path: string): string | undefined {
    if (!this.inner.realPath) return undefined;
    if (this.depth === 0) return this.inner.realPath(path);
    if (this.reals.has(path)) return this.reals.get(path);
    const real = this.inner.realPath(path);
    this.reals.set(path, real);
    return real;
  }
}
