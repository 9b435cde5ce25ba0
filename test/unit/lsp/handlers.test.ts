import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AssetGraph } from '../../../server/src/model/graph';
import type { Asset } from '../../../server/src/model/asset';
import type { Diagnostic } from '../../../server/src/model/diagnostic';
import type { DbtNode, DbtProjectFacts } from '../../../server/src/model/dbt';
import { range } from '../../../server/src/model/location';
import type { IndexSnapshot } from '../../../server/src/lsp/snapshot';
import { completionsAt, MAX_COMPLETION_ITEMS } from '../../../server/src/lsp/completion';
import { fuzzyScore, workspaceSymbols, documentSymbols } from '../../../server/src/lsp/symbols';
import { DiagnosticsPublisher } from '../../../server/src/lsp/diagnostics';
import { readSettings } from '../../../server/src/lsp/settings';
import { lineageTree, neighbourhood, keysList } from '../../../server/src/lsp/customRequests';
import { codeLensesFor } from '../../../server/src/lsp/codeLens';
import { quickFixes, replacementEdits } from '../../../server/src/lsp/codeActions';
import { pathToUri, uriToPath, toLspDiagnostic } from '../../../server/src/lsp/convert';
import { pathToFileURL } from 'node:url';

const ROOT = '/ws';
const PY = '/ws/defs/metrics.py';
const SQL = '/ws/analytics/models/daily_metrics.sql';

function asset(id: string, kind: Asset['kind'], file: string, line: number, extra: Partial<Asset> = {}): Asset {
  return { key: id.split('/'), id, kind, locations: [{ file, range: range(line, 4, line, 4 + id.length) }], ...extra };
}

function node(name: string, resourceType: string, extra: Partial<DbtNode> = {}): DbtNode {
  return {
    uniqueId: `${resourceType}.analytics.${extra.sourceName ? extra.sourceName + '.' : ''}${name}`,
    resourceType,
    name,
    packageName: 'analytics',
    tags: [],
    fqn: [],
    dependsOn: [],
    refs: [],
    sources: [],
    locations: [{ file: `/ws/analytics/models/${name}.sql`, range: range(0, 0, 0, 0) }],
    ...extra,
  };
}

function snapshot(diagnostics: Diagnostic[] = []): IndexSnapshot {
  const graph = new AssetGraph();
  const daily = { shape: { type: 'daily' as const, start: '2024-01-01', end: '2024-03-31' } };
  graph.addAsset(asset('taxi_trips', 'python', '/ws/defs/trips.py', 3, { partitions: { shape: { type: 'monthly', start: '2024-01-01', end: '2024-04-01' } } }));
  graph.addAsset(asset('daily_metrics', 'dbt_model', SQL, 0, { partitions: daily, dbtUniqueId: 'model.analytics.daily_metrics' }));
  graph.addAsset(asset('manhattan_stats', 'python', PY, 10));
  graph.addAsset(asset('raw/zones', 'dbt_source', '/ws/analytics/models/sources.yml', 5));
  graph.addEdge({ from: 'taxi_trips', to: 'daily_metrics' });
  graph.addEdge({ from: 'daily_metrics', to: 'manhattan_stats' });
  graph.addReference({
    target: { kind: 'key', key: ['daily_metrics'] },
    location: { file: PY, range: range(8, 22, 8, 35) },
    role: 'dependency',
    form: 'deps',
    resolved: 'daily_metrics',
  });
  const project: DbtProjectFacts = {
    root: '/ws/analytics',
    name: 'analytics',
    origin: 'files',
    log: [],
    nodes: [
      node('stg_trips', 'model'),
      node('daily_metrics', 'model'),
      node('trips', 'source', { sourceName: 'raw_taxis' }),
      node('zones', 'source', { sourceName: 'raw_taxis' }),
      node('countries', 'seed'),
    ],
  };
  const byFile = new Map<string, Diagnostic[]>();
  for (const d of diagnostics) byFile.set(d.location.file, [...(byFile.get(d.location.file) ?? []), d]);
  return {
    version: 1,
    graph,
    diagnostics: byFile,
    dbtProjects: [project],
    edgeProblems: new Map([['taxi_trips->daily_metrics', 'monthly upstream, daily downstream']]),
  };
}

test('completion in deps=["… lists every key with a replace range over the partial text, same-file first', () => {
  const text = 'from dagster import asset\n@asset(deps=["dai"])\ndef manhattan_stats(): ...\n';
  const list = completionsAt({ snapshot: snapshot(), file: PY, text, language: 'python', position: { line: 1, character: 17 }, roots: [ROOT] });
  assert.ok(list);
  const labels = list.items.map((i) => i.label).sort();
  // "raw/zones" has two parts: a deps string cannot name it, so it replaces the whole literal
  assert.deepEqual(labels, ['daily_metrics', 'manhattan_stats', 'raw/zones', 'taxi_trips']);
  const multi = list.items.find((i) => i.label === 'raw/zones')!;
  assert.deepEqual(multi.textEdit, { range: { start: { line: 1, character: 13 }, end: { line: 1, character: 18 } }, newText: 'AssetKey(["raw", "zones"])' });
  assert.equal(multi.filterText, '"raw/zones');
  const item = list.items.find((i) => i.label === 'daily_metrics')!;
  assert.deepEqual(item.textEdit, { range: { start: { line: 1, character: 14 }, end: { line: 1, character: 17 } }, newText: 'daily_metrics' });
  assert.match(item.detail!, /dbt model · daily ·90/);
  const sorted = [...list.items].sort((a, b) => a.sortText!.localeCompare(b.sortText!));
  assert.equal(sorted[0].label, 'manhattan_stats');
});

test('multi-part keys in deps: dg.AssetKey after `import dagster as dg`, a plain list in TypeScript', () => {
  const py = 'import dagster as dg\n@dg.asset(deps=[\'r\'])\ndef x(): ...\n';
  const list = completionsAt({ snapshot: snapshot(), file: PY, text: py, language: 'python', position: { line: 1, character: 18 }, roots: [ROOT] });
  const multi = list!.items.find((i) => i.label === 'raw/zones')!;
  assert.equal((multi.textEdit as { newText: string }).newText, "dg.AssetKey(['raw', 'zones'])");
  const ts = "asset({ deps: ['r'] })";
  const tsList = completionsAt({ snapshot: snapshot(), file: '/ws/ts/a.ts', text: ts, language: 'typescript', position: { line: 0, character: 17 }, roots: [ROOT] });
  const tsMulti = tsList!.items.find((i) => i.label === 'raw/zones')!;
  assert.deepEqual(tsMulti.textEdit, { range: { start: { line: 0, character: 15 }, end: { line: 0, character: 18 } }, newText: "['raw', 'zones']" });
});

test('selection strings take "a/b" paths', () => {
  const text = 'AssetSelection.keys("ra")';
  const list = completionsAt({ snapshot: snapshot(), file: PY, text, language: 'python', position: { line: 0, character: 22 }, roots: [ROOT] });
  assert.ok(list?.items.some((i) => i.label === 'raw/zones'));
});

test('completion of AssetKey(["raw", "… offers the next parts', () => {
  const text = 'AssetKey(["raw", ""])';
  const list = completionsAt({ snapshot: snapshot(), file: PY, text, language: 'python', position: { line: 0, character: 18 }, roots: [ROOT] });
  assert.deepEqual(list?.items.map((i) => i.label), ['zones']);
  const single = completionsAt({ snapshot: snapshot(), file: PY, text: 'AssetKey("")', language: 'python', position: { line: 0, character: 10 }, roots: [ROOT] });
  assert.deepEqual(single?.items.map((i) => i.label).sort(), ['daily_metrics', 'manhattan_stats', 'taxi_trips']);
});

test('completion of ref(, source( and source(x, in SQL', () => {
  const s = snapshot();
  const ref = completionsAt({ snapshot: s, file: SQL, text: "select * from {{ ref('st') }}", language: 'sql', position: { line: 0, character: 24 }, roots: [ROOT] });
  assert.deepEqual(ref?.items.map((i) => i.label).sort(), ['countries', 'daily_metrics', 'stg_trips']);
  const seed = ref!.items.find((i) => i.label === 'countries')!;
  const model = ref!.items.find((i) => i.label === 'stg_trips')!;
  assert.ok(model.sortText! < seed.sortText!, 'models sort before seeds');
  assert.equal(ref!.items.find((i) => i.label === 'daily_metrics')!.detail, 'dbt model → daily_metrics');
  const src = completionsAt({ snapshot: s, file: SQL, text: "{{ source('') }}", language: 'sql', position: { line: 0, character: 11 }, roots: [ROOT] });
  assert.deepEqual(src?.items.map((i) => i.label), ['raw_taxis']);
  const table = completionsAt({ snapshot: s, file: SQL, text: "{{ source('raw_taxis', 'z') }}", language: 'sql', position: { line: 0, character: 25 }, roots: [ROOT] });
  assert.deepEqual(table?.items.map((i) => i.label).sort(), ['trips', 'zones']);
  assert.deepEqual(table?.items[0].textEdit && 'range' in table.items[0].textEdit ? table.items[0].textEdit.range : null, {
    start: { line: 0, character: 24 },
    end: { line: 0, character: 25 },
  });
  assert.equal(completionsAt({ snapshot: s, file: SQL, text: "select 'x'", language: 'sql', position: { line: 0, character: 8 }, roots: [ROOT] }), null);
});

test('fuzzy workspace symbols rank exact and prefix matches first', () => {
  assert.equal(fuzzyScore('xyz', 'taxi_trips'), null);
  assert.ok(fuzzyScore('tt', 'taxi_trips')! > 0);
  const syms = workspaceSymbols(snapshot(), 'dm')!;
  assert.equal(syms[0].name, 'daily_metrics');
  assert.ok(!syms.some((s) => s.name === 'raw/zones'));
  const exact = workspaceSymbols(snapshot(), 'taxi_trips')!;
  assert.equal(exact[0].name, 'taxi_trips');
  assert.equal(workspaceSymbols(snapshot(), '')!.length, 4);
  assert.equal(workspaceSymbols(snapshot(), 'a', { isCancellationRequested: true }), null);
});

test('document symbols and code lenses for the assets of a file', () => {
  const s = snapshot();
  assert.deepEqual(documentSymbols(s, SQL).map((d) => d.name), ['daily_metrics']);
  const lenses = codeLensesFor(s, SQL, Date.UTC(2025, 0, 1));
  assert.equal(lenses.length, 1);
  assert.equal(lenses[0].command?.title, '1 upstream · 1 downstream · daily ·90');
  assert.equal(lenses[0].command?.command, 'assetLens.showLineage');
  assert.deepEqual(lenses[0].command?.arguments, ['daily_metrics']);
});

test('lineage tree marks edges with partition problems; graph neighbourhood and keys', () => {
  const s = snapshot();
  const up = lineageTree(s, 'manhattan_stats', 'up')!;
  assert.equal(up.key, 'manhattan_stats');
  assert.equal(up.children[0].key, 'daily_metrics');
  assert.equal(up.children[0].mismatch, undefined);
  assert.equal(up.children[0].children[0].key, 'taxi_trips');
  assert.equal(up.children[0].children[0].mismatch, 'monthly upstream, daily downstream');
  const down = lineageTree(s, 'taxi_trips', 'down', 1)!;
  assert.equal(down.children[0].key, 'daily_metrics');
  assert.equal(down.children[0].mismatch, 'monthly upstream, daily downstream');
  assert.deepEqual(down.children[0].children, []);
  assert.equal(lineageTree(s, 'nope', 'up'), null);
  const g = neighbourhood(s, 'taxi_trips', 1);
  assert.deepEqual(g.nodes.map((n) => n.key), ['daily_metrics', 'taxi_trips']);
  assert.deepEqual(g.edges, [{ from: 'taxi_trips', to: 'daily_metrics', mismatch: 'monthly upstream, daily downstream' }]);
  assert.equal(neighbourhood(s, undefined).nodes.length, 4);
  assert.deepEqual(keysList(s).map((k) => k.key), ['daily_metrics', 'manhattan_stats', 'raw/zones', 'taxi_trips']);
  assert.equal(keysList(s)[0].partitions?.type, 'daily');
});

test('diagnostics: fast codes follow edits, slow ones are committed on save, fixed files get an empty list once', () => {
  const sent: { file: string; codes: string[] }[] = [];
  const pub = new DiagnosticsPublisher((file, list) => sent.push({ file, codes: list.map((d) => String(d.code)) }));
  const unknown: Diagnostic = { location: { file: PY, range: range(1, 1, 1, 5) }, severity: 'error', code: 'unknown-asset-key', message: 'x', suggestion: 'daily_metrics' };
  const mixed: Diagnostic = { location: { file: PY, range: range(2, 1, 2, 5) }, severity: 'warning', code: 'mixed-partitions', message: 'm' };
  pub.publish(snapshot([unknown, mixed]), 'all');
  assert.deepEqual(sent, [{ file: PY, codes: ['unknown-asset-key', 'mixed-partitions'] }]);
  // typing fixed both, but only the fast one disappears before saving
  pub.publish(snapshot([]), 'fast');
  assert.deepEqual(sent[1], { file: PY, codes: ['mixed-partitions'] });
  pub.publish(snapshot([]), 'fast');
  assert.equal(sent.length, 2, 'no duplicate publish');
  pub.publish(snapshot([]), 'all');
  assert.deepEqual(sent[2], { file: PY, codes: [] });
  pub.publish(snapshot([]), 'all');
  assert.equal(sent.length, 3);
  const wire = toLspDiagnostic(unknown);
  assert.equal(wire.code, 'unknown-asset-key');
  assert.equal(wire.source, 'asset-lens');
  assert.deepEqual(wire.data, { suggestion: 'daily_metrics' });
});

test('diagnostics: a file whose diagnostics are the same objects as at its last publish is not serialised again', () => {
  const sent: string[] = [];
  const pub = new DiagnosticsPublisher((file) => sent.push(file));
  let reads = 0;
  const counted = (line: number): Diagnostic => {
    const d = { location: { file: PY, range: range(line, 1, line, 5) }, severity: 'warning', code: 'unknown-asset-key', suggestion: undefined } as Diagnostic;
    Object.defineProperty(d, 'message', { enumerable: true, get: () => (reads++, `unknown ${line}`) });
    return d;
  };
  const kept = [counted(1), counted(2)];
  const other: Diagnostic = { location: { file: SQL, range: range(0, 0, 0, 3) }, severity: 'error', code: 'unknown-dbt-ref', message: 'r' };
  pub.publish(snapshot([...kept, other]), 'all');
  assert.deepEqual(sent, [PY, SQL]);
  const first = reads;
  assert.ok(first > 0);
  // a save elsewhere: new lists (a new snapshot), the same objects for PY
  const changed: Diagnostic = { ...other, message: 'r2' };
  pub.publish(snapshot([...kept, changed]), 'all');
  assert.deepEqual(sent, [PY, SQL, SQL]);
  assert.equal(reads, first, 'PY was skipped without reading its diagnostics');
  // one object of PY's replaced: PY is read and published again
  pub.publish(snapshot([kept[0], counted(3), changed]), 'fast');
  assert.deepEqual(sent, [PY, SQL, SQL, PY]);
  assert.ok(reads > first);
});

test('quick fix replaces the range with the suggestion, also when the client dropped `data`', () => {
  const unknown: Diagnostic = { location: { file: PY, range: range(1, 14, 1, 27) }, severity: 'error', code: 'unknown-asset-key', message: 'x', suggestion: 'daily_metrics' };
  const s = snapshot([unknown]);
  const uri = pathToUri(PY);
  const withData = quickFixes(s, PY, uri, {
    textDocument: { uri },
    range: { start: { line: 1, character: 15 }, end: { line: 1, character: 15 } },
    context: { diagnostics: [toLspDiagnostic(unknown)] },
  });
  assert.equal(withData.length, 1);
  assert.equal(withData[0].title, "Replace with 'daily_metrics'");
  assert.deepEqual(withData[0].edit?.changes?.[uri], [{ range: { start: { line: 1, character: 14 }, end: { line: 1, character: 27 } }, newText: 'daily_metrics' }]);
  const without = quickFixes(s, PY, uri, { textDocument: { uri }, range: { start: { line: 1, character: 15 }, end: { line: 1, character: 15 } }, context: { diagnostics: [] } });
  assert.equal(without.length, 1);
  const elsewhere = quickFixes(s, PY, uri, { textDocument: { uri }, range: { start: { line: 5, character: 0 }, end: { line: 5, character: 0 } }, context: { diagnostics: [] } });
  assert.equal(elsewhere.length, 0);
});

test('settings: nested, dotted and wrapped forms', () => {
  const nested = readSettings({ manifestPath: 'target/m.json', python: { include: ['defs/**/*.py'] }, typescript: { callNames: { asset: ['asset', 'myAsset'] } }, trace: { server: 'verbose' } });
  assert.deepEqual(nested.workspace, { manifestPath: 'target/m.json', pythonInclude: ['defs/**/*.py'], typescriptCallNames: { asset: ['asset', 'myAsset'] } });
  assert.equal(nested.trace, 'verbose');
  const dotted = readSettings({ assetLens: { 'python.exclude': ['**/tests/**'], 'trace.server': 'messages' } });
  assert.deepEqual(dotted.workspace, { pythonExclude: ['**/tests/**'] });
  assert.equal(dotted.trace, 'messages');
  assert.deepEqual(readSettings(undefined), { workspace: {}, trace: 'off' });
  assert.deepEqual(readSettings({ manifestPath: 42 }).workspace, {});
  // what the VS Code client sends for untouched settings: empty values mean "use the defaults"
  const untouched = readSettings({
    manifestPath: '',
    python: { include: [], exclude: [] },
    typescript: { include: [], exclude: [], callNames: {} },
    trace: { server: 'off' },
  });
  assert.deepEqual(untouched, { workspace: {}, trace: 'off' });
});

test('uri ↔ path', () => {
  assert.equal(uriToPath('file:///ws/a%20b/c.py'), '/ws/a b/c.py');
  assert.equal(uriToPath('untitled:Untitled-1'), undefined);
  assert.equal(pathToUri('/ws/a b/c.py'), 'file:///ws/a%20b/c.py');
});

test('replacement edits keep quotes and brackets: one literal takes the key, several take one part each', () => {
  const text = '@asset(deps=[AssetKey(["daily_metricz"])])';
  const r = { start: { line: 0, character: 22 }, end: { line: 0, character: 39 } };
  assert.equal(text.slice(22, 39), '["daily_metricz"]');
  assert.deepEqual(replacementEdits(text, r, 'daily_metrics'), [{ range: { start: { line: 0, character: 24 }, end: { line: 0, character: 37 } }, newText: 'daily_metrics' }]);
  const two = 'AssetKey(["raw", "zonez"])';
  const r2 = { start: { line: 0, character: 9 }, end: { line: 0, character: 25 } };
  assert.deepEqual(
    replacementEdits(two, r2, 'raw/zones').map((e) => [e.range.start.character, e.range.end.character, e.newText]),
    [
      [11, 14, 'raw'],
      [18, 23, 'zones'],
    ],
  );
  const bare = 'x = daily_metricz';
  const r3 = { start: { line: 0, character: 4 }, end: { line: 0, character: 17 } };
  assert.deepEqual(replacementEdits(bare, r3, 'daily_metrics'), [{ range: r3, newText: 'daily_metrics' }]);
  assert.deepEqual(replacementEdits(undefined, r3, 'x'), [{ range: r3, newText: 'x' }]);
});

test('with more keys than one answer holds, completion sends the best matches of the typed text and says it is incomplete', () => {
  const s = snapshot();
  for (let i = 0; i < 3000; i++) s.graph.addAsset(asset(`model_${String(i).padStart(4, '0')}`, 'dbt_model', `/ws/analytics/models/m${i}.sql`, 0));
  const text = 'from dagster import asset\n@asset(deps=["model_12"])\ndef manhattan_stats(): ...\n';
  const list = completionsAt({ snapshot: s, file: PY, text, language: 'python', position: { line: 1, character: 22 }, roots: [ROOT] })!;
  assert.equal(list.isIncomplete, true);
  assert.ok(list.items.length <= MAX_COMPLETION_ITEMS);
  const labels = list.items.map((i) => i.label);
  // every model_12xx and model_0012-style subsequence match; the prefix matches first
  assert.ok(labels.includes('model_1234'));
  const firstNonPrefix = labels.findIndex((l) => !l.startsWith('model_12'));
  const lastPrefix = labels.map((l) => l.startsWith('model_12')).lastIndexOf(true);
  assert.equal(labels.filter((l) => l.startsWith('model_12')).length, 100);
  assert.ok(firstNonPrefix === -1 || lastPrefix < firstNonPrefix);
  assert.ok(labels.every((l) => /m.*o.*d.*e.*l.*_.*1.*2/.test(l)), 'only items matching what was typed');
  // documentation is filled for the items that are sent
  assert.match(String((list.items[0].documentation as { value: string }).value), /model_12/);
  // the next keystroke in the same string reuses the candidates: the answer follows the new text and range
  const text2 = text.replace('"model_12"', '"model_123"');
  const list2 = completionsAt({ snapshot: s, file: PY, text: text2, language: 'python', position: { line: 1, character: 23 }, roots: [ROOT] })!;
  assert.ok(list2.items.length > 0 && list2.items.every((i) => /m.*o.*d.*e.*l.*_.*1.*2.*3/.test(i.label)));
  assert.equal(list2.items.filter((i) => i.label.startsWith('model_123')).length, 10);
  const edit = list2.items[0].textEdit as { range: { start: { character: number }; end: { character: number } } };
  assert.deepEqual([edit.range.start.character, edit.range.end.character], [14, 23]);
  assert.match(String((list2.items[0].documentation as { value: string }).value), /model_123/);
  assert.equal(list2.items[0].detail, list.items.find((i) => i.label === list2.items[0].label)?.detail ?? list2.items[0].detail);
  // a small index still gets every key, unfiltered
  const small = completionsAt({ snapshot: snapshot(), file: PY, text, language: 'python', position: { line: 1, character: 22 }, roots: [ROOT] })!;
  assert.equal(small.isIncomplete, false);
});

test('pathToUri is pathToFileURL, plain paths included', () => {
  const paths = [
    '/ws/analytics/models/daily_metrics.sql',
    '/a/b-c_d.e~f/g.py',
    '/a//b.sql',
    '/a/./b.sql',
    '/a/../b.sql',
    '/a/b/..',
    '/a/b/.',
    '/a/b/',
    '/a/.hidden/..x/x../b.sql',
    '/',
    '/a b/c#d?e%f.sql',
    '/ü/ñ.py',
    '/a\\b',
  ];
  for (const p of paths) assert.equal(pathToUri(p), pathToFileURL(p).href, p);
});
