/**
 * Which of a dbt project's files differ from what its manifest read saw:
 * the files newer than the manifest (overlaid on it) and the files changed
 * since the read located its nodes. A full check walks and stats every
 * SQL / YAML / CSV file of the project; a reload after a few known files
 * changed (watcher events, editor buffers) updates the last answer from
 * those files alone, and falls back to the full check whenever the change
 * could reach beyond them.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { FileSource, FileStat } from '../fileSource';
import { CHECKSUM_PREFIX } from './manifest';
import { projectDir } from './paths';
import { parseDbtProjectYml } from './projectYml';
import { hasExt, walk, walkOnly } from './projectWalk';

const PROJECT_FILE_EXTS = ['.sql', '.yml', '.yaml', '.csv'];

/** What identifies a file's content without reading it (an editor buffer: nothing, see differs). */
export function statSignature(st: FileStat): string {
  return `${st.size}:${st.mtimeMs}`;
}

/** The folders a project's files are walked from: its own and each installed package's dbt paths. */
export function projectFileDirs(root: string, fs: FileSource): string[] {
  const settings = parseDbtProjectYml(fs.readText(path.join(root, 'dbt_project.yml')) ?? '');
  const roots: { dir: string; paths: string[] }[] = [];
  const pathsOf = (s: typeof settings): string[] => [...new Set([...s.modelPaths, ...s.seedPaths, ...s.snapshotPaths, ...s.analysisPaths])];
  roots.push({ dir: root, paths: pathsOf(settings) });
  const packagesDir = projectDir(root, settings.packagesInstallPath) ?? '';
  for (const entry of packagesDir ? (fs.list(packagesDir) ?? []) : []) {
    const dir = path.join(packagesDir, entry);
    const t = fs.readText(path.join(dir, 'dbt_project.yml'));
    if (t !== undefined) roots.push({ dir, paths: pathsOf(parseDbtProjectYml(t)) });
  }
  return roots.flatMap((r) => r.paths.flatMap((p) => projectDir(r.dir, p) ?? []));
}

/** Whether `dir` holds a file a project walk reads (the walk's rules: hidden, skipped and linked folders are not entered). */
export function holdsProjectFiles(fs: FileSource, dir: string): boolean {
  return walk(fs, dir, PROJECT_FILE_EXTS).length > 0;
}

/**
 * The project files a state knows of, each call a new pass over them: those
 * its manifest read located nodes among, and those changed, added or gone
 * since. Undefined without the read's record of them.
 */
export function knownProjectFiles(state: ProjectFileState): (() => Iterable<string>) | undefined {
  const recorded = state.baseline.files;
  if (!recorded) return undefined;
  return function* () {
    yield* recorded.keys();
    yield* state.changed;
  };
}

/** What a manifest read records of the project files it located its nodes in (see ManifestBaseline.files). */
export function snapshotOf(stats: ReadonlyMap<string, FileStat>): Map<string, string> {
  return new Map([...stats].map(([f, s]) => [f, s.isOverlay ? 'overlay' : statSignature(s)] as const));
}

/** The project's folders (see projectFileDirs), and the SQL / YAML / CSV files under them with their stats. */
export interface WalkedProject {
  dirs: string[];
  stats: Map<string, FileStat>;
}

/** Every project file, walked and stat'ed once. */
export function walkProject(root: string, fs: FileSource): WalkedProject {
  const dirs = projectFileDirs(root, fs);
  const stats = new Map<string, FileStat>();
  for (const dir of dirs) {
    for (const [file] of walk(fs, dir, PROJECT_FILE_EXTS)) {
      const st = fs.stat(file);
      if (st) stats.set(file, st);
    }
  }
  return { dirs, stats };
}

/**
 * dbt's checksum of a file: sha256 of its text, taken whole by some dbt
 * versions and stripped by others (real manifests show both).
 */
function sameAsChecksum(bytes: Uint8Array, checksum: string): boolean {
  // the manifest reader keeps the first 16 hex digits (64 bits) of a sha256
  const matches = (data: Uint8Array | string): boolean => {
    const hex = createHash('sha256').update(data).digest('hex');
    return hex === checksum || (checksum.length === CHECKSUM_PREFIX && hex.startsWith(checksum));
  };
  if (matches(bytes)) return true;
  const text = Buffer.from(bytes).toString('utf8');
  const trimmed = text.trim();
  return trimmed.length !== text.length && matches(trimmed);
}

/**
 * A file changed after `sinceMs`, or held unsaved by an editor. A file newer
 * than the manifest whose content still has the checksum the manifest
 * recorded for it was only touched (a fresh clone or checkout writes every
 * file after the manifest): it is not counted.
 */
function isNewer(file: string, st: FileStat, fs: FileSource, sinceMs: number, checksums: ReadonlyMap<string, string>): boolean {
  if (st.mtimeMs <= sinceMs && !st.isOverlay) return false;
  const checksum = checksums.get(file);
  const bytes = checksum !== undefined ? fs.readBytes(file) : undefined;
  return !(checksum !== undefined && bytes !== undefined && sameAsChecksum(bytes, checksum));
}

/** A file differs from the snapshot (changed, added, or held by an editor); nothing does without one. */
function differs(snapshot: ReadonlyMap<string, string> | undefined, file: string, st: FileStat): boolean {
  return !!snapshot && (!!st.isOverlay || snapshot.get(file) !== statSignature(st));
}

/** The manifest a state is relative to: its modification time, and the project files as its read located the nodes. */
export interface ManifestBaseline {
  mtimeMs: number;
  /** file → statSignature, 'overlay' for an editor buffer; none without a cache (nothing is then counted as changed) */
  files?: ReadonlyMap<string, string>;
}

/** The project files that differ from a manifest read, kept between loads of the project. */
export interface ProjectFileState {
  baseline: ManifestBaseline;
  /** the folders the files were walked from (see projectFileDirs) */
  dirs: string[];
  /** files newer than the manifest, or held by an editor, whose text is not what the manifest recorded */
  newer: Set<string>;
  /** files that differ from the baseline's snapshot, or are gone from it */
  changed: Set<string>;
}

/**
 * The state from every file of the project (a first load, a new manifest, a
 * change that may reach any file). `recordedNow`: the baseline's snapshot
 * was just made from these stats, so only editor buffers differ from it
 * (comparing 50k signatures again costs 20–30 ms of a first open).
 */
export function fullFileState(
  { dirs, stats }: WalkedProject,
  fs: FileSource,
  baseline: ManifestBaseline,
  checksums: ReadonlyMap<string, string>,
  opts: { recordedNow?: boolean } = {},
): ProjectFileState {
  const newer = new Set<string>();
  const changed = new Set<string>();
  for (const [file, st] of stats) {
    if (isNewer(file, st, fs, baseline.mtimeMs, checksums)) newer.add(file);
    if (opts.recordedNow ? st.isOverlay : differs(baseline.files, file, st)) changed.add(file);
  }
  if (!opts.recordedNow) for (const file of baseline.files?.keys() ?? []) if (!stats.has(file)) changed.add(file);
  return { baseline, dirs, newer, changed };
}

/**
 * The state after `files` changed, from those files alone; undefined when
 * the change may reach other files (a folder, a dbt_project.yml, a path the
 * state does not know that is gone, the project's folders changed): the
 * caller then takes the full state.
 */
export function updatedFileState(
  state: ProjectFileState,
  root: string,
  files: readonly string[],
  fs: FileSource,
  checksums: ReadonlyMap<string, string>,
): ProjectFileState | undefined {
  const dirs = projectFileDirs(root, fs);
  if (dirs.length !== state.dirs.length || dirs.some((d, i) => d !== state.dirs[i])) return undefined;
  const seen: { file: string; st: FileStat | undefined; inProject: boolean }[] = [];
  for (const file of files) {
    if (!hasExt(file, PROJECT_FILE_EXTS) || path.basename(file) === 'dbt_project.yml') return undefined;
    const st = fs.stat(file);
    if (st?.isDirectory) return undefined;
    // a path that is gone and was never a project file may have been a folder of them
    if (!st && !state.baseline.files?.has(file) && !state.newer.has(file) && !state.changed.has(file)) return undefined;
    const inProject = !!st && dirs.some((dir) => walkOnly(fs, dir, PROJECT_FILE_EXTS, [file]).length > 0);
    seen.push({ file, st, inProject });
  }
  const newer = new Set(state.newer);
  const changed = new Set(state.changed);
  for (const { file, st, inProject } of seen) {
    newer.delete(file);
    changed.delete(file);
    if (st && inProject) {
      if (isNewer(file, st, fs, state.baseline.mtimeMs, checksums)) newer.add(file);
      if (differs(state.baseline.files, file, st)) changed.add(file);
    } else if (state.baseline.files?.has(file)) changed.add(file);
  }
  return { baseline: state.baseline, dirs, newer, changed };
}
