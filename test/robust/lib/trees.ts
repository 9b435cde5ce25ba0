import { createHash } from 'node:crypto';
import { lstatSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from './corpus';

/**
 * Hashes of the directories a run must never change: examples/ and every
 * fixture workspace under test/. Compared before and after, file by file, so
 * a failure names what changed.
 */
export function guardedDirs(): string[] {
  const root = repoRoot();
  const out = [join(root, 'examples')];
  const walk = (d: string, depth: number) => {
    if (depth > 6) return;
    let names: string[] = [];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const n of names) {
      const p = join(d, n);
      let st;
      try {
        st = lstatSync(p);
      } catch {
        continue;
      }
      if (!st.isDirectory()) continue;
      if (/^(fixtures?|workspaces?)$/.test(n) || /^workspace/.test(n)) out.push(p);
      else walk(p, depth + 1);
    }
  };
  walk(join(root, 'test'), 0);
  return out;
}

export function hashTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    let names: string[] = [];
    try {
      names = readdirSync(d).sort();
    } catch {
      return;
    }
    for (const n of names) {
      const p = join(d, n);
      let st;
      try {
        st = lstatSync(p);
      } catch {
        continue;
      }
      const rel = relative(dir, p);
      if (st.isSymbolicLink()) out.set(rel, `link:${readlinkSync(p)}`);
      else if (st.isDirectory()) {
        out.set(rel + '/', 'dir');
        walk(p);
      } else if (st.isFile()) out.set(rel, createHash('sha256').update(readFileSync(p)).digest('hex'));
    }
  };
  walk(dir);
  return out;
}

export interface TreeSnapshot {
  dirs: string[];
  hashes: Map<string, Map<string, string>>;
  files: number;
  bytes: number;
}

export function snapshotTrees(dirs = guardedDirs()): TreeSnapshot {
  const hashes = new Map<string, Map<string, string>>();
  let files = 0;
  let bytes = 0;
  for (const d of dirs) {
    const h = hashTree(d);
    hashes.set(d, h);
    for (const [rel, v] of h) {
      if (v === 'dir' || v.startsWith('link:')) continue;
      files++;
      try {
        bytes += lstatSync(join(d, rel)).size;
      } catch {
        // vanished since: reported by the comparison
      }
    }
  }
  return { dirs, hashes, files, bytes };
}

/** Changed, added and removed paths between two snapshots ("" = unchanged). */
export function diffTrees(before: TreeSnapshot, after: TreeSnapshot): string[] {
  const out: string[] = [];
  for (const d of before.dirs) {
    const a = before.hashes.get(d)!;
    const b = after.hashes.get(d) ?? new Map<string, string>();
    for (const [rel, h] of a) {
      if (!b.has(rel)) out.push(`removed ${join(d, rel)}`);
      else if (b.get(rel) !== h) out.push(`changed ${join(d, rel)}`);
    }
    for (const rel of b.keys()) if (!a.has(rel)) out.push(`added ${join(d, rel)}`);
  }
  return out;
}
