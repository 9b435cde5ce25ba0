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
}

export interface FileSource {
  readText(path: string): string | undefined;
  readBytes(path: string): Uint8Array | undefined;
  stat(path: string): FileStat | undefined;
  /** names (not paths) in a directory */
  list(dir: string): string[] | undefined;
}
