import { join, relative, sep } from 'node:path';
import picomatch from 'picomatch';
import { isInsideNormalised, type FileSource } from '../sources/fileSource';
import type { WorkspaceSettings } from './settings';

/** Directories never worth walking: tool caches, dependencies, build output. */
const SKIP_DIRS = new Set([
  'node_modules',
  '.git',
  '.hg',
  '.svn',
  '.venv',
  'venv',
  '__pycache__',
  '.mypy_cache',
  '.pytest_cache',
  '.ruff_cache',
  '.tox',
  'site-packages',
  'dbt_packages',
  'dbt_modules',
  'logs',
  'target',
  '.e2e',
  '.dagster',
  'dist',
  'out',
]);

/** Whether discovery walks into a folder of this name: not caches, dependencies, build output or hidden folders. */
export function walkedDirectory(name: string): boolean {
  return !SKIP_DIRS.has(name) && (!name.startsWith('.') || name === '.dagster_defs');
}

export interface DiscoveredFiles {
  /** directories holding a dbt_project.yml (outside dbt_packages) */
  dbtProjects: string[];
  python: string[];
  typescript: string[];
  /** Dagster component files (defs.yaml / component.yaml) */
  componentYaml: string[];
}

export type FileRole = 'python' | 'typescript' | 'componentYaml' | 'dbtProjectFile' | 'manifest' | 'other';

/** A glob matcher compiled when first used: a dbt-only workspace never compiles the Python and TypeScript globs. */
function lazyMatcher(globs: string | string[]): (p: string) => boolean {
  let match: ((p: string) => boolean) | undefined;
  return (p) => (match ??= picomatch(globs, { dot: true }))(p);
}

export class FileClassifier {
  private readonly py: (p: string) => boolean;
  private readonly pyEx: (p: string) => boolean;
  private readonly ts: (p: string) => boolean;
  private readonly tsEx: (p: string) => boolean;

  constructor(settings: WorkspaceSettings) {
    this.py = lazyMatcher(settings.pythonInclude);
    this.pyEx = lazyMatcher(settings.pythonExclude);
    this.ts = lazyMatcher(settings.typescriptInclude);
    this.tsEx = lazyMatcher(settings.typescriptExclude);
  }

  /** `rel` is relative to a workspace root, with "/" separators. */
  classify(rel: string): FileRole {
    const name = rel.slice(rel.lastIndexOf('/') + 1);
    if (name === 'dbt_project.yml') return 'dbtProjectFile';
    if (name === 'manifest.json') return 'manifest';
    if (name.endsWith('.py')) return this.py(rel) && !this.pyEx(rel) ? 'python' : 'other';
    if (/\.(ts|tsx|mts|cts)$/.test(name)) return this.ts(rel) && !this.tsEx(rel) ? 'typescript' : 'other';
    if (name === 'defs.yaml' || name === 'defs.yml' || name === 'component.yaml') return 'componentYaml';
    return 'other';
  }
}

export function toRel(root: string, path: string): string {
  // a path under its root with no `.` or `..` segment (the walk's and the watcher's paths): the slice is
  // path.relative's answer at a fraction of its cost, which tens of thousands of paths at once make count
  if (path.startsWith(root) && isInsideNormalised(root, path) && !hasDotSegment(path, root.length)) {
    const rel = path.slice(root.endsWith(sep) ? root.length : root.length + 1);
    return sep === '/' ? rel : rel.split(sep).join('/');
  }
  return relative(root, path).split(sep).join('/');
}

/** `path` has a `.` or `..` segment from `from` on (a hidden name such as `.dagster_defs` is not one). */
function hasDotSegment(path: string, from: number): boolean {
  for (let i = path.indexOf(sep + '.', from); i !== -1; i = path.indexOf(sep + '.', i + 1)) {
    const next = path[i + 2];
    if (next === undefined || next === sep || (next === '.' && (path[i + 3] === undefined || path[i + 3] === sep))) return true;
  }
  return false;
}

/**
 * Walks the workspace roots. Directory symlinks are not followed (no loops,
 * nothing outside the roots); the walk is bounded by `maxEntries`.
 * `onDbtProject` is told of each dbt project as the walk meets it, while the
 * walk goes on (the workspace starts reading its manifest then).
 */
export function discover(roots: string[], fs: FileSource, classifier: FileClassifier, maxEntries = 500_000, onDbtProject?: (dir: string) => void): DiscoveredFiles {
  const out: DiscoveredFiles = { dbtProjects: [], python: [], typescript: [], componentYaml: [] };
  const budget = { left: maxEntries };
  for (const root of roots) if (!walkFrom(root, root, fs, classifier, out, budget, onDbtProject)) break;
  return out;
}

/**
 * What discovery finds under `folders` alone (folders that came into the
 * workspace after its first walk), as the walk from their root would find
 * it: nothing under a folder the walk does not enter (a cache, a
 * dependency, a hidden folder on the way) or outside every root.
 */
export function discoverUnder(roots: string[], folders: string[], fs: FileSource, classifier: FileClassifier, maxEntries = 500_000): DiscoveredFiles {
  const out: DiscoveredFiles = { dbtProjects: [], python: [], typescript: [], componentYaml: [] };
  const budget = { left: maxEntries };
  // a folder inside another of the list is walked with it
  const starts = [...new Set(folders)].filter((f, _, all) => !all.some((o) => o !== f && isInsideNormalised(o, f)));
  for (const folder of starts) {
    const root = roots.filter((r) => isInsideNormalised(r, folder)).sort((a, b) => b.length - a.length)[0];
    if (root === undefined) continue;
    const between = toRel(root, folder).split('/').filter(Boolean);
    if (!between.every(walkedDirectory)) continue;
    if (!walkFrom(root, folder, fs, classifier, out, budget)) break;
  }
  return out;
}

/** Walks `start` (a root, or a folder under it) into `out`; false once the entry budget is spent. */
function walkFrom(root: string, start: string, fs: FileSource, classifier: FileClassifier, out: DiscoveredFiles, budget: { left: number }, onDbtProject?: (dir: string) => void): boolean {
  const stack = [start];
  while (stack.length) {
    const dir = stack.pop()!;
    const names = fs.list(dir);
    if (!names) continue;
    for (const name of names.sort()) {
      if (--budget.left < 0) return false;
      const path = join(dir, name);
      if (SKIP_DIRS.has(name)) continue;
      const st = fs.stat(path);
      if (!st) continue;
      if (st.isDirectory) {
        // a linked directory may loop or leave the workspace: not followed
        if (st.isSymlink) continue;
        if (walkedDirectory(name)) stack.push(path);
        continue;
      }
      if (!st.isFile) continue;
      const role = classifier.classify(toRel(root, path));
      if (role === 'dbtProjectFile') {
        out.dbtProjects.push(dir);
        onDbtProject?.(dir);
      }
      else if (role === 'python') out.python.push(path);
      else if (role === 'typescript') out.typescript.push(path);
      else if (role === 'componentYaml') out.componentYaml.push(path);
    }
  }
  return true;
}
