import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssetWorkspace, type Snapshot } from '../../../server/src/workspace/workspace';
import { visibleLink } from './visibleLink';
import { DbtProjectCache, loadDbtProject } from '../../../server/src/sources/dbt/project';
import { DiskFileSource } from '../../../server/src/workspace/diskFileSource';
import { KeptManifestReads } from '../../../server/src/workspace/keptManifestReads';
import { WhenQuiet } from '../../../server/src/workspace/whenQuiet';
import { ManifestReadStore } from '../../../server/src/workspace/manifestReadStore';

const EXAMPLES = join(__dirname, '..', '..', '..', '..', 'examples');
const KEPT_USED = /the manifest read kept from the last session is current/;

/** What a user can see of a snapshot, dbt facts included. */
function seen(s: Snapshot) {
  return {
    link: visibleLink(s.graph, [...s.diagnostics.values()].flat(), s.edgeProblems),
    nodes: s.dbtProjects.flatMap((p) => p.nodes.map((n) => JSON.stringify(n))).sort(),
    origins: s.dbtProjects.map((p) => p.origin),
  };
}

/** The taxi example's manifest read, as a project cache keeps it. */
async function taxiRead() {
  const project = join(EXAMPLES, 'taxi', 'analytics');
  const cache = new DbtProjectCache();
  await loadDbtProject(project, new DiskFileSource(), { cache });
  assert.ok(cache.manifest);
  return { project, read: cache.manifest };
}

/** Sessions of the running test, dropped before its directory is removed (their quiet-time saves would write into it). */
const open: AssetWorkspace[] = [];
function closeSessions() {
  for (const ws of open.splice(0)) ws.dispose();
}

/** Runs `body` in a fresh temporary directory, then drops its sessions and removes the directory. */
async function inTempDir(body: (base: string) => Promise<void>): Promise<void> {
  const base = mkdtempSync(join(tmpdir(), 'asset-lens-kept-'));
  try {
    await body(base);
  } finally {
    closeSessions();
    rmSync(base, { recursive: true, force: true });
  }
}

/** Resolves once `done()` holds, or after `ms` (the caller asserts which). */
async function waitUntil(done: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!done() && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
}

/** One session: a fresh workspace over the roots, as a newly started server makes it. */
async function session(root: string, keptReadsDir?: string) {
  const log: string[] = [];
  const ws = new AssetWorkspace({ roots: [root], keptReadsDir, log: (l) => log.push(l) });
  open.push(ws);
  const snapshot = await ws.indexAll();
  return { ws, snapshot, log };
}

test('a manifest read is kept between sessions outside the workspace, used while current, and a session equals one without it', async () => {
  await inTempDir(async (base) => {
    const root = join(base, 'taxi');
    const kept = join(base, 'storage', 'kept');
    cpSync(join(EXAMPLES, 'taxi'), root, { recursive: true });
    const project = join(root, 'analytics');
    const manifest = join(project, 'target', 'manifest.json');
    const listing = () => JSON.stringify(readdirSync(root, { recursive: true }).sort());
    const before = listing();
    const first = await session(root, kept);
    assert.ok(!first.log.some((l) => KEPT_USED.test(l)));
    await first.ws.saveKeptReads();
    assert.equal(readdirSync(kept).filter((f) => f.endsWith('.json')).length, 1, 'one kept read');
    assert.equal(listing(), before, 'nothing written in the workspace');

    // reopened: the kept read is used, and everything equals a session without one
    const second = await session(root, kept);
    assert.ok(second.log.some((l) => KEPT_USED.test(l)), second.log.join('\n'));
    assert.deepEqual(seen(second.snapshot), seen((await session(root)).snapshot));
    // a full re-index (the command) reads the manifest afresh
    second.log.length = 0;
    await second.ws.indexAll();
    assert.ok(!second.log.some((l) => KEPT_USED.test(l)));

    // a model edited while closed: the kept read still serves, the edit is overlaid
    appendFileSync(join(project, 'models', 'staging', 'stg_zones.sql'), "\n-- {{ ref('stg_trips') }} edited while closed\n");
    const third = await session(root, kept);
    assert.ok(third.log.some((l) => KEPT_USED.test(l)));
    assert.deepEqual(seen(third.snapshot), seen((await session(root)).snapshot));

    // dbt_project.yml changed: not used
    appendFileSync(join(project, 'dbt_project.yml'), '\n# edited while closed\n');
    const fourth = await session(root, kept);
    assert.ok(fourth.log.some((l) => /not used: dbt_project.yml changed since/.test(l)), fourth.log.join('\n'));
    assert.deepEqual(seen(fourth.snapshot), seen((await session(root)).snapshot));
    await fourth.ws.saveKeptReads();

    // a rebuilt manifest (new mtime): read afresh, and the new read replaces the kept one
    const st = statSync(manifest);
    utimesSync(manifest, st.atime, new Date(st.mtimeMs + 60_000));
    const fifth = await session(root, kept);
    assert.ok(!fifth.log.some((l) => KEPT_USED.test(l)));
    assert.deepEqual(seen(fifth.snapshot), seen((await session(root)).snapshot));
    await fifth.ws.saveKeptReads();
    assert.ok((await session(root, kept)).log.some((l) => KEPT_USED.test(l)));

    // a damaged kept read: not used, said so, nothing else changes
    const [file] = readdirSync(kept).filter((f) => f.endsWith('.json'));
    writeFileSync(join(kept, file), '{"engine": ');
    const sixth = await session(root, kept);
    assert.ok(sixth.log.some((l) => /not used: unreadable/.test(l)), sixth.log.join('\n'));
    assert.deepEqual(seen(sixth.snapshot), seen((await session(root)).snapshot));
  });
});

test('a kept-reads directory that cannot be written costs nothing but the log line', async () => {
  await inTempDir(async (base) => {
    const root = join(base, 'taxi');
    cpSync(join(EXAMPLES, 'taxi'), root, { recursive: true });
    // a file where the directory should be
    const blocked = join(base, 'blocked');
    writeFileSync(blocked, 'not a directory');
    const s = await session(root, join(blocked, 'kept'));
    await s.ws.saveKeptReads();
    assert.ok(s.log.some((l) => /could not keep the manifest read/.test(l)), s.log.join('\n'));
    assert.deepEqual(seen((await session(root, join(blocked, 'kept'))).snapshot), seen((await session(root)).snapshot));
  });
});

test('a dropped workspace writes nothing afterwards: its pending save is abandoned', async () => {
  await inTempDir(async (base) => {
    const root = join(base, 'taxi');
    const kept = join(base, 'kept');
    cpSync(join(EXAMPLES, 'taxi'), root, { recursive: true });
    const s = await session(root, kept);
    s.ws.dispose();
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(existsSync(kept), false, 'nothing written after dispose()');
    // the control: the same session left alive writes its read once quiet
    const alive = await session(root, kept);
    await waitUntil(() => existsSync(kept));
    assert.equal(existsSync(kept), true, 'a live session keeps its read');
    alive.ws.dispose();
  });
});

test('a kept read is saved once the editor has been quiet for a moment, never while it keeps asking', async () => {
  await inTempDir(async (base) => {
    const { project, read } = await taxiRead();
    const dir = join(base, 'kept');
    const idle = new WhenQuiet();
    const kept = new KeptManifestReads(dir, () => undefined, idle);
    const written = () => existsSync(dir) && readdirSync(dir).some((f) => /^manifest-read-.*\.json$/.test(f));
    kept.use({ root: project, manifestPath: read.path, projectYml: 'x' }, read);
    // busy for 1.5 s: a request every 100 ms
    const started = Date.now();
    while (Date.now() - started < 1500) {
      idle.holdOff();
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(written(), false, `written while busy, after ${Date.now() - started} ms`);
    }
    // quiet: written within a few seconds
    const quiet = Date.now();
    await waitUntil(written);
    assert.ok(written(), 'written once quiet');
    assert.ok(Date.now() - quiet >= 500, 'not before the quiet period');
  });
});

test('a save the editor interrupts leaves nothing behind; the next one writes the whole read', async () => {
  await inTempDir(async (base) => {
    const { project, read: small } = await taxiRead();
    // a larger read (20k nodes), so that the save takes many turns of the event loop
    const facts = small.result.facts!;
    const nodes = Array.from({ length: 20_000 }, (_, i) => ({ ...facts.nodes[i % facts.nodes.length], uniqueId: `model.p.m${i}`, name: `m${i}` }));
    const read = { ...small, result: { ...small.result, facts: { ...facts, nodes } } };
    const dir = join(base, 'kept');
    const store = new ManifestReadStore(dir, () => undefined);
    const ctx = { root: project, manifestPath: small.path, projectYml: 'x' };
    let turns = 0;
    assert.equal(await store.save(ctx, read, () => ++turns < 3), 'interrupted');
    assert.equal(turns, 3);
    assert.deepEqual(readdirSync(dir), [], 'no file, no temporary file');
    assert.equal(await store.save(ctx, read), 'saved');
    const back = store.load(ctx, new DiskFileSource());
    assert.ok(back);
    assert.deepEqual(back.result.facts!.nodes.map((n) => n.uniqueId), nodes.map((n) => n.uniqueId));
  });
});

test('a kept read that names files outside its project is not used', async () => {
  await inTempDir(async (base) => {
    const { project, read } = await taxiRead();
    const ctx = { root: project, manifestPath: read.path, projectYml: 'x' };
    const log: string[] = [];
    const store = new ManifestReadStore(join(base, 'kept'), (l) => log.push(l));
    assert.equal(await store.save(ctx, read), 'saved');
    assert.ok(store.load(ctx, new DiskFileSource()), 'the read as written is used');
    // the same file with one node's place moved outside the project
    const file = store.fileOf(ctx);
    const data = JSON.parse(readFileSync(file, 'utf8'));
    const outside = data.read.strings.length;
    data.read.strings.push('/etc/passwd');
    data.read.nodes[0][9][0][0] = outside;
    writeFileSync(file, JSON.stringify(data));
    assert.equal(store.load(ctx, new DiskFileSource()), undefined);
    assert.ok(log.some((l) => /not used: it names files outside the project/.test(l)), log.join('\n'));
    // the same through the project's own prefix: `..` segments, doubled separators
    for (const sneaky of [`${project}/../../etc/passwd`, `${project}/models/../../../etc/passwd`, `${project}/..`, `${project}//../x`, `${project}/./../x`]) {
      data.read.strings[outside] = sneaky;
      writeFileSync(file, JSON.stringify(data));
      assert.equal(store.load(ctx, new DiskFileSource()), undefined, sneaky);
    }
    // and places that stay inside (through a `..`, or in a dot-named directory) are still used
    for (const fine of [`${project}/models/../models/x.sql`, `${project}/.hidden/..x/y.sql`]) {
      data.read.strings[outside] = fine;
      writeFileSync(file, JSON.stringify(data));
      assert.ok(store.load(ctx, new DiskFileSource()), fine);
    }
  });
});
