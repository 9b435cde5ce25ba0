import * as path from 'node:path';
import { isInside, type FileSource } from '../fileSource';
import { parseDbtProjectYml } from './projectYml';

/**
 * Path rules for dbt files. Manifests are often built on another machine, so
 * only paths relative to a package root are used, and a resolved path must
 * stay inside the local project root or its packages directory.
 */
export { isInside };

/**
 * Resolves `rel` against `base`; undefined when it escapes every allowed root.
 * `baseInside`: the caller knows `base` is normalised, not `/`, and inside an
 * allowed root (baseInsideRoots); a plain `a/b/c.sql` is then joined without
 * normalising, as the manifest's ten thousand paths nearly all are.
 */
export function resolveInside(base: string, rel: string, allowedRoots: string[], baseInside = false): string | undefined {
  if (!rel) return undefined;
  if (baseInside && path.sep === '/' && isPlainRelative(rel)) return base + '/' + rel;
  const abs = path.resolve(base, rel);
  return allowedRoots.some((r) => isInside(r, abs)) ? abs : undefined;
}

/** What resolveInside's `baseInside` asks of a base. */
export function baseInsideRoots(base: string, allowedRoots: string[]): boolean {
  return base.length > 1 && base === path.resolve(base) && allowedRoots.some((r) => isInside(r, base));
}

/** A relative POSIX path with no empty, `.` or `..` segment and no backslash: joining it to a directory needs no normalising. */
export function isPlainRelative(rel: string): boolean {
  if (rel.length === 0 || rel.charCodeAt(0) === 47) return false;
  let start = 0;
  for (let i = 0; i <= rel.length; i++) {
    const c = i < rel.length ? rel.charCodeAt(i) : 47;
    if (c === 92) return false;
    if (c !== 47) continue;
    const len = i - start;
    if (len === 0) return false;
    if (len <= 2 && rel.charCodeAt(start) === 46 && (len === 1 || rel.charCodeAt(start + 1) === 46)) return false;
    start = i + 1;
  }
  return true;
}

/**
 * A directory named in dbt_project.yml (`model-paths`, `packages-install-path`
 * and the others), resolved against the project root; undefined when it
 * leaves the project (absolute or `../`): a project's files live inside it,
 * and a path pointing elsewhere is never read.
 */
export function projectDir(projectRoot: string, rel: string): string | undefined {
  const abs = path.resolve(projectRoot, rel);
  return isInside(projectRoot, abs) ? abs : undefined;
}

/** Forward-slash relative path (dbt's `original_file_path` form). */
export function relPosix(from: string, to: string): string {
  return path.relative(from, to).split(path.sep).join('/');
}

/**
 * Finds the directory of installed package `pkg` under `packagesDir`: the
 * directory named like the package, else the one whose dbt_project.yml names it.
 */
export class PackageDirs {
  private readonly byName = new Map<string, string | undefined>();
  private scanned = false;
  constructor(
    /** undefined: the project's packages directory is outside it, so there are none */
    private readonly packagesDir: string | undefined,
    private readonly fs: FileSource,
  ) {}

  dirOf(pkg: string): string | undefined {
    if (this.packagesDir === undefined) return undefined;
    if (this.byName.has(pkg)) return this.byName.get(pkg);
    const direct = path.join(this.packagesDir, pkg);
    if (this.fs.stat(direct)?.isDirectory) {
      this.byName.set(pkg, direct);
      return direct;
    }
    if (!this.scanned) {
      this.scanned = true;
      for (const entry of this.fs.list(this.packagesDir) ?? []) {
        const dir = path.join(this.packagesDir, entry);
        const text = this.fs.readText(path.join(dir, 'dbt_project.yml'));
        const name = text !== undefined ? parseDbtProjectYml(text).name : undefined;
        if (name && !this.byName.has(name)) this.byName.set(name, dir);
      }
    }
    if (!this.byName.has(pkg)) this.byName.set(pkg, undefined);
    return this.byName.get(pkg);
  }
}
