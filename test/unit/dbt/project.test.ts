import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, mkdirSync, truncateSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadDbtProject } from '../../../server/src/sources/dbt/project';
import { DiskFileSource } from '../../../server/src/workspace/diskFileSource';
import { MANIFEST_DIR, MemoryFileSource, plain, repoRoot } from './helpers';

const ROOT = '/w/shop';
const MANIFEST = `${ROOT}/target/manifest.json`;

function manifestJson(models: Record<string, { deps?: string[]; file: string }>): string {
  const nodes: Record<string, unknown> = {};
  for (const [name, m] of Object.entries(models)) {
    nodes[`model.shop.${name}`] = {
      unique_id: `model.shop.${name}`,
      resource_type: 'model',
      name,
      package_name: 'shop',
      original_file_path: m.file,
      fqn: ['shop', name],
      config: { materialized: 'view' },
      depends_on: { nodes: m.deps ?? [] },
      refs: (m.deps ?? []).map((d) => ({ name: d.split('.').pop(), package: null, version: null })),
      sources: [],
    };
  }
  return JSON.stringify({
    metadata: { dbt_schema_version: 'https://schemas.getdbt.com/dbt/manifest/v12.json', dbt_version: '1.9.2', project_name: 'shop' },
    nodes,
    sources: {},
  });
}

function shopFiles(): MemoryFileSource {
  return new MemoryFileSource()
    .set(`${ROOT}/dbt_project.yml`, 'name: shop\n', 100)
    .set(`${ROOT}/models/a.sql`, 'select 1', 100)
    .set(`${ROOT}/models/b.sql`, "select * from {{ ref('a') }}", 100)
    .set(MANIFEST, manifestJson({ a: { file: 'models/a.sql' }, b: { file: 'models/b.sql', deps: ['model.shop.a'] } }), 500);
}

/** Counts manifest reads and can serve different bytes per read (a file being written). */
class Recording extends MemoryFileSource {
  manifestReads = 0;
  constructor(private readonly versions: Uint8Array[]) {
    super();
  }
  override readBytes(p: string): Uint8Array | undefined {
    if (p !== MANIFEST) return super.readBytes(p);
    const v = this.versions[Math.min(this.manifestReads, this.versions.length - 1)];
    this.manifestReads++;
    return v;
  }
}

test('manifest wins when it is newer than every file', async () => {
  const { facts, diagnostics } = await loadDbtProject(ROOT, shopFiles());
  assert.deepEqual(diagnostics, []);
  assert.equal(facts.origin, 'manifest');
  assert.equal(facts.manifestPath, MANIFEST);
  assert.equal(facts.log[0], 'manifest target/manifest.json (dbt 1.9, v12): 2 models, 0 sources');
  // manifest mode too: each ref the manifest names is found in the SQL, for definition / references
  const sql = "select * from {{ ref('a') }}";
  const at = sql.indexOf("'a'") + 1;
  assert.deepEqual(plain(facts.nodes.find((n) => n.name === 'b')!.refs[0].location), {
    file: `${ROOT}/models/b.sql`,
    range: { start: { line: 0, character: at }, end: { line: 0, character: at + 1 } },
  });
});

test('SQL files newer than the manifest are overlaid from the file reader', async () => {
  const fs = shopFiles().set(`${ROOT}/models/b.sql`, "select * from {{ ref('c') }}", 900).set(`${ROOT}/models/c.sql`, 'select 3', 900);
  const { facts } = await loadDbtProject(ROOT, fs);
  assert.equal(facts.origin, 'manifest+files');
  assert.equal(facts.log[0], 'manifest target/manifest.json (dbt 1.9, v12): 3 models, 0 sources; 2 newer files overlaid');
  const byId = new Map(facts.nodes.map((n) => [n.uniqueId, n]));
  assert.deepEqual(byId.get('model.shop.b')!.dependsOn, ['model.shop.c']);
  assert.ok(byId.get('model.shop.b')!.refs[0].location, 'file-read nodes carry ref locations');
  assert.ok(byId.has('model.shop.c'));
  assert.deepEqual(byId.get('model.shop.a')!.dependsOn, []);
});

test('a half-written manifest is re-read once, then used when complete', async () => {
  const full = Buffer.from(manifestJson({ a: { file: 'models/a.sql' } }));
  const fs = new Recording([full.subarray(0, 40), full]);
  fs.set(`${ROOT}/dbt_project.yml`, 'name: shop\n', 100).set(MANIFEST, full, 500);
  const { facts, diagnostics } = await loadDbtProject(ROOT, fs, { retryDelayMs: 1 });
  assert.equal(fs.manifestReads, 2);
  assert.deepEqual(diagnostics, []);
  assert.equal(facts.origin, 'manifest');
});

test('a truncated manifest: re-read once, then manifest-invalid with the byte offset, and the files are used', async () => {
  const cut = readFileSync(path.join(MANIFEST_DIR, 'more/dbt-core__state_v12.json')).subarray(0, 1234);
  const fs = new Recording([cut]);
  fs.set(`${ROOT}/dbt_project.yml`, 'name: shop\n', 100).set(`${ROOT}/models/a.sql`, 'select 1', 100).set(MANIFEST, cut, 500);
  const { facts, diagnostics } = await loadDbtProject(ROOT, fs, { retryDelayMs: 1 });
  assert.equal(fs.manifestReads, 2);
  assert.equal(diagnostics.length, 1);
  assert.equal(diagnostics[0].code, 'manifest-invalid');
  assert.equal(diagnostics[0].message, 'manifest.json is not valid JSON at byte 1234; using project files');
  assert.equal(diagnostics[0].location.file, MANIFEST);
  assert.equal(facts.origin, 'files');
  assert.deepEqual(facts.nodes.map((n) => n.uniqueId), ['model.shop.a']);
});

test('unsupported manifest version falls back to the files', async () => {
  const v3 = readFileSync(path.join(MANIFEST_DIR, 'more/dbt-core__state_v3.json'));
  const fs = shopFiles().set(MANIFEST, v3, 500);
  const { facts, diagnostics } = await loadDbtProject(ROOT, fs);
  assert.equal(diagnostics[0].code, 'unsupported-manifest-version');
  assert.equal(facts.origin, 'files');
  assert.equal(facts.nodes.length, 2);
});

test('no manifest: the files are read and the log says so', async () => {
  const fs = shopFiles();
  fs.files.delete(MANIFEST);
  const { facts, diagnostics } = await loadDbtProject(ROOT, fs);
  assert.deepEqual(diagnostics, []);
  assert.equal(facts.origin, 'files');
  assert.equal(facts.log[0], 'no manifest at target/manifest.json; reading project files');
  assert.deepEqual(facts.nodes.find((n) => n.name === 'b')!.dependsOn, ['model.shop.a']);
});

function sparseManifestProject(bytes: number): { dir: string; manifest: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'asset-lens-dbt-'));
  mkdirSync(path.join(dir, 'models'));
  mkdirSync(path.join(dir, 'target'));
  writeFileSync(path.join(dir, 'dbt_project.yml'), 'name: big\n');
  writeFileSync(path.join(dir, 'models/m.sql'), 'select 1\n');
  const manifest = path.join(dir, 'target/manifest.json');
  writeFileSync(manifest, '');
  truncateSync(manifest, bytes);
  return { dir, manifest };
}

test('a manifest over the size limit (sparse file on disk) is skipped unread, with a log line and file-skipped', async () => {
  // 501 MiB of holes: over the default limit, and no disk used
  const { dir, manifest } = sparseManifestProject(501 * 1024 * 1024);
  try {
    const { facts, diagnostics } = await loadDbtProject(dir, new DiskFileSource(), { retryDelayMs: 0 });
    assert.equal(diagnostics.length, 1);
    assert.equal(diagnostics[0].code, 'file-skipped');
    assert.equal(diagnostics[0].severity, 'info');
    assert.equal(diagnostics[0].location.file, manifest);
    assert.match(diagnostics[0].message, /501\.0 MB is over the 500 MB size limit/);
    assert.match(facts.log[0], /^skipped target\/manifest\.json \(501\.0 MB, over the 500 MB limit\)/);
    assert.equal(facts.origin, 'files');
    assert.deepEqual(facts.nodes.map((n) => n.uniqueId), ['model.big.m']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the manifest limit is its own option, apart from the project-file limit', async () => {
  const { dir } = sparseManifestProject(2 * 1024 * 1024);
  try {
    const { diagnostics } = await loadDbtProject(dir, new DiskFileSource(), { maxManifestBytes: 1024 * 1024, maxFileBytes: 1 << 30 });
    assert.deepEqual(diagnostics.map((d) => d.code), ['file-skipped']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a 21 MB manifest of zero bytes is read (no longer over a limit) and reported invalid at byte 0', async () => {
  const { dir, manifest } = sparseManifestProject(21 * 1024 * 1024);
  try {
    const { facts, diagnostics } = await loadDbtProject(dir, new DiskFileSource(), { retryDelayMs: 0 });
    assert.deepEqual(diagnostics.map((d) => [d.code, d.location.file]), [['manifest-invalid', manifest]]);
    assert.match(diagnostics[0].message, /not valid JSON at byte 0/);
    assert.equal(facts.origin, 'files');
    assert.deepEqual(facts.nodes.map((n) => n.uniqueId), ['model.big.m']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the example project loads from its manifest', async () => {
  const root = path.join(repoRoot(), 'examples/taxi/analytics');
  const { facts, diagnostics } = await loadDbtProject(root, new DiskFileSource());
  assert.deepEqual(diagnostics, []);
  assert.match(facts.log[0], /^manifest target\/manifest\.json \(dbt 1\.9, v12\): 4 models, 2 sources/);
  assert.equal(facts.name, 'analytics');
  assert.equal(facts.nodes.length, 6);
});
