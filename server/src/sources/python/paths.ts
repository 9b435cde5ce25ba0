import type { Node } from 'web-tree-sitter';
import * as path from 'node:path';
import type { ReadContext } from './context';
import { argument, callArgs, stringLiteral, unwrap } from './syntax';

/**
 * Best-effort evaluation of path expressions relative to the file:
 * `Path(__file__).parent / "analytics"`, `.joinpath(...)`, `.resolve()`,
 * `os.path.join(os.path.dirname(__file__), ...)`, `file_relative_path(__file__, "x")`,
 * module-level variables bound to those, and `DbtProject(project_dir=...)`
 * (whose `.manifest_path` / `.project_dir` point into the project).
 * Relative string paths depend on the working directory and are not evaluated.
 */

export type PathValue = { kind: 'path'; path: string } | { kind: 'project'; dir: string };

const MAX_DEPTH = 20;

export function evalPath(ctx: ReadContext, node: Node | null | undefined, depth = 0): PathValue | null {
  if (!node || depth > MAX_DEPTH) return null;
  const n = unwrap(node);
  const asPath = (p: string): PathValue => ({ kind: 'path', path: p });
  const sub = (x: Node | null | undefined) => evalPath(ctx, x, depth + 1);
  const str = (x: Node | null | undefined): string | null => {
    if (!x) return null;
    const s = stringLiteral(unwrap(x));
    if (s) return s.value;
    const v = sub(x);
    return v?.kind === 'path' ? v.path : null;
  };
  switch (n.type) {
    case 'identifier': {
      if (n.text === '__file__') return asPath(ctx.file);
      const a = ctx.scope.assignments.get(n.text);
      return a && a.value.id !== n.id ? sub(a.value) : null;
    }
    case 'string': {
      const s = stringLiteral(n);
      return s && path.isAbsolute(s.value) ? asPath(s.value) : null;
    }
    case 'binary_operator': {
      if (n.child(1)?.type !== '/') return null;
      const l = sub(n.childForFieldName('left'));
      const r = str(n.childForFieldName('right'));
      return l?.kind === 'path' && r !== null ? asPath(path.join(l.path, r)) : null;
    }
    case 'attribute': {
      const attr = n.childForFieldName('attribute')?.text;
      const obj = sub(n.childForFieldName('object'));
      if (!obj) return null;
      if (obj.kind === 'project') {
        if (attr === 'project_dir') return asPath(obj.dir);
        if (attr === 'manifest_path') return asPath(path.join(obj.dir, 'target', 'manifest.json'));
        return null;
      }
      if (attr === 'parent') return asPath(path.dirname(obj.path));
      return null;
    }
    case 'call': {
      const fn = n.childForFieldName('function');
      const args = callArgs(n);
      if (!fn || !args) return null;
      if (fn.type === 'attribute') {
        const attr = fn.childForFieldName('attribute')?.text;
        const objNode = fn.childForFieldName('object');
        if (attr === 'join' && objNode?.text.replace(/\s+/g, '') === 'os.path') {
          const parts = args.positional.map(str);
          return parts.length && parts.every((p): p is string => p !== null) && path.isAbsolute(parts[0]) ? asPath(path.join(...parts)) : null;
        }
        if ((attr === 'dirname' || attr === 'abspath' || attr === 'realpath' || attr === 'normpath') && objNode?.text.replace(/\s+/g, '') === 'os.path') {
          const p = str(args.positional[0]);
          if (!p || !path.isAbsolute(p)) return null;
          return asPath(attr === 'dirname' ? path.dirname(p) : path.normalize(p));
        }
        const obj = sub(objNode);
        if (obj?.kind !== 'path') return null;
        if (attr === 'joinpath') {
          const parts = args.positional.map(str);
          return parts.every((p): p is string => p !== null) ? asPath(path.join(obj.path, ...parts)) : null;
        }
        if (attr === 'resolve' || attr === 'absolute' || attr === 'expanduser') return asPath(path.normalize(obj.path));
        return null;
      }
      const name = fn.text;
      if (name === 'Path' || name === 'pathlib.Path' || name === 'PurePath') {
        const parts = args.positional.map(str);
        return parts.length && parts.every((p): p is string => p !== null) && path.isAbsolute(parts[0]) ? asPath(path.join(...parts)) : null;
      }
      if (name === 'str' || name === 'os.fspath') return sub(args.positional[0]);
      const dg = ctx.scope.dagsterName(fn);
      if (dg === 'file_relative_path') {
        const base = str(args.positional[0]);
        const rel = str(args.positional[1]);
        return base && rel !== null && path.isAbsolute(base) ? asPath(path.join(path.dirname(base), rel)) : null;
      }
      if (dg === 'DbtProject') {
        const dir = sub(argument(args, 'project_dir', 0));
        return dir?.kind === 'path' ? { kind: 'project', dir: path.normalize(dir.path) } : null;
      }
      return null;
    }
  }
  return null;
}

/** The dbt project directory a `manifest=` / `project=` expression points into, if evaluable. */
export function projectDirOf(ctx: ReadContext, node: Node | undefined): string | undefined {
  const v = evalPath(ctx, node);
  if (!v) return undefined;
  if (v.kind === 'project') return v.dir;
  const p = path.normalize(v.path);
  if (path.basename(p) === 'manifest.json') {
    const dir = path.dirname(p);
    // manifest in <project>/target/manifest.json
    return path.basename(dir) === 'target' ? path.dirname(dir) : dir;
  }
  return p;
}
