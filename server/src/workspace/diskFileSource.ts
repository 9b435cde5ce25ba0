import { lstatSync, readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import type { FileSource, FileStat } from '../sources/fileSource';

/**
 * FileSource over the real disk, with overlays for open editor documents
 * (their unsaved text wins over the file on disk).
 */
export class DiskFileSource implements FileSource {
  private readonly overlays = new Map<string, string>();

  setOverlay(path: string, text: string | undefined): void {
    if (text === undefined) this.overlays.delete(path);
    else this.overlays.set(path, text);
  }

  hasOverlay(path: string): boolean {
    return this.overlays.has(path);
  }

  readText(path: string): string | undefined {
    const overlay = this.overlays.get(path);
    if (overlay !== undefined) return overlay;
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  }

  readBytes(path: string): Uint8Array | undefined {
    const overlay = this.overlays.get(path);
    if (overlay !== undefined) return Buffer.from(overlay, 'utf8');
    try {
      return readFileSync(path);
    } catch {
      return undefined;
    }
  }

  stat(path: string): FileStat | undefined {
    const overlay = this.overlays.get(path);
    try {
      // one lstat (it was two), and no exception for a missing file: stat() runs for every
      // file of a large project, several times per index
      const l = lstatSync(path, { throwIfNoEntry: false });
      if (l) {
        const link = l.isSymbolicLink();
        const s = link ? statSync(path) : l;
        return {
          size: overlay !== undefined ? Buffer.byteLength(overlay) : s.size,
          mtimeMs: s.mtimeMs,
          isFile: s.isFile(),
          isDirectory: s.isDirectory(),
          isSymlink: link,
          ...(overlay !== undefined ? { isOverlay: true } : {}),
        };
      }
    } catch {
      // unreadable, or a dangling link: as missing
    }
    if (overlay !== undefined) return { size: Buffer.byteLength(overlay), mtimeMs: Date.now(), isFile: true, isDirectory: false, isOverlay: true };
    return undefined;
  }

  list(dir: string): string[] | undefined {
    try {
      return readdirSync(dir);
    } catch {
      return undefined;
    }
  }

  realPath(path: string): string | undefined {
    try {
      return realpathSync.native(path);
    } catch {
      return undefined;
    }
  }
}
