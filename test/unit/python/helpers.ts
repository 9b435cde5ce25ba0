import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CodeFileFacts } from '../../../server/src/model/code';
import type { Range } from '../../../server/src/model/location';
import type { FileSource } from '../../../server/src/sources/fileSource';
import { readPythonFile } from '../../../server/src/sources/python';

export const FILE = path.resolve('/project/defs/assets/sample.py');

/** Read a Python snippet as module `defs.assets.sample`. */
export function readPy(text: string, module = 'defs.assets.sample', isPackageInit = false, file = FILE): Promise<CodeFileFacts> {
  return readPythonFile(file, text, module, isPackageInit);
}

/** The text a range covers in `text`. */
export function textAt(text: string, r: Range): string {
  const lines = text.split('\n');
  if (r.start.line === r.end.line) return lines[r.start.line].slice(r.start.character, r.end.character);
  const out = [lines[r.start.line].slice(r.start.character)];
  for (let l = r.start.line + 1; l < r.end.line; l++) out.push(lines[l]);
  out.push(lines[r.end.line].slice(0, r.end.character));
  return out.join('\n');
}

export function r(sl: number, sc: number, el: number, ec: number): Range {
  return { start: { line: sl, character: sc }, end: { line: el, character: ec } };
}

/** A FileSource over the real disk (read-only), for the example project. */
export const diskSource: FileSource = {
  readText: (p) => {
    try {
      return fs.readFileSync(p, 'utf8');
    } catch {
      return undefined;
    }
  },
  readBytes: (p) => {
    try {
      return fs.readFileSync(p);
    } catch {
      return undefined;
    }
  },
  stat: (p) => {
    try {
      const s = fs.statSync(p);
      return { size: s.size, mtimeMs: s.mtimeMs, isFile: s.isFile(), isDirectory: s.isDirectory() };
    } catch {
      return undefined;
    }
  },
  list: (p) => {
    try {
      return fs.readdirSync(p);
    } catch {
      return undefined;
    }
  },
};

/** A FileSource over an in-memory set of files (paths absolute). */
export function memorySource(files: Record<string, string>): FileSource {
  const dirs = new Set<string>();
  for (const f of Object.keys(files)) for (let d = path.dirname(f); ; d = path.dirname(d)) {
    dirs.add(d);
    if (path.dirname(d) === d) break;
  }
  return {
    readText: (p) => files[p],
    readBytes: (p) => (files[p] === undefined ? undefined : Buffer.from(files[p])),
    stat: (p) =>
      files[p] !== undefined
        ? { size: files[p].length, mtimeMs: 0, isFile: true, isDirectory: false }
        : dirs.has(p)
          ? { size: 0, mtimeMs: 0, isFile: false, isDirectory: true }
          : undefined,
    list: (p) => (dirs.has(p) ? [...new Set(Object.keys(files).filter((f) => path.dirname(f) === p).map((f) => path.basename(f)))] : undefined),
  };
}

/** Repository root (tests run from out/test/unit/python). */
export const REPO = path.resolve(__dirname, '../../../..');
