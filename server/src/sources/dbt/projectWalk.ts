import * as path from 'node:path';
import type { FileSource } from '../fileSource';

/** Folders a dbt project walk never enters (build output, installed packages, caches). */
const SKIP_DIRS = new Set(['node_modules', 'target', 'dbt_packages', 'dbt_modules', 'logs', '__pycache__']);
const MAX_DEPTH = 30;

/** A file the walk found, with the folders between the walked directory and it. */
export type WalkedFile = [file: string, folders: string[]];

/** `name` ends with one of `exts` (lower case, with the dot), in any case. */
export const hasExt = (name: string, exts: string[]): boolean => exts.some((e) => name.toLowerCase().endsWith(e));

/**
 * The files under `dir` with one of `exts` (lower case, with the dot), in a
 * stable order: names sorted at each level, depth first. Hidden names, the
 * SKIP_DIRS folders and linked folders are not entered.
 */
export function walk(fs: FileSource, dir: string, exts: string[], folders: string[] = [], out: WalkedFile[] = [], depth = 0): WalkedFile[] {
  if (depth > MAX_DEPTH) return out;
  for (const name of (fs.list(dir) ?? []).sort()) {
    if (name.startsWith('.')) continue;
    const p = path.join(dir, name);
    const st = fs.stat(p);
    if (!st) continue;
    if (st.isDirectory) {
      // a linked directory may loop (`ln -s . loop`) or leave the project: not followed, as in discovery
      if (!SKIP_DIRS.has(name) && !st.isSymlink) walk(fs, p, exts, [...folders, name], out, depth + 1);
    } else if (st.isFile && hasExt(name, exts)) {
      out.push([p, folders]);
    }
  }
  return out;
}

/**
 * What `walk(fs, dir, exts)` finds among `only`, in the same order, without
 * listing the whole tree: a reload after one model file changed reads a few
 * files of a project of thousands. Each file is checked the way the walk
 * would reach it: every folder on the way listed by its parent, visible, not
 * skipped and not a link; the file itself listed, a file, with the extension.
 */
export function walkOnly(fs: FileSource, dir: string, exts: string[], only: Iterable<string>): WalkedFile[] {
  const listed = new Map<string, Set<string>>();
  const isListed = (parent: string, name: string): boolean => {
    let names = listed.get(parent);
    if (!names) listed.set(parent, (names = new Set(fs.list(parent) ?? [])));
    return names.has(name);
  };
  const found: { file: string; parts: string[] }[] = [];
  for (const file of only) {
    const rel = path.relative(dir, file);
    if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) continue;
    const parts = rel.split(path.sep);
    const name = parts[parts.length - 1];
    if (parts.length - 1 > MAX_DEPTH || !hasExt(name, exts)) continue;
    let at = dir;
    let reached = true;
    for (let i = 0; i < parts.length && reached; i++) {
      const part = parts[i];
      const isLast = i === parts.length - 1;
      if (part.startsWith('.') || !isListed(at, part)) reached = false;
      else {
        const p = path.join(at, part);
        const st = fs.stat(p);
        reached = !!st && (isLast ? st.isFile && !st.isDirectory : st.isDirectory && !SKIP_DIRS.has(part) && !st.isSymlink);
        at = p;
      }
    }
    if (reached && path.join(dir, ...parts) === file) found.push({ file, parts });
  }
  found.sort((a, b) => walkOrder(a.parts, b.parts));
  return found.map(({ file, parts }) => [file, parts.slice(0, -1)]);
}

/** The order walk() visits two paths in: the first differing name decides, as `.sort()` compares names. */
function walkOrder(a: string[], b: string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return a.length - b.length;
}
