import * as path from 'node:path';
import type { FileSource } from '../fileSource';

/**
 * The dotted module name Python gives a file: walk up while the directory
 * is a package (has `__init__.py`). `defs/assets/trips.py` with
 * `defs/__init__.py` and `defs/assets/__init__.py` → `defs.assets.trips`.
 */
export function pythonModuleName(file: string, fs: FileSource): { module: string; isPackageInit: boolean } {
  const base = path.basename(file).replace(/\.pyi?$/, '');
  const isPackageInit = base === '__init__';
  const parts: string[] = isPackageInit ? [] : [base];
  let dir = path.dirname(file);
  for (let i = 0; i < 64; i++) {
    const init = fs.stat(path.join(dir, '__init__.py'));
    if (!init?.isFile) break;
    parts.unshift(path.basename(dir));
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return { module: parts.join('.'), isPackageInit };
}
