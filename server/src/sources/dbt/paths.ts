import * as path from 'node:path';
import { isInside, type FileSource } from '../fileSource';
import { parseDbtProjectYml } from './projectYml';

/**
 * Path rules for dbt files. Manifests are often built on another machine, so
 * only paths relative to a package root are used, and a resolved path must
 * stay inside the local project root or its packages directory.
 */
export { isInside };

/** Resolves `rel` against `base`; undefined when it escapes every allowed root. */
export function resolveInside(base: string, rel: string, allowedRoots: string[]): string | undefined {
  if (!rel) return undefined;
  const abs = path.resolve(base, rel);
  return allowedRoots.some((r) => isInside(r, abs)) ? abs : undefined;
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
