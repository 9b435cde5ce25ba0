import { basename, dirname, join, relative, resolve } from 'node:path';
import { isInsideNormalised as under, type FileSource, type FileStat } from '../sources/fileSource';

/**
 * The one place that keeps every read inside the workspace: a FileSource
 * view that refuses to read or list a path whose real location (every
 * symlink resolved) is outside the workspace roots. Readers may still ask
 * for such a path (a `model-paths` entry, a linked file): they get
 * `undefined`, as for a missing file, and the log says why, once per path.
 * Only `stat` passes through unchecked: it opens nothing, and discovery
 * needs it to see that an entry is a link.
 */
export class ContainedFileSource implements FileSource {
  private readonly realRoots: string[];
  private readonly refused = new Set<string>();
  /** files the user named explicitly (the manifestPath setting): allowed wherever they are */
  private readonly exceptions = new Set<string>();

  constructor(
    private readonly inner: FileSource,
    private readonly roots: string[],
    private readonly log: (line: string) => void = () => undefined,
  ) {
    this.realRoots = roots.map((r) => inner.realPath?.(r) ?? resolve(r));
  }

  allowFile(path: string): void {
    this.exceptions.add(resolve(path));
  }

  /** Inside the roots both as written and once links are resolved. */
  isAllowed(path: string): boolean {
    const abs = resolve(path);
    if (this.exceptions.has(abs)) return true;
    if (!this.roots.some((r) => under(r, abs))) return this.refuse(abs, 'outside the workspace');
    const real = this.realPathOf(abs);
    if (!this.realRoots.some((r) => under(r, real))) return this.refuse(abs, `a link to ${real}, outside the workspace`);
    return true;
  }

  /**
   * A path that does not exist has no real path: its nearest existing
   * ancestor decides (a missing file under a linked directory is still
   * outside), so nothing is read through a link that escapes.
   */
  private realPathOf(abs: string): string {
    // A file that is not itself a link is where its directory really is: one
    // real path per directory (remembered for a pass) instead of one per file.
    const parent = dirname(abs);
    const st = parent !== abs ? this.inner.stat(abs) : undefined;
    if (st?.isFile && st.isSymlink === false) return join(this.realPathOf(parent), basename(abs));
    const real = this.inner.realPath?.(abs);
    if (real !== undefined) return real;
    if (parent === abs) return abs;
    return resolve(this.realPathOf(parent), relative(parent, abs));
  }

  private refuse(path: string, why: string): false {
    if (!this.refused.has(path)) {
      this.refused.add(path);
      this.log(`not read: ${path} is ${why}`);
    }
    return false;
  }

  readText(path: string): string | undefined {
    return this.isAllowed(path) ? this.inner.readText(path) : undefined;
  }

  readBytes(path: string): Uint8Array | undefined {
    return this.isAllowed(path) ? this.inner.readBytes(path) : undefined;
  }

  list(dir: string): string[] | undefined {
    return this.isAllowed(dir) ? this.inner.list(dir) : undefined;
  }

  stat(path: string): FileStat | undefined {
    return this.inner.stat(path);
  }

  realPath(path: string): string | undefined {
    return this.inner.realPath?.(path);
  }
}
