import { isAbsolute, relative, sep } from 'node:path';

/**
 * The only way readers see files. The workspace layer implements it over the
 * disk with open-document overlays; tests implement it over memory.
 * Every method returns undefined instead of throwing: a file that vanished
 * between discovery and read is simply absent.
 */
export interface FileStat {
  size: number;
  mtimeMs: number;
  isFile: boolean;
  isDirectory: boolean;
  /** the path itself is a symbolic link (size/kind are of its target) */
  isSymlink?: boolean;
  /** the text comes from an open editor, not the disk: size and mtime do not identify it */
  isOverlay?: boolean;
}

export interface FileSource {
  readText(path: string): string | undefined;
  readBytes(path: string): Uint8Array | undefined;
  stat(path: string): FileStat | undefined;
  /** names (not paths) in a directory */
  list(dir: string): string[] | undefined;
  /** the path with every symbolic link resolved; undefined when it does not exist (memory sources: omitted) */
  realPath?(path: string): string | undefined;
}

/** `file` is `dir` or below it (lexically: resolve links first where that matters). */
export function isInside(dir: string, file: string): boolean {
  const rel = relative(dir, file);
  return rel === '' || (rel !== '..' && !rel.startsWith('..' + sep) && !isAbsolute(rel));
}

/**
 * isInside for paths already normalised (resolve, realpath and join give no
 * `.`/`..` segments and no trailing separator): a prefix test, where
 * path.relative costs a third of a large project's containment checks.
 */
export function isInsideNormalised(dir: string, path: string): boolean {
  // Windows paths compare without case (a drive letter comes either way): path.relative knows how
  if (process.platform === 'win32') return isInside(dir, path);
  if (!path.startsWith(dir)) return false;
  return path.length === dir.length || path[dir.length] === sep || dir.endsWith(sep);
}
