import { dirname, join, relative, isAbsolute, sep } from 'node:path';
import { readdirSync, readFileSync, lstatSync } from 'node:fs';
import type { FileStat } from '../../../server/src/sources/fileSource';
import { DiskFileSource } from '../../../server/src/workspace/diskFileSource';

/**
 * An in-memory workspace that records every path a reader touches, so the
 * fuzzer can assert nothing outside the workspace root was asked for.
 * Extends DiskFileSource only for its type: the workspace takes one.
 */
export class MemoryFileSource extends DiskFileSource {
  private readonly files = new Map<string, Uint8Array>();
  private readonly dirs = new Map<string, Set<string>>();
  /** paths read or listed (opened) */
  readonly touched = new Set<string>();
  /** paths only stat'ed (existence checks, e.g. walking up for __init__.py) */
  readonly statted = new Set<string>();

  constructor(
    readonly root: string,
    files: Record<string, string | Uint8Array> = {},
  ) {
    super();
    this.addDir(root);
    for (const [p, content] of Object.entries(files)) this.put(p, content);
  }

  private addDir(dir: string): void {
    if (!this.dirs.has(dir)) this.dirs.set(dir, new Set());
    const parent = dirname(dir);
    if (parent !== dir) {
      this.addDir(parent);
      this.dirs.get(parent)!.add(dir.slice(parent.length).replace(/^[\\/]/, ''));
    }
  }

  put(path: string, content: string | Uint8Array): void {
    this.files.set(path, typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
    this.addDir(dirname(path));
    this.dirs.get(dirname(path))!.add(path.slice(dirname(path).length).replace(/^[\\/]/, ''));
  }

  remove(path: string): void {
    this.files.delete(path);
    this.dirs.get(dirname(path))?.delete(path.slice(dirname(path).length).replace(/^[\\/]/, ''));
  }

  textOf(path: string): string | undefined {
    const b = this.files.get(path);
    return b === undefined ? undefined : Buffer.from(b).toString('utf8');
  }

  override readText(path: string): string | undefined {
    this.touched.add(path);
    const overlay = super.hasOverlay(path) ? super.readText(path) : undefined;
    if (overlay !== undefined) return overlay;
    return this.textOf(path);
  }

  override readBytes(path: string): Uint8Array | undefined {
    this.touched.add(path);
    if (super.hasOverlay(path)) return super.readBytes(path);
    return this.files.get(path);
  }

  override stat(path: string): FileStat | undefined {
    this.statted.add(path);
    // as DiskFileSource: an open editor buffer gives its own size and says it is one
    if (super.hasOverlay(path)) return { size: Buffer.byteLength(super.readText(path) ?? ''), mtimeMs: 1, isFile: true, isDirectory: false, isOverlay: true };
    const f = this.files.get(path);
    if (f) return { size: f.length, mtimeMs: 1, isFile: true, isDirectory: false };
    if (this.dirs.has(path)) return { size: 0, mtimeMs: 1, isFile: false, isDirectory: true };
    return undefined;
  }

  override list(dir: string): string[] | undefined {
    this.touched.add(dir);
    const d = this.dirs.get(dir);
    return d ? [...d] : undefined;
  }

  /** Memory holds no symbolic links: every path is its own real path (never ask the disk about it). */
  override realPath(path: string): string | undefined {
    return path;
  }

  /** Touched paths outside the root (the invariant is that there are none). */
  outside(): string[] {
    return [...this.touched].filter((p) => !isInside(this.root, p));
  }
}

export function isInside(dir: string, file: string): boolean {
  const rel = relative(dir, file);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** Reads a directory tree into a path → bytes record, re-rooted at `newRoot`. */
export function loadTree(dir: string, newRoot: string, skip = /(^|[\\/])(node_modules|\.git|dist|out)$/): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  const walk = (d: string) => {
    let names: string[] = [];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const n of names) {
      const p = join(d, n);
      if (skip.test(p)) continue;
      let st;
      try {
        st = lstatSync(p);
      } catch {
        continue;
      }
      if (st.isDirectory()) walk(p);
      else if (st.isFile() && st.size < 16 * 1024 * 1024) out[join(newRoot, relative(dir, p)).split(sep).join(sep)] = readFileSync(p);
    }
  };
  walk(dir);
  return out;
}
