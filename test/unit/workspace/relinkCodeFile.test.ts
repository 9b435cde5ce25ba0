import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeWorkspace } from '../../../server/src/analysis/buildGraph';
import { AssetWorkspace } from '../../../server/src/workspace/workspace';
import { Rng } from '../../robust/lib/prng';
import { visibleLink } from './visibleLink';

const EXAMPLES = join(__dirname, '..', '..', '..', '..', 'examples');

/** One random edit of a file's text: moves lines, breaks or changes keys, adds or removes definitions. */
function mutate(text: string, rng: Rng, ids: string[]): string {
  const lines = text.split('\n');
  const at = rng.int(lines.length);
  switch (rng.int(6)) {
    case 0:
      lines.splice(at, 0, '');
      break;
    case 1:
      lines.splice(at, 1);
      break;
    case 2:
      lines.splice(at, 0, lines[at] ?? '');
      break;
    case 3: {
      // a letter inside a string literal: a key, a ref, a job name
      const quoted = lines.map((l, i) => [l, i] as const).filter(([l]) => /["'][a-z_]+["']/.test(l));
      if (!quoted.length) break;
      const [l, i] = rng.pick(quoted);
      lines[i] = l.replace(/(["'][a-z_]*)[a-z]/, '$1x');
      break;
    }
    case 4:
      lines.push('', `@asset(deps=["${rng.pick(ids)}"])`, `def probe_${rng.int(1000)}():`, '    ...');
      break;
    default:
      lines.splice(at, 0, `# ${'·'.repeat(rng.int(5))} 🦆 ${ids.length ? rng.pick(ids) : ''}`);
  }
  return lines.join('\n');
}

// broken: most of its files define a key twice, bind dbt or export partitions, which takes the full link
for (const [example, minPatched] of [['taxi', 40], ['broken', 15]] as const) {
  test(`examples/${example}: a patched re-link after one code file changed equals a full link of the same facts (seeded edits)`, async () => {
    const ws = new AssetWorkspace({ roots: [join(EXAMPLES, example)] });
    await ws.indexAll();
    const files = [...ws.snapshot.codeFiles.keys()].filter((f) => f.endsWith('.py') || f.endsWith('.ts'));
    assert.ok(files.length >= 3, `code files of ${example}: ${files.length}`);
    const texts = new Map(files.map((f) => [f, ws.readText(f)!]));
    const rng = new Rng(20261124);
    let patched = 0;
    let full = 0;
    /** patched steps where a key was added or removed (other files re-linked, did-you-mean updated) */
    let patchedKeys = 0;
    for (let step = 0; step < 120; step++) {
      const file = rng.pick(files);
      // most edits move lines or change a reference; now and then the file starts over
      const text = rng.chance(0.1) ? ws.readText(file)! : mutate(texts.get(file)!, rng, ws.snapshot.graph.ids());
      texts.set(file, text);
      ws.setOpenDocument(file, text);
      const idsBefore = ws.snapshot.graph.ids().join();
      const s = await ws.filesChanged([file]);
      if (ws.lastLink === 'patched') patched++;
      if (ws.lastLink === 'patched' && s.graph.ids().join() !== idsBefore) patchedKeys++;
      else full++;
      const facts = ws.linkedFacts!;
      const want = analyzeWorkspace(facts);
      assert.deepEqual(
        visibleLink(s.graph, [...s.diagnostics.values()].flat(), s.edgeProblems),
        visibleLink(want.graph, want.diagnostics, want.edgeProblems),
        `step ${step}: ${ws.lastLink} re-link of ${file} differs from a full link`,
      );
    }
    // both paths were taken, the patch most of the time
    assert.ok(patched > minPatched, `patched ${patched} of 120`);
    assert.ok(full > 5, `full ${full} of 120`);
    assert.ok(patchedKeys >= 2, `patched with keys added or removed: ${patchedKeys}`);
  });
}

test('a change that renames an asset, or touches partitions other files import, links the whole workspace', async () => {
  const root = join(EXAMPLES, 'taxi');
  const ws = new AssetWorkspace({ roots: [root] });
  await ws.indexAll();
  const metrics = join(root, 'defs', 'assets', 'metrics.py');
  const text = ws.readText(metrics)!;
  const line = ws.snapshot.graph.get('manhattan_stats')!.locations[0].range.start.line;
  ws.setOpenDocument(metrics, `\n\n${text}`);
  await ws.filesChanged([metrics]);
  assert.equal(ws.lastLink, 'patched', 'lines moved: patched');
  assert.equal(ws.snapshot.graph.get('manhattan_stats')!.locations[0].range.start.line, line + 2);
  ws.setOpenDocument(metrics, text.replace('def manhattan_stats', 'def manhattan_statz'));
  await ws.filesChanged([metrics]);
  assert.equal(ws.lastLink, 'full', 'an asset renamed in a module other modules import: full');
  assert.ok(ws.snapshot.graph.get('manhattan_statz'));
  // the same in a module nothing imports (a new asset in a leaf file): patched, and the
  // reference elsewhere that named the new key resolves
  const report = join(root, 'ts', 'zoneReport.ts');
  const pipes = join(root, 'ts', 'zoneReportPipes.ts');
  const reportText = ws.readText(report)!;
  ws.setOpenDocument(report, reportText.replace(/key: ['"]zone_report['"]/, "key: 'zone_reportx'"));
  await ws.filesChanged([report]);
  assert.equal(ws.lastLink, 'patched', 'a key renamed in a leaf module');
  assert.ok(ws.snapshot.graph.get('zone_reportx') && !ws.snapshot.graph.get('zone_report'));
  assert.ok(
    (ws.snapshot.diagnostics.get(pipes) ?? []).some((d) => d.code === 'unknown-asset-key' && d.suggestion === 'zone_reportx'),
    'the Pipes reference to zone_report is now unknown, with the new key as its did-you-mean',
  );
  ws.setOpenDocument(report, reportText);
  await ws.filesChanged([report]);
  assert.equal(ws.lastLink, 'patched');
  assert.deepEqual(ws.snapshot.diagnostics.get(pipes) ?? [], []);
  const partitions = join(root, 'defs', 'partitions.py');
  ws.setOpenDocument(partitions, ws.readText(partitions)!.replace('2023-04-01', '2023-05-01'));
  await ws.filesChanged([partitions]);
  assert.equal(ws.lastLink, 'full', 'partitions other modules import: full');
  assert.match(JSON.stringify(ws.snapshot.graph.get('taxi_trips')!.partitions), /2023-05-01/);
});

test("a patched save keeps every untouched file's diagnostics as the same array; a new key renews only the lists whose did-you-mean it changes", async () => {
  const root = mkdtempSync(join(tmpdir(), 'asset-lens-relink-'));
  const header = 'from dagster import asset\n\n';
  const files = {
    a: [join(root, 'a.py'), `${header}@asset(deps=["orders_raw"])\ndef a_one():\n    ...\n`],
    b: [join(root, 'b.py'), `${header}@asset\ndef b_one():\n    ...\n`],
    c: [join(root, 'c.py'), `${header}@asset(deps=["zebra_crossing_counts"])\ndef c_one():\n    ...\n`],
  } as const;
  for (const [file, text] of Object.values(files)) writeFileSync(file, text);
  const [A, B, C] = [files.a[0], files.b[0], files.c[0]];
  const ws = new AssetWorkspace({ roots: [root] });
  try {
    await ws.indexAll();
    const a0 = ws.snapshot.diagnostics.get(A);
    const c0 = ws.snapshot.diagnostics.get(C);
    assert.deepEqual(a0?.map((d) => [d.code, d.suggestion]), [['unknown-asset-key', undefined]]);
    assert.equal(c0?.length, 1);

    ws.setOpenDocument(B, `${files.b[1]}\n# edited\n`);
    await ws.filesChanged([B]);
    assert.equal(ws.lastLink, 'patched');
    assert.equal(ws.snapshot.diagnostics.get(A), a0, "a.py's array is the one of the last link");
    assert.equal(ws.snapshot.diagnostics.get(C), c0);

    ws.setOpenDocument(B, `${files.b[1]}\n@asset\ndef orders_raws():\n    ...\n`);
    await ws.filesChanged([B]);
    assert.equal(ws.lastLink, 'patched');
    const a1 = ws.snapshot.diagnostics.get(A);
    assert.notEqual(a1, a0);
    assert.deepEqual(a1?.map((d) => [d.code, d.suggestion]), [['unknown-asset-key', 'orders_raws']], 'the new key is its did-you-mean');
    assert.equal(ws.snapshot.diagnostics.get(C), c0, 'a did-you-mean the new key does not change keeps its array');

    // a name first typed after the link (in c.py), then a key near it (in b.py): c.py's did-you-mean follows
    ws.setOpenDocument(C, files.c[1].replace('zebra_crossing_counts', 'payments_daily'));
    await ws.filesChanged([C]);
    assert.equal(ws.lastLink, 'patched');
    ws.setOpenDocument(B, `${files.b[1]}\n@asset\ndef orders_raws():\n    ...\n\n@asset\ndef payments_dailyy():\n    ...\n`);
    await ws.filesChanged([B]);
    assert.equal(ws.lastLink, 'patched');
    assert.deepEqual(ws.snapshot.diagnostics.get(C)?.map((d) => d.suggestion), ['payments_dailyy']);
    assert.equal(ws.snapshot.diagnostics.get(A), a1, "a.py's did-you-mean is the same");
  } finally {
    ws.dispose();
    rmSync(root, { recursive: true, force: true });
  }
});
