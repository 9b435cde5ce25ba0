import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeWorkspace } from '../../../server/src/analysis/buildGraph';
import { AssetWorkspace } from '../../../server/src/workspace/workspace';
import { Rng } from '../../robust/lib/prng';
import { visibleLink } from './visibleLink';

const EXAMPLES = join(__dirname, '..', '..', '..', '..', 'examples');

function filesUnder(dir: string, exts: RegExp): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name !== 'target') out.push(...filesUnder(p, exts));
    } else if (exts.test(name)) out.push(p);
  }
  return out;
}

/**
 * One random edit of a model's SQL or a YAML file: lines moved (the places of
 * its calls and entries), a comment, a description, a config() that changes
 * what `select=` and the key read, a call's target changed, a model added.
 */
function mutate(file: string, text: string, rng: Rng): string {
  const lines = text.split('\n');
  const at = rng.int(lines.length);
  const yaml = file.endsWith('.yml');
  switch (rng.int(7)) {
    case 0:
      lines.splice(at, 0, '');
      break;
    case 1:
      lines.splice(0, 0, yaml ? '# moved' : '-- moved');
      break;
    case 2: {
      if (yaml) {
        const d = lines.findIndex((l) => /description:/.test(l));
        if (d >= 0) lines[d] = lines[d].replace(/description:.*/, `description: edited ${rng.int(100)}`);
      } else lines.splice(at, 0, `-- ${'·'.repeat(rng.int(5))} 🦆`);
      break;
    }
    case 3:
      // what select= and the translator read: tags, materialization (ephemeral changes the graph), schema
      if (!yaml) lines.unshift(`{{ config(${rng.pick(["tags=['daily']", "materialized='table'", "materialized='ephemeral'", "schema='marts'", "meta={'dagster': {'group': 'g'}}"])}) }}`);
      break;
    case 4: {
      // a letter of a ref()/source() argument or an entry's name: a call to another target, a renamed entry
      const quoted = lines.map((l, i) => [l, i] as const).filter(([l]) => (yaml ? /- name: [a-z_]+/ : /(ref|source)\(/).test(l));
      if (!quoted.length) break;
      const [l, i] = rng.pick(quoted);
      lines[i] = yaml ? l.replace(/(- name: [a-z_]*)[a-z]/, '$1x') : l.replace(/(['"][a-z_]*)[a-z](['"])/, '$1x$2');
      break;
    }
    case 5:
      lines.splice(at, 1);
      break;
    default:
      if (yaml) lines.splice(at, 0, lines[at] ?? '');
      else lines.push(`-- {{ ref('${rng.pick(['stg_trips', 'stg_zones', 'orders', 'stg_orders'])}') }}`);
  }
  return lines.join('\n');
}

/** examples/broken without its manifest (cut off mid-write, it costs each reload a wait for the rest): read from its files */
function brokenWithoutManifest(): string {
  const root = mkdtempSync(join(tmpdir(), 'asset-lens-dbt-relink-'));
  cpSync(join(EXAMPLES, 'broken'), root, { recursive: true });
  rmSync(join(root, 'warehouse', 'target'), { recursive: true });
  return root;
}

// edited in editor buffers: taxi's project is read from its manifest with the buffers over it, as a save before `dbt build` is
for (const [example, minPatched] of [['taxi', 50], ['broken', 40]] as const) {
  test(`examples/${example}: a patched re-link after a dbt file changed equals a full link of the same facts (seeded edits)`, async () => {
    const root = example === 'taxi' ? join(EXAMPLES, 'taxi') : brokenWithoutManifest();
    const ws = new AssetWorkspace({ roots: [root], readerThreads: 0 });
    try {
      await ws.indexAll();
      const files = ws.snapshot.dbtProjects.flatMap((p) => filesUnder(p.root, /\.(sql|yml)$/)).filter((f) => !f.endsWith('dbt_project.yml'));
      assert.ok(files.length >= 3, `dbt files of ${example}: ${files.length}`);
      // now and then a code file's lines move: its patch reads what the dbt patches left (source places, bindings)
      const code = [...ws.snapshot.codeFiles.keys()].filter((f) => f.endsWith('.py'));
      const original = new Map([...files, ...code].map((f) => [f, ws.readText(f)!]));
      const texts = new Map(original);
      const rng = new Rng(20261125);
      let patched = 0;
      let full = 0;
      for (let step = 0; step < 120; step++) {
        const file = rng.chance(0.15) ? rng.pick(code) : rng.pick(files);
        // most edits move lines or change a call; now and then the file starts over
        const text = rng.chance(0.1) ? original.get(file)! : file.endsWith('.py') ? `\n${texts.get(file)!}` : mutate(file, texts.get(file)!, rng);
        texts.set(file, text);
        ws.setOpenDocument(file, text);
        const s = await ws.filesChanged([file]);
        // counted for the dbt files only (a code file's patch is relinkCodeFile's)
        if (ws.lastLink === 'patched' && !code.includes(file)) patched++;
        else if (ws.lastLink === 'full') full++;
        const want = analyzeWorkspace(ws.linkedFacts!);
        assert.deepEqual(
          visibleLink(s.graph, [...s.diagnostics.values()].flat(), s.edgeProblems),
          visibleLink(want.graph, want.diagnostics, want.edgeProblems),
          `step ${step}: ${ws.lastLink} re-link after ${file} differs from a full link`,
        );
      }
      // both paths were taken, the patch most of the time
      assert.ok(patched >= minPatched, `patched ${patched} of 120`);
      assert.ok(full > 5, `full ${full} of 120`);
    } finally {
      ws.dispose();
      if (root !== join(EXAMPLES, 'taxi')) rmSync(root, { recursive: true, force: true });
    }
  });
}

test('a model saved with its lines moved, or with one more ref(), is patched; made ephemeral, it links the whole workspace', async () => {
  const root = mkdtempSync(join(tmpdir(), 'asset-lens-dbt-relink-'));
  cpSync(join(EXAMPLES, 'taxi'), root, { recursive: true });
  const ws = new AssetWorkspace({ roots: [root], readerThreads: 0 });
  try {
    await ws.indexAll();
    const sql = join(root, 'analytics', 'models', 'marts', 'daily_metrics.sql');
    const text = ws.readText(sql)!;
    const before = ws.snapshot.graph.referencesIn(sql).map((r) => [r.resolved, r.location.range.start.line]);
    assert.ok(before.length >= 1, 'daily_metrics.sql has ref() calls');

    ws.setOpenDocument(sql, `-- a note\n-- another\n${text}`);
    await ws.filesChanged([sql]);
    assert.equal(ws.lastLink, 'patched');
    assert.deepEqual(
      ws.snapshot.graph.referencesIn(sql).map((r) => [r.resolved, r.location.range.start.line]),
      before.map(([id, line]) => [id, (line as number) + 2]),
    );

    // one more call: another reference and edge, in a patch too
    ws.setOpenDocument(sql, `${text}\n-- {{ ref('stg_zones') }}\n`);
    await ws.filesChanged([sql]);
    assert.equal(ws.lastLink, 'patched');
    const zones = [...ws.snapshot.graph.assets.values()].find((a) => a.dbtUniqueId?.endsWith('.stg_zones'))!.id;
    const metrics = [...ws.snapshot.graph.assets.values()].find((a) => a.dbtUniqueId?.endsWith('.daily_metrics'))!.id;
    assert.ok(ws.snapshot.graph.upstream(metrics).some((e) => e.from === zones));
    const want = analyzeWorkspace(ws.linkedFacts!);
    const s = ws.snapshot;
    assert.deepEqual(visibleLink(s.graph, [...s.diagnostics.values()].flat(), s.edgeProblems), visibleLink(want.graph, want.diagnostics, want.edgeProblems));

    // made ephemeral: its children's edges go through it, so the whole workspace is linked
    assert.match(text, /materialized='incremental'/);
    ws.setOpenDocument(sql, text.replace("materialized='incremental'", "materialized='ephemeral'"));
    await ws.filesChanged([sql]);
    assert.equal(ws.lastLink, 'full');
    assert.equal(ws.snapshot.graph.get(metrics), undefined);
  } finally {
    ws.dispose();
    rmSync(root, { recursive: true, force: true });
  }
});
