import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssetWorkspace, type Snapshot } from '../../../server/src/workspace/workspace';
import { visibleLink } from './visibleLink';

// A first index scans a large manifest on a thread while discovery walks the workspace
// (workspace/manifestScanThread.ts). Here every manifest counts as large (fromBytes: 0), and
// each index is compared with the same workspace read with the thread off.

const EXAMPLES = join(__dirname, '..', '..', '..', '..', 'examples');
const MANIFESTS = join(__dirname, '..', '..', '..', '..', '..', 'shared', 'manifests');
const ON_THREAD = /manifest read and scanned on a thread/;
const NOT_ON_THREAD = /manifest not scanned on a thread \(([^)]*)\)/;

function seen(s: Snapshot) {
  return {
    link: visibleLink(s.graph, [...s.diagnostics.values()].flat(), s.edgeProblems),
    nodes: s.dbtProjects.flatMap((p) => p.nodes.map((n) => JSON.stringify(n))),
    origins: s.dbtProjects.map((p) => p.origin),
    diagnostics: [...s.diagnostics.entries()].map(([f, ds]) => [f, ds.map((d) => `${d.code} ${d.message}`)]).sort(),
  };
}

async function index(root: string, manifestScanThread: ConstructorParameters<typeof AssetWorkspace>[0]['manifestScanThread']) {
  const log: string[] = [];
  const ws = new AssetWorkspace({ roots: [root], log: (l) => log.push(l), manifestScanThread, readerThreads: 0 });
  try {
    return { snap: seen(await ws.indexAll()), log };
  } finally {
    ws.dispose();
  }
}

/** A dbt project holding a copy of one of the real manifests (no model files: every place is missing alike). */
function stageReal(dir: string, name: string): string {
  const root = join(dir, name.replace(/\W+/g, '_'));
  mkdirSync(join(root, 'target'), { recursive: true });
  const manifest = readFileSync(join(MANIFESTS, name));
  const projectName = (JSON.parse(manifest.toString('utf8')) as { metadata?: { project_name?: string } }).metadata?.project_name ?? 'p';
  writeFileSync(join(root, 'dbt_project.yml'), `name: ${projectName}\n`);
  writeFileSync(join(root, 'target', 'manifest.json'), manifest);
  return root;
}

test('the examples and real manifests index the same with the scan on a thread; the log says which path was taken', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'al-scan-thread-'));
  try {
    const roots = [
      join(EXAMPLES, 'taxi'),
      join(EXAMPLES, 'broken'),
      stageReal(dir, 'astronomer-cosmos__jaffle_shop.json'),
      stageReal(dir, 'more/godatadriven-dbt-bouncer__dbt_112.json'),
      // v4: metadata without the project's name, so the thread leaves its nodes to this thread
      stageReal(dir, 'FlipsideCrypto-ethereum-models__docs_v4.json'),
    ];
    let onThread = 0;
    for (const root of roots) {
      const off = await index(root, false);
      const on = await index(root, { fromBytes: 0 });
      assert.deepStrictEqual(on.snap, off.snap, root);
      assert.ok(!off.log.some((l) => ON_THREAD.test(l) || NOT_ON_THREAD.test(l)), root);
      const why = on.log.map((l) => NOT_ON_THREAD.exec(l)?.[1]).find(Boolean);
      if (root.endsWith('docs_v4_json')) assert.equal(why, 'its metadata does not name the project before its nodes');
      // its manifest is cut off mid-write (the example of manifest-invalid)
      else if (root.endsWith('broken')) assert.equal(why, 'not a manifest the scanner reads');
      else if (on.log.some((l) => ON_THREAD.test(l))) onThread++;
      else assert.fail(`${root}: not on a thread (${why ?? 'no reason logged'})`);
    }
    assert.equal(onThread, roots.length - 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a manifest the thread cannot scan (cut short, not JSON, no thread script) is read here with the same diagnostics', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'al-scan-thread-'));
  try {
    cpSync(join(EXAMPLES, 'taxi'), join(dir, 'taxi'), { recursive: true });
    const manifest = join(dir, 'taxi', 'analytics', 'target', 'manifest.json');
    const whole = readFileSync(manifest, 'utf8');
    const taxiOff = await index(join(dir, 'taxi'), false);
    const noScript = await index(join(dir, 'taxi'), { fromBytes: 0, workerFile: join(dir, 'missing.js') });
    assert.deepStrictEqual(noScript.snap, taxiOff.snap);
    assert.match(noScript.log.join('\n'), /manifest not scanned on a thread \(no manifest scan thread script at/);
    for (const broken of [whole.slice(0, Math.floor(whole.length / 2)), '{"metadata": {"project_name": "analytics"}, "nodes": {"a": {"meta": [1 2]}}}', 'not json']) {
      writeFileSync(manifest, broken);
      const off = await index(join(dir, 'taxi'), false);
      const on = await index(join(dir, 'taxi'), { fromBytes: 0 });
      assert.deepStrictEqual(on.snap, off.snap, broken.slice(0, 40));
      assert.ok(on.snap.diagnostics.flat(2).some((d) => String(d).startsWith('manifest-invalid')), broken.slice(0, 40));
      assert.ok(!on.log.some((l) => ON_THREAD.test(l)), broken.slice(0, 40));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
