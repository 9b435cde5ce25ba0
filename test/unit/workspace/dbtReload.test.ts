import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssetWorkspace, type Snapshot } from '../../../server/src/workspace/workspace';

/** A dbt project whose manifest records no checksums (older dbt): an editor buffer counts as newer than it. */
function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'asset-lens-reload-'));
  const models = ['a', 'b', 'c'];
  const node = (name: string, i: number) => ({
    unique_id: `model.shop.${name}`,
    resource_type: 'model',
    name,
    package_name: 'shop',
    original_file_path: `models/${name}.sql`,
    fqn: ['shop', name],
    config: { materialized: 'view' },
    depends_on: { nodes: i ? [`model.shop.${models[i - 1]}`] : [] },
    refs: i ? [{ name: models[i - 1], package: null, version: null }] : [],
    sources: [],
  });
  mkdirSync(join(dir, 'models'), { recursive: true });
  mkdirSync(join(dir, 'target'), { recursive: true });
  writeFileSync(join(dir, 'dbt_project.yml'), 'name: shop\n');
  models.forEach((m, i) => writeFileSync(join(dir, 'models', `${m}.sql`), i ? `select * from {{ ref('${models[i - 1]}') }}` : 'select 1'));
  const manifest = join(dir, 'target', 'manifest.json');
  writeFileSync(
    manifest,
    JSON.stringify({
      metadata: { dbt_schema_version: 'https://schemas.getdbt.com/dbt/manifest/v12.json', dbt_version: '1.9.2', project_name: 'shop' },
      nodes: Object.fromEntries(models.map((m, i) => [`model.shop.${m}`, node(m, i)])),
      sources: {},
    }),
  );
  // the model files are older than the manifest
  const old = new Date(Date.now() - 60_000);
  for (const m of models) utimesSync(join(dir, 'models', `${m}.sql`), old, old);
  return dir;
}

const dbtFacts = (s: Snapshot) => ({ nodes: s.dbtProjects.flatMap((p) => p.nodes.map((n) => JSON.stringify(n))).sort(), origins: s.dbtProjects.map((p) => p.origin) });

test('a buffer opened without an edit counts at its project\'s next reload as on a full index', async () => {
  const dir = project();
  const a = join(dir, 'models', 'a.sql');
  const b = join(dir, 'models', 'b.sql');
  const workspaces: AssetWorkspace[] = [];
  try {
    const ws = new AssetWorkspace({ roots: [dir], log: () => undefined, readerThreads: 0 });
    workspaces.push(ws);
    await ws.indexAll();
    // the editor opens a.sql: same text as on disk, so no filesChanged (as the language server does)
    ws.setOpenDocument(a, readFileSync(a, 'utf8'));
    writeFileSync(b, "select * from {{ ref('c') }}");
    const reloaded = await ws.filesChanged([b]);

    const fresh = new AssetWorkspace({ roots: [dir], log: () => undefined, readerThreads: 0 });
    workspaces.push(fresh);
    fresh.setOpenDocument(a, readFileSync(a, 'utf8'));
    const full = await fresh.indexAll();
    assert.deepEqual(dbtFacts(reloaded), dbtFacts(full));
    assert.deepEqual(full.dbtProjects[0].origin, 'manifest+files');

    // closed again: a reload of another file sees a.sql as the disk has it, as a full index would
    ws.setOpenDocument(a, undefined);
    writeFileSync(b, "select * from {{ ref('a') }}");
    const closed = await ws.filesChanged([b]);
    const again = new AssetWorkspace({ roots: [dir], log: () => undefined, readerThreads: 0 });
    workspaces.push(again);
    assert.deepEqual(dbtFacts(closed), dbtFacts(await again.indexAll()));
  } finally {
    for (const w of workspaces) w.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the SQL dbt writes under target/ and YAML beside the project bring no reload; a model named in upper case is read as the walk reads it', async () => {
  const dir = project();
  const ws = new AssetWorkspace({ roots: [dir], log: () => undefined, readerThreads: 0 });
  try {
    const before = await ws.indexAll();
    // what `dbt run` writes for each model, and files no walk of the project reads
    const written = ['compiled', 'run'].flatMap((kind) => ['a', 'b', 'c'].map((m) => join(dir, 'target', kind, 'shop', 'models', `${m}.sql`)));
    for (const f of written) {
      mkdirSync(join(f, '..'), { recursive: true });
      writeFileSync(f, 'select 1');
    }
    writeFileSync(join(dir, 'docker-compose.yml'), 'services: {}\n');
    writeFileSync(join(dir, 'packages.yml'), 'packages: []\n');
    const after = await ws.filesChanged([...written, join(dir, 'docker-compose.yml'), join(dir, 'packages.yml')]);
    assert.equal(after, before, 'no reload, no re-link');

    const upper = join(dir, 'models', 'D.SQL');
    writeFileSync(upper, "select * from {{ ref('c') }}");
    const s = await ws.filesChanged([upper]);
    assert.ok(s.graph.get('D'), 'the new model is an asset');
  } finally {
    ws.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});
