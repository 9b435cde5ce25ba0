import { basename } from 'node:path';
import { isInsideNormalised, type FileStat } from '../sources/fileSource';
import { walkedDirectory } from './discovery';

/**
 * VS Code reports a folder that is deleted, renamed or moved as one event
 * for the folder, not one for each file in it (microsoft/vscode#109754,
 * "as designed"), and the language server watches all paths for creation
 * and deletion to hear of it. This turns such events into what the index
 * must read again: a path that is a folder now (created, or moved in) or
 * that held files the index read (deleted, or moved out).
 */

/** What the index knows of one dbt project, to tell whether a folder held files it read. */
export interface DbtProjectExtent {
  root: string;
  /** the folders its project files were walked from; unknown: any folder under the root counts */
  dirs?: readonly string[];
  manifestPath: string;
  /**
   * the project files the index read (as its last walk found them), when
   * known: a path that went under its folders counts only if it held one
   * (a deleted notes file or empty folder is not a reload of 50k models)
   */
  files?: () => Iterable<string>;
}

/** What the index holds, asked for only when a path is a folder that came or went (not on a plain save). */
export interface FolderEventInput {
  stat(path: string): FileStat | undefined;
  /** the Python, TypeScript and component files the index holds */
  indexedCodeFiles(): Iterable<string>;
  dbtProjects(): Iterable<DbtProjectExtent>;
  /** whether a folder there now holds a file a dbt project walk reads (SQL, YAML, CSV) */
  holdsProjectFiles(folder: string): boolean;
}

export interface FolderChanges {
  /** indexed code files under a deleted folder: read again, they are found gone */
  goneFiles: string[];
  /** folders that are there now: the files under them the index does not hold are new */
  newFolders: string[];
  /** dbt projects to load again in full (a folder of theirs came or went) or to drop (their root went) */
  dbtProjects: string[];
}

/** `path` is `folder` or below it */
const within = (path: string, folder: string): boolean => isInsideNormalised(folder, path);

/** Some of `files` is one of `paths` or under one. */
function heldAny(files: Iterable<string>, paths: string[]): boolean {
  for (const file of files) if (paths.some((p) => within(file, p))) return true;
  return false;
}

/** `paths`: the changed paths no reader claims (not Python, TypeScript, dbt or component files). */
export function folderChanges(paths: readonly string[], input: FolderEventInput): FolderChanges {
  const out: FolderChanges = { goneFiles: [], newFolders: [], dbtProjects: [] };
  if (paths.length === 0) return out;
  const gone: string[] = [];
  for (const path of paths) {
    const st = input.stat(path);
    if (!st) gone.push(path);
    // a folder discovery would not walk (caches, dependencies, build output, hidden) brings nothing new
    else if (st.isDirectory && !st.isSymlink && walkedDirectory(basename(path))) out.newFolders.push(path);
  }
  if (gone.length === 0 && out.newFolders.length === 0) return out;
  const goneFiles = new Set<string>();
  if (gone.length) for (const file of input.indexedCodeFiles()) if (gone.some((g) => within(file, g))) goneFiles.add(file);
  out.goneFiles = [...goneFiles];
  const touched = [...gone, ...out.newFolders];
  for (const p of input.dbtProjects()) {
    // the project itself, or a folder above it; or a folder its manifest was in (dbt clean deletes target/)
    const aboveOrManifest = (path: string): boolean => within(p.root, path) || within(p.manifestPath, path);
    // a folder of its project files, one under them or one above them
    const amongFileDirs = (path: string): boolean => within(path, p.root) && (p.dirs === undefined || p.dirs.some((d) => within(path, d) || within(d, path)));
    const goneHere = gone.filter(amongFileDirs);
    const reloads =
      touched.some(aboveOrManifest) ||
      (goneHere.length > 0 && (p.files === undefined || heldAny(p.files(), goneHere))) ||
      out.newFolders.some((f) => amongFileDirs(f) && input.holdsProjectFiles(f));
    if (reloads) out.dbtProjects.push(p.root);
  }
  return out;
}
