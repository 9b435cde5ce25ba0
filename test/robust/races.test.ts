/**
 * Races with the outside world: dbt rewriting the manifest while it is read,
 * files vanishing between discovery and read, a manifest half-written when
 * the watcher fires.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync, openSync, writeSync, closeSync, ftruncateSync } from 'node:fs';
import { join } from 'node:path';
import { loadDbtProject } from '../../server/src/sources/dbt/project';
import { AssetWorkspace } from '../../server/src/workspace/workspace';
import { MemoryFileSource, loadTree } from './lib/memoryFs';
import { repoRoot } from './lib/corpus';
import { probeAnswers, startTaxiServer, diagnosticsState } from './lib/fuzzServer';
import { TestServer } from './lib/lspServer';
import { diffTrees, snapshotTrees, type TreeSnapshot } from './lib/trees';

let guard: TreeSnapshot;
before(() => {
  guard = snapshotTrees();
});
after(() => {
  assert.deepEqual(diffTrees(guard, snapshotTrees()), [], 'examples/ or a fixture workspace changed');
});

const ROOT = '/race-ws';
const PROJECT = `${ROOT}/analytics`;
const MANIFEST = `${PROJECT}/target/manifest.json`;

function taxiInMemory(): MemoryFileSource {
  return new MemoryFileSource(ROOT, loadTree(join(repoRoot(), 'examples', 'taxi'), ROOT));
}

test('a manifest caught mid-write is re-read once dbt has finished it', async () => {
  const fs = taxiInMemory();
  const full = fs.readBytes(MANIFEST)!;
  for (const cut of [0, 1, 100, Math.floor(full.length / 2), full.length - 1]) {
    let reads = 0;
    const source = Object.create(fs) as MemoryFileSource;
    source.readBytes = (p: string) => {
      if (p !== MANIFEST) return fs.readBytes(p);
      // dbt is still writing on the first read, done on the second
      return reads++ === 0 ? full.subarray(0, cut) : full;
    };
    const r = await loadDbtProject(PROJECT, source, { retryDelayMs: 5 });
    assert.equal(r.facts.origin === 'files' ? 'files' : 'manifest', 'manifest', `cut at ${cut}: ${r.facts.log.join('; ')}`);
    assert.ok(!r.diagnostics.some((d) => d.code === 'manifest-invalid'), `cut at ${cut}: ${JSON.stringify(r.diagnostics)}`);
    assert.ok(r.facts.nodes.some((n) => n.name === 'daily_metrics'));
  }
});

test('a manifest still half-written after the retry: project files are used, the last good index is kept on reload', async () => {
  const fs = taxiInMemory();
  const full = fs.readBytes(MANIFEST)!;
  const ws = new AssetWorkspace({ roots: [ROOT], fs });
  const clean = await ws.indexAll();
  assert.ok(clean.graph.get('daily_metrics'));
  fs.put(MANIFEST, full.subarray(0, Math.floor(full.length / 3)));
  const broken = await ws.filesChanged([MANIFEST]);
  assert.ok(broken.graph.get('daily_metrics'), 'the last good index is kept');
  fs.put(MANIFEST, full);
  const fixed = await ws.filesChanged([MANIFEST]);
  assert.deepEqual(fixed.graph.ids(), clean.graph.ids());
  assert.ok(![...fixed.diagnostics.values()].flat().some((d) => d.code === 'manifest-invalid'), 'no stale manifest-invalid diagnostic');
});

test('files deleted between discovery and read', async () => {
  const fs = taxiInMemory();
  // every file is listed, but many are gone by the time they are read
  const ghost = Object.create(fs) as MemoryFileSource;
  let n = 0;
  ghost.readText = (p: string) => (n++ % 2 === 0 ? undefined : fs.readText(p));
  ghost.readBytes = (p: string) => (n++ % 2 === 0 ? undefined : fs.readBytes(p));
  ghost.stat = (p: string) => (p.endsWith('.py') && n++ % 3 === 0 ? undefined : fs.stat(p));
  const ws = new AssetWorkspace({ roots: [ROOT], fs: ghost });
  const s = await ws.indexAll();
  assert.ok(s.graph.assets.size >= 0);
  // and on the real disk source, a path that vanished answers undefined
  const disk = new AssetWorkspace({ roots: ['/nonexistent-asset-lens-root'] });
  const empty = await disk.indexAll();
  assert.equal(empty.graph.assets.size, 0);
  assert.deepEqual(await disk.filesChanged(['/nonexistent-asset-lens-root/a.py', '/nonexistent-asset-lens-root/target/manifest.json']).then((x) => x.graph.ids()), []);
});

test('the server while dbt rewrites the manifest: partial writes, watcher events mid-write, then the final file', async () => {
  const { copy, server, probe } = await startTaxiServer();
  try {
    const manifest = join(copy.dir, 'analytics', 'target', 'manifest.json');
    const full = readFileSync(manifest);
    const baseline = diagnosticsState(server);
    const uri = TestServer.uri(manifest);
    for (let round = 0; round < 30; round++) {
      const fd = openSync(manifest, 'r+');
      ftruncateSync(fd, 0);
      const chunk = Math.max(1, Math.floor(full.length / (2 + (round % 5))));
      for (let at = 0; at < full.length; at += chunk) {
        writeSync(fd, full, at, Math.min(chunk, full.length - at), at);
        await server.notify('workspace/didChangeWatchedFiles', { changes: [{ uri, type: 2 }] });
        if (at % (chunk * 2) === 0) {
          const mid = await probeAnswers(server, probe);
          assert.ok(Array.isArray(mid.completion));
        }
      }
      closeSync(fd);
      if (round % 10 === 9) {
        rmSync(manifest);
        await server.notify('workspace/didChangeWatchedFiles', { changes: [{ uri, type: 3 }] });
        await probeAnswers(server, probe);
        writeFileSync(manifest, full);
        await server.notify('workspace/didChangeWatchedFiles', { changes: [{ uri, type: 1 }] });
      } else {
        await server.notify('workspace/didChangeWatchedFiles', { changes: [{ uri, type: 2 }] });
      }
      const end = await probeAnswers(server, probe);
      assert.ok(end.completion.includes('daily_metrics'), `round ${round}: completion lost daily_metrics`);
    }
    assert.equal(diagnosticsState(server), baseline, 'diagnostics after the rewrites differ from the clean ones');
  } finally {
    await server.stop();
    copy.cleanup();
  }
});
