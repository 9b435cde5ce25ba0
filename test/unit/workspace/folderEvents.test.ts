import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FileStat } from '../../../server/src/sources/fileSource';
import { folderChanges, type FolderEventInput } from '../../../server/src/workspace/folderEvents';
import { AssetWorkspace } from '../../../server/src/workspace/workspace';

/**
 * VS Code reports a folder deleted, renamed or moved as the folder alone
 * (microsoft/vscode#109754). The workspace must read again what the folder
 * held or holds, and nothing for a path that held nothing it read.
 */

const P = join('/', 'ws');
const dir: FileStat = { size: 0, mtimeMs: 0, isFile: false, isDirectory: true };
const file: FileStat = { size: 1, mtimeMs: 0, isFile: true, isDirectory: false };

/** `files`: the dbt project files the index knows (unknown when absent); `holding`: the folders there now that hold project files */
function input(existing: Record<string, FileStat>, dirs?: string[], known: { files?: string[]; holding?: string[] } = {}): FolderEventInput {
  return {
    stat: (p) => existing[p],
    indexedCodeFiles: () => [join(P, 'defs', 'a', 'one.py'), join(P, 'defs', 'a', 'deep', 'two.py'), join(P, 'defs', 'ab.py'), join(P, 'ts', 'x.ts')],
    dbtProjects: () => [{ root: join(P, 'analytics'), dirs, manifestPath: join(P, 'analytics', 'target', 'manifest.json'), files: known.files && (() => known.files!) }],
    holdsProjectFiles: (folder) => known.holding?.includes(folder) ?? true,
  };
}

test('a deleted folder stands for the indexed files under it, and not for a file beside it with the same start', () => {
  const out = folderChanges([join(P, 'defs', 'a')], input({}, [join(P, 'analytics', 'models')]));
  assert.deepEqual(out.goneFiles.sort(), [join(P, 'defs', 'a', 'deep', 'two.py'), join(P, 'defs', 'a', 'one.py')]);
  assert.deepEqual(out.newFolders, []);
  assert.deepEqual(out.dbtProjects, []);
});

test('a path that held nothing the index read, or is a file, brings nothing', () => {
  const models = [join(P, 'analytics', 'models')];
  const out = folderChanges([join(P, 'notes.txt'), join(P, 'defs', 'b'), join(P, 'analytics', 'docs'), join(P, 'defs', 'kept.txt')], input({ [join(P, 'defs', 'kept.txt')]: file }, models));
  assert.deepEqual(out, { goneFiles: [], newFolders: [], dbtProjects: [] });
});

test('a folder there now is new, unless discovery skips its kind (caches, build output, hidden)', () => {
  const fresh = join(P, 'defs', 'moved_in');
  const skipped = [join(P, 'defs', '__pycache__'), join(P, 'node_modules'), join(P, '.git'), join(P, 'ts', 'target')];
  const existing = Object.fromEntries([fresh, ...skipped].map((p) => [p, dir]));
  const out = folderChanges([fresh, ...skipped], input(existing, [join(P, 'analytics', 'models')]));
  assert.deepEqual(out.newFolders, [fresh]);
  assert.deepEqual(out.goneFiles, []);
  const linked = folderChanges([fresh], input({ [fresh]: { ...dir, isSymlink: true } }));
  assert.deepEqual(linked.newFolders, [], 'a linked folder is not walked');
});

test('a dbt project is loaded again when its root, its manifest\'s folder or a folder of its files comes or goes', () => {
  const models = [join(P, 'analytics', 'models'), join(P, 'analytics', 'seeds')];
  const again = (paths: string[], existing: Record<string, FileStat> = {}) => folderChanges(paths, input(existing, models)).dbtProjects;
  const project = [join(P, 'analytics')];
  assert.deepEqual(again([join(P, 'analytics')]), project, 'the project deleted');
  assert.deepEqual(again([P]), project, 'a folder above it deleted');
  assert.deepEqual(again([join(P, 'analytics', 'target')]), project, 'dbt clean');
  assert.deepEqual(again([join(P, 'analytics', 'models', 'staging')]), project, 'a folder of models deleted');
  assert.deepEqual(again([join(P, 'analytics', 'seeds')]), project, 'a whole folder of project files deleted');
  assert.deepEqual(again([join(P, 'analytics', 'models', 'marts')], { [join(P, 'analytics', 'models', 'marts')]: dir }), project, 'a folder of models moved in');
  assert.deepEqual(again([join(P, 'analytics', 'docs')]), [], 'a folder it never read');
  assert.deepEqual(folderChanges([join(P, 'analytics', 'docs')], input({})).dbtProjects, project, 'its folders unknown: any folder under it');
  assert.deepEqual(again([join(P, 'analyticsx')]), [], 'a sibling with the same start');
});

test('with the project files known, a path that went under its folders reloads it only if it held one, and a new folder only if it holds one', () => {
  const models = join(P, 'analytics', 'models');
  const files = [join(models, 'staging', 'stg_a.sql'), join(models, 'staging', 'schema.yml'), join(models, 'marts', 'Fct.SQL')];
  const again = (paths: string[], existing: Record<string, FileStat> = {}, holding: string[] = []) =>
    folderChanges(paths, input(existing, [models], { files, holding })).dbtProjects;
  const project = [join(P, 'analytics')];
  assert.deepEqual(again([join(models, 'NOTES.md')]), [], 'a notes file deleted');
  assert.deepEqual(again([join(models, 'empty')]), [], 'a folder that held no project file deleted');
  assert.deepEqual(again([join(models, 'stag')]), [], 'a folder whose name starts a known one');
  assert.deepEqual(again([join(models, 'staging')]), project, 'a folder of models deleted');
  assert.deepEqual(again([models]), project, 'the folder of models deleted');
  assert.deepEqual(again([join(models, 'marts', 'Fct.SQL')]), project, 'a project file no reader claims deleted');
  assert.deepEqual(again([join(P, 'analytics', 'target')]), project, 'dbt clean, whatever the files');
  assert.deepEqual(again([join(P, 'analytics')]), project, 'the project deleted');
  const fresh = join(models, 'fresh');
  assert.deepEqual(again([fresh], { [fresh]: dir }), [], 'an empty folder made');
  assert.deepEqual(again([fresh], { [fresh]: dir }, [fresh]), project, 'a folder of models moved in');
  const elsewhere = join(P, 'analytics', 'docs');
  assert.deepEqual(again([elsewhere], { [elsewhere]: dir }, [elsewhere]), [], 'a folder with SQL outside the project\'s folders');
});

/** Runs `body` on examples/taxi copied to a temporary folder and indexed (threads off: the same path either way). */
async function withIndexedCopy(body: (root: string, ws: AssetWorkspace) => Promise<void>): Promise<void> {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'asset-lens-folders-')));
  cpSync(join(__dirname, '..', '..', '..', '..', 'examples', 'taxi'), root, { recursive: true });
  const ws = new AssetWorkspace({ roots: [root], log: () => undefined, readerThreads: 0, manifestScanThread: false });
  try {
    await ws.indexAll();
    await body(root, ws);
  } finally {
    ws.dispose();
    rmSync(root, { recursive: true, force: true });
  }
}

test('a folder of assets made, renamed and deleted, each reported as the folder alone, is followed by the index', () =>
  withIndexedCopy(async (root, ws) => {
    const extra = join(root, 'defs', 'extra');
    mkdirSync(join(extra, 'inner'), { recursive: true });
    writeFileSync(join(extra, 'inner', 'more.py'), 'from dagster import asset\n\n@asset(deps=["taxi_trips"])\ndef extra_trips() -> None:\n    ...\n');
    let s = await ws.filesChanged([extra]);
    assert.equal(s.graph.get('extra_trips')?.locations[0].file, join(extra, 'inner', 'more.py'), 'a folder made: its file is read');

    const renamed = join(root, 'defs', 'renamed');
    renameSync(extra, renamed);
    s = await ws.filesChanged([extra, renamed]);
    assert.equal(s.graph.get('extra_trips')?.locations[0].file, join(renamed, 'inner', 'more.py'), 'renamed: the asset is at its new path');

    rmSync(renamed, { recursive: true });
    s = await ws.filesChanged([renamed]);
    assert.equal(s.graph.get('extra_trips'), undefined, 'deleted: the asset is gone');
    assert.ok(s.graph.get('taxi_trips'), 'the rest of the index stays');
  }));

test('dbt clean (target/ deleted, reported as the folder) reloads the project from its files; a dbt project folder deleted drops it', () =>
  withIndexedCopy(async (root, ws) => {
    assert.match(ws.snapshot.dbtProjects[0]?.origin ?? '', /^manifest/);
    rmSync(join(root, 'analytics', 'target'), { recursive: true });
    let s = await ws.filesChanged([join(root, 'analytics', 'target')]);
    assert.equal(s.dbtProjects[0]?.origin, 'files', 'read from the project files once the manifest is gone');
    assert.ok(s.graph.get('stg_trips'), 'its models are still assets');

    rmSync(join(root, 'analytics'), { recursive: true });
    s = await ws.filesChanged([join(root, 'analytics')]);
    assert.deepEqual(s.dbtProjects, []);
    assert.equal(s.graph.get('stg_trips'), undefined);
  }));

test('a notes file deleted or an empty folder made among the models keep the snapshot; a folder of models moved in and out is followed', () =>
  withIndexedCopy(async (root, ws) => {
    const models = join(root, 'analytics', 'models');
    const notes = join(models, 'NOTES.md');
    writeFileSync(notes, '# notes');
    let s = await ws.filesChanged([notes]);
    rmSync(notes);
    s = await ws.filesChanged([notes]);
    assert.equal(await ws.filesChanged([notes]), s, 'deleted again: no re-link');
    const before = s;
    const empty = join(models, 'empty');
    mkdirSync(empty);
    s = await ws.filesChanged([empty, notes]);
    assert.equal(s, before, 'a notes file gone and an empty folder made: no re-link');

    const outside = join(root, 'moved_marts');
    mkdirSync(outside);
    writeFileSync(join(outside, 'fct_moved.sql'), "select * from {{ ref('stg_trips') }}\n");
    const moved = join(models, 'moved_marts');
    renameSync(outside, moved);
    s = await ws.filesChanged([outside, moved]);
    assert.ok(s.graph.get('fct_moved'), 'a folder of models moved in: its model is an asset');
    renameSync(moved, outside);
    s = await ws.filesChanged([moved, outside]);
    assert.equal(s.graph.get('fct_moved'), undefined, 'moved out: gone');
    assert.ok(s.graph.get('stg_trips'), 'the rest of the project stays');
  }));

test('changes to paths the index does not read leave the snapshot as it was', () =>
  withIndexedCopy(async (root, ws) => {
    const before = ws.snapshot;
    writeFileSync(join(root, 'notes.txt'), 'x');
    mkdirSync(join(root, 'defs', '__pycache__'));
    const s = await ws.filesChanged([join(root, 'notes.txt'), join(root, 'defs', '__pycache__'), join(root, 'gone.log')]);
    assert.equal(s, before, 'no re-link');
  }));
