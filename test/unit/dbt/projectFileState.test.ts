import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { DbtProjectCache, loadDbtProject } from '../../../server/src/sources/dbt/project';
import type { FileStat } from '../../../server/src/sources/fileSource';
import { MemoryFileSource, plain } from './helpers';

const ROOT = '/w/shop';
const MANIFEST = `${ROOT}/target/manifest.json`;
const MODELS = ['a', 'b', 'c', 'd'];
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const sqlOf = (name: string, ref?: string): string => (ref ? `select * from {{ ref('${ref}') }} -- ${name}` : `select 1 -- ${name}`);

function manifestJson(): string {
  const model = (name: string, i: number) => ({
    checksum: { name: 'sha256', checksum: sha256(sqlOf(name, i ? MODELS[i - 1] : undefined)) },
    unique_id: `model.shop.${name}`,
    resource_type: 'model',
    name,
    package_name: 'shop',
    original_file_path: `models/${i % 2 ? 'sub/' : ''}${name}.sql`,
    patch_path: 'shop://models/schema.yml',
    fqn: ['shop', name],
    config: { materialized: 'view' },
    depends_on: { nodes: i ? [`model.shop.${MODELS[i - 1]}`] : [] },
    refs: i ? [{ name: MODELS[i - 1], package: null, version: null }] : [],
    sources: [],
  });
  return JSON.stringify({
    metadata: { dbt_schema_version: 'https://schemas.getdbt.com/dbt/manifest/v12.json', dbt_version: '1.9.2', project_name: 'shop' },
    nodes: Object.fromEntries(MODELS.map((m, i) => [`model.shop.${m}`, model(m, i)])),
    sources: {},
  });
}

/** A folder no change touches: a check of every file lists it, one from the changed files never does. */
const QUIET = `${ROOT}/models/quiet`;

/** Memory files with editor buffers, counting the listings of the quiet folder. */
class EditorSource extends MemoryFileSource {
  readonly overlays = new Set<string>();
  lists = 0;
  override stat(p: string): FileStat | undefined {
    const st = super.stat(p);
    return st && this.overlays.has(p) ? { ...st, isOverlay: true } : st;
  }
  override list(dir: string): string[] | undefined {
    if (dir === QUIET) this.lists++;
    return super.list(dir);
  }
}

function shop(): EditorSource {
  const fs = new EditorSource();
  fs.set(`${ROOT}/dbt_project.yml`, 'name: shop\n', 100);
  MODELS.forEach((m, i) => fs.set(`${ROOT}/models/${i % 2 ? 'sub/' : ''}${m}.sql`, sqlOf(m, i ? MODELS[i - 1] : undefined), 100));
  fs.set(`${ROOT}/models/schema.yml`, `version: 2\nmodels:\n${MODELS.map((m) => `  - name: ${m}\n`).join('')}`, 100);
  fs.set(`${ROOT}/seeds/zones.csv`, 'id,name\n1,a\n', 100);
  fs.set(`${QUIET}/q.sql`, 'select 1', 100);
  fs.set(MANIFEST, manifestJson(), 500);
  return fs;
}

/** A small seeded generator, so a failure names the seed that found it. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
}

const CANDIDATES = [
  ...MODELS.map((m, i) => `${ROOT}/models/${i % 2 ? 'sub/' : ''}${m}.sql`),
  `${ROOT}/models/e.sql`,
  `${ROOT}/models/sub/f.sql`,
  `${ROOT}/models/new/g.sql`,
  `${ROOT}/models/.hidden/h.sql`,
  `${ROOT}/models/target/t.sql`,
  `${ROOT}/models/schema.yml`,
  `${ROOT}/models/more.yml`,
  `${ROOT}/seeds/zones.csv`,
  `${ROOT}/elsewhere/x.sql`,
];

/**
 * One random change to the files; returns the paths a watcher would report.
 * Folder deletions and dbt_project.yml edits are among them: the reload must
 * then look at every file.
 */
function change(fs: EditorSource, next: () => number, clock: { t: number }): string[] {
  const pick = CANDIDATES[Math.floor(next() * CANDIDATES.length)];
  const r = next();
  clock.t += 10;
  if (r < 0.08) {
    fs.set(`${ROOT}/dbt_project.yml`, next() < 0.5 ? 'name: shop\n' : 'name: shop\nmodel-paths: ["models", "extra"]\n', clock.t);
    return [`${ROOT}/dbt_project.yml`];
  }
  if (r < 0.14) {
    const dir = `${ROOT}/models/sub`;
    for (const f of [...fs.files.keys()]) if (f.startsWith(dir + '/')) fs.files.delete(f);
    return [dir];
  }
  if (r < 0.3) {
    fs.files.delete(pick);
    fs.overlays.delete(pick);
    return [pick];
  }
  if (r < 0.4) {
    // an editor buffer opened or closed
    if (fs.overlays.has(pick)) fs.overlays.delete(pick);
    else if (fs.files.has(pick)) fs.overlays.add(pick);
    return [pick];
  }
  if (r < 0.5) {
    // touched only (a checkout): same text as the manifest recorded, newer mtime
    const i = MODELS.findIndex((m) => pick.endsWith(`/${m}.sql`));
    if (i >= 0) fs.set(pick, sqlOf(MODELS[i], i ? MODELS[i - 1] : undefined), clock.t);
    return [pick];
  }
  const older = next() < 0.2;
  const ref = MODELS[Math.floor(next() * MODELS.length)];
  fs.set(pick, pick.endsWith('.sql') ? sqlOf('edited', ref) : pick.endsWith('.csv') ? 'id\n1\n' : `version: 2\nmodels:\n  - name: ${ref}\n`, older ? 50 : clock.t);
  const more = next() < 0.25 ? [CANDIDATES[Math.floor(next() * CANDIDATES.length)]] : [];
  return [pick, ...more];
}

test('a reload from the changed files alone equals one that looks at every file, over random changes', async () => {
  for (let seed = 1; seed <= 40; seed++) {
    const next = random(seed);
    const fs = shop();
    const incremental = new DbtProjectCache();
    const full = new DbtProjectCache();
    await loadDbtProject(ROOT, fs, { cache: incremental });
    await loadDbtProject(ROOT, fs, { cache: full });
    const clock = { t: 600 };
    let fromChangedOnly = 0;
    for (let step = 0; step < 25; step++) {
      const changed = change(fs, next, clock);
      const listsBefore = fs.lists;
      const a = await loadDbtProject(ROOT, fs, { cache: incremental, changedFiles: changed });
      const listed = fs.lists - listsBefore;
      const b = await loadDbtProject(ROOT, fs, { cache: full });
      const where = `seed ${seed}, step ${step}, changed ${changed.join(', ')}`;
      assert.deepEqual(plain(a.facts), plain(b.facts), where);
      assert.deepEqual(plain(a.diagnostics), plain(b.diagnostics), where);
      if (listed === 0) fromChangedOnly++;
    }
    assert.ok(fromChangedOnly >= 10, `seed ${seed}: only ${fromChangedOnly} of 25 reloads came from the changed files alone`);
  }
});

test('a reload from the changed files does not walk the project and reads only those files', async () => {
  const fs = shop();
  const cache = new DbtProjectCache();
  await loadDbtProject(ROOT, fs, { cache });
  const edited = `${ROOT}/models/sub/b.sql`;
  fs.set(edited, sqlOf('b', 'c'), 700);
  const listed = fs.lists;
  const readsBefore = new Map(CANDIDATES.map((f) => [f, fs.readCount(f)]));
  const after = await loadDbtProject(ROOT, fs, { cache, changedFiles: [edited] });
  assert.deepEqual(after.facts.nodes.find((n) => n.uniqueId === 'model.shop.b')?.dependsOn, ['model.shop.c']);
  assert.equal(fs.lists - listed, 0);
  for (const f of CANDIDATES) if (f !== edited && f !== `${ROOT}/models/schema.yml`) assert.equal(fs.readCount(f), readsBefore.get(f), f);
  // without the changed files, the same reload walks the project
  fs.set(edited, sqlOf('b', 'a'), 800);
  const walkedFrom = fs.lists;
  await loadDbtProject(ROOT, fs, { cache });
  assert.ok(fs.lists > walkedFrom);
});
