/**
 * Protocol-level tests of the bundled language server on a temp copy of
 * examples/taxi: every request goes over stdio as JSON-RPC, like an editor's.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CancellationTokenSource,
  createProtocolConnection,
  IPCMessageReader,
  IPCMessageWriter,
  LSPErrorCodes,
  ResponseError,
  type CodeAction,
  type CodeLens,
  type CompletionList,
  type DocumentSymbol,
  type Hover,
  type Location,
  type SymbolInformation,
  type TextEdit,
  type WorkspaceSymbol,
} from 'vscode-languageserver-protocol/node';
import { copyExample, ensureBundle, positionOf, serverJs, TestClient, uriOf } from './harness';
import type { AssetInfo, GraphResult, KeysResult, LineageTreeNode, WireLocation } from '../../server/src/lsp/protocol';

const FILE_CREATED = 1;
const FILE_CHANGED = 2;
const FILE_DELETED = 3;

describe('language server on examples/taxi', () => {
  let client: TestClient;
  let root: string;
  let cleanup: () => void;
  let metricsPy: string;
  let metricsText: string;

  const keys = async () => (await client.conn.sendRequest<KeysResult>('assetLens/keys')).map((k) => k.key);

  before(async () => {
    ensureBundle();
    ({ root, cleanup } = copyExample('taxi'));
    metricsPy = join(root, 'defs/assets/metrics.py');
    metricsText = readFileSync(metricsPy, 'utf8');
    client = new TestClient();
    // what the VS Code client sends when no setting was touched
    await client.initialize(root, {
      manifestPath: '',
      python: { include: [], exclude: [] },
      typescript: { include: [], exclude: [], callNames: {} },
      trace: { server: 'off' },
    });
  });

  after(async () => {
    await client?.stop();
    cleanup?.();
  });

  test('initialize announces the capabilities, registers watchers, reports progress and an index status', () => {
    const caps = client.initializeResult!.capabilities;
    assert.deepEqual(caps.completionProvider?.triggerCharacters, ['"', "'", '/', '[', '(', ',']);
    assert.equal(caps.definitionProvider, true);
    assert.equal(caps.hoverProvider, true);
    assert.equal(caps.referencesProvider, true);
    assert.deepEqual(caps.workspaceSymbolProvider, { resolveProvider: true });
    assert.equal(caps.documentSymbolProvider, true);
    assert.deepEqual(caps.codeLensProvider, { resolveProvider: false });
    assert.deepEqual(caps.codeActionProvider, { codeActionKinds: ['quickfix'] });
    assert.deepEqual(caps.textDocumentSync, { openClose: true, change: 2, save: { includeText: false } });
    const watch = client.registrations.find((r) => r.method === 'workspace/didChangeWatchedFiles');
    assert.ok(watch, 'file watchers registered');
    const globs = (watch.registerOptions as { watchers: { globPattern: string }[] }).watchers.map((w) => w.globPattern);
    assert.ok(globs.includes('**/target/manifest.json'));
    assert.ok(globs.includes('**/dbt_project.yml'));
    // folders: VS Code reports one deleted or moved as the folder alone
    const all = (watch.registerOptions as { watchers: { globPattern: string; kind?: number }[] }).watchers.find((w) => w.globPattern === '**/*');
    assert.equal(all?.kind, 1 | 4, 'every path watched for creation and deletion');
    assert.ok(client.progressCreated.length >= 1, 'a work-done progress token was created');
    const ready = client.statuses.find((s) => s.state === 'ready')!;
    assert.ok(ready.assets >= 10, `assets in status: ${ready.assets}`);
    assert.ok(client.statuses.some((s) => s.state === 'indexing'));
  });

  test('assetLens/supportedMethods lists the standard and custom methods', async () => {
    const methods = await client.conn.sendRequest<string[]>('assetLens/supportedMethods');
    for (const m of ['textDocument/completion', 'textDocument/definition', 'textDocument/hover', 'workspace/symbol', 'assetLens/lineage', 'assetLens/keys', 'assetLens/location', 'assetLens/graph', 'assetLens/reindex']) {
      assert.ok(methods.includes(m), m);
    }
  });

  test('assetLens/keys: Python, dbt models and translated dbt sources', async () => {
    const list = await client.conn.sendRequest<KeysResult>('assetLens/keys');
    const byKey = new Map(list.map((k) => [k.key, k]));
    for (const k of ['taxi_trips', 'taxi_zones', 'stg_trips', 'stg_zones', 'daily_metrics', 'location_metrics', 'manhattan_stats', 'location_summary']) {
      assert.ok(byKey.has(k), `missing ${k}: ${[...byKey.keys()].join(', ')}`);
    }
    assert.equal(byKey.get('taxi_trips')!.kind, 'python');
    assert.equal(byKey.get('taxi_trips')!.badge, 'monthly ·3');
    assert.equal(byKey.get('daily_metrics')!.kind, 'dbt_model');
    assert.equal(byKey.get('daily_metrics')!.badge, 'daily ·90');
    assert.equal(byKey.get('daily_metrics')!.location!.uri, uriOf(join(root, 'analytics/models/marts/daily_metrics.sql')));
  });

  test('assetLens/keys lists files without ranges; assetLens/location gives the range of one', async () => {
    const list = await client.conn.sendRequest<KeysResult>('assetLens/keys');
    assert.ok(list.length > 5 && list.every((k) => k.location && !('range' in k.location)), JSON.stringify(list[0]));
    const sql = join(root, 'analytics/models/marts/daily_metrics.sql');
    const loc = await client.conn.sendRequest<WireLocation | null>('assetLens/location', { key: 'daily_metrics' });
    const text = readFileSync(sql, 'utf8');
    assert.equal(loc?.uri, uriOf(sql));
    assert.deepEqual(loc?.range.start, positionOf(text, text.trimStart().slice(0, 10)), 'the first line of SQL');
    const py = await client.conn.sendRequest<WireLocation | null>('assetLens/location', { key: 'taxi_trips' });
    assert.equal(py?.uri, uriOf(join(root, 'defs/assets/trips.py')));
    assert.ok(py!.range.start.line > 0);
    assert.equal(await client.conn.sendRequest('assetLens/location', { key: 'no_such_asset' }), null);
    await assert.rejects(client.conn.sendRequest('assetLens/location', { key: 3 }), /key must be a string/);
    // workspaceSymbol/resolve fills in the range of a symbol listed without one
    const resolved = await client.conn.sendRequest<WorkspaceSymbol>('workspaceSymbol/resolve', { name: 'daily_metrics', kind: 5, location: { uri: uriOf(sql) }, data: { key: 'daily_metrics' } });
    assert.deepEqual(resolved.location, loc);
  });

  test('completion in deps=[ offers daily_metrics with a replace range over the typed text', async () => {
    await client.open(metricsPy, 'python', metricsText);
    const edited = metricsText + '\n\n@asset(deps=["dai"])\ndef extra_asset() -> None:\n    ...\n';
    await client.change(metricsPy, edited, 2);
    try {
      const pos = positionOf(edited, '@asset(deps=["dai', '@asset(deps=["dai'.length);
      const list = await client.conn.sendRequest<CompletionList>('textDocument/completion', { textDocument: { uri: uriOf(metricsPy) }, position: pos });
      const item = list.items.find((i) => i.label === 'daily_metrics');
      assert.ok(item, `labels: ${list.items.map((i) => i.label).join(', ')}`);
      const edit = item.textEdit as TextEdit;
      // replaces "dai" (up to the closing quote the editor inserted)
      assert.deepEqual(edit.range, { start: { line: pos.line, character: pos.character - 3 }, end: pos });
      assert.equal(edit.newText, 'daily_metrics');
      assert.match(item.detail ?? '', /dbt model · daily ·90/);
      assert.ok(list.items.some((i) => i.label === 'taxi_trips'));
      // the file's own assets sort first
      const sorted = [...list.items].sort((a, b) => (a.sortText ?? a.label).localeCompare(b.sortText ?? b.label));
      assert.ok(['manhattan_stats', 'location_summary', 'extra_asset'].includes(sorted[0].label), sorted[0].label);
      // half-typed: no closing quote, no closing brackets
      const half = metricsText + '\n\n@asset(deps=["taxi_t\ndef other():\n    ...\n';
      await client.change(metricsPy, half, 3);
      const p2 = positionOf(half, '["taxi_t', '["taxi_t'.length);
      const list2 = await client.conn.sendRequest<CompletionList>('textDocument/completion', { textDocument: { uri: uriOf(metricsPy) }, position: p2 });
      const trips = list2.items.find((i) => i.label === 'taxi_trips')!;
      assert.ok(trips);
      assert.deepEqual((trips.textEdit as TextEdit).range, { start: { line: p2.line, character: p2.character - 6 }, end: p2 });
    } finally {
      // back to the file as it is on disk
      await client.change(metricsPy, metricsText, 4);
    }
  });

  test('a file outside the workspace that no editor has open is not read (completion answers nothing)', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'asset-lens-outside-'));
    try {
      const file = join(outside, 'secrets.py');
      const text = 'from dagster import asset\n@asset(deps=["daily\n';
      writeFileSync(file, text);
      const position = positionOf(text, 'deps=["daily', 'deps=["daily'.length);
      const list = await client.conn.sendRequest<CompletionList | null>('textDocument/completion', { textDocument: { uri: uriOf(file) }, position });
      assert.equal(list, null);
      // the same text inside the workspace is read and completed
      const inside = join(root, 'defs/assets/scratch_unopened.py');
      writeFileSync(inside, text);
      const got = await client.conn.sendRequest<CompletionList>('textDocument/completion', { textDocument: { uri: uriOf(inside) }, position });
      assert.ok(got?.items.some((i) => i.label === 'daily_metrics'));
      rmSync(inside);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  test('completion of AssetKey(["… and get_asset_key_for_model', async () => {
    const pos = positionOf(metricsText, 'AssetKey(["daily', 'AssetKey(["'.length);
    const list = await client.conn.sendRequest<CompletionList>('textDocument/completion', { textDocument: { uri: uriOf(metricsPy) }, position: pos });
    const item = list.items.find((i) => i.label === 'daily_metrics')!;
    assert.ok(item);
    assert.deepEqual((item.textEdit as TextEdit).range, { start: pos, end: { line: pos.line, character: pos.character + 'daily_metrics'.length } });
    const pos2 = positionOf(metricsText, '"location_metrics"', 1);
    const models = await client.conn.sendRequest<CompletionList>('textDocument/completion', { textDocument: { uri: uriOf(metricsPy) }, position: pos2 });
    assert.deepEqual(models.items.map((i) => i.label).sort(), ['daily_metrics', 'location_metrics', 'stg_trips', 'stg_zones']);
  });

  test("SQL ref(' offers stg_trips and source('raw_taxis', ' offers trips", async () => {
    const daily = join(root, 'analytics/models/marts/daily_metrics.sql');
    const text = readFileSync(daily, 'utf8').replace("ref('stg_trips')", "ref('stg_')");
    await client.open(daily, 'jinja-sql', text);
    const pos = positionOf(text, "ref('stg_", "ref('stg_".length);
    const refs = await client.conn.sendRequest<CompletionList>('textDocument/completion', { textDocument: { uri: uriOf(daily) }, position: pos });
    const stg = refs.items.find((i) => i.label === 'stg_trips');
    assert.ok(stg, refs.items.map((i) => i.label).join(', '));
    assert.deepEqual((stg.textEdit as TextEdit).range, { start: { line: pos.line, character: pos.character - 4 }, end: pos });
    assert.ok(!refs.items.some((i) => i.label === 'trips'), 'sources are not ref() targets');
    await client.close(daily);

    const stgTrips = join(root, 'analytics/models/staging/stg_trips.sql');
    const sql = readFileSync(stgTrips, 'utf8');
    await client.open(stgTrips, 'sql', sql);
    const p2 = positionOf(sql, "source('raw_taxis', '", "source('raw_taxis', '".length);
    const tables = await client.conn.sendRequest<CompletionList>('textDocument/completion', { textDocument: { uri: uriOf(stgTrips) }, position: p2 });
    assert.deepEqual(tables.items.map((i) => i.label).sort(), ['trips', 'zones']);
    const p3 = positionOf(sql, "source('", "source('".length);
    const sources = await client.conn.sendRequest<CompletionList>('textDocument/completion', { textDocument: { uri: uriOf(stgTrips) }, position: p3 });
    assert.deepEqual(sources.items.map((i) => i.label), ['raw_taxis']);
  });

  test("TypeScript: deps: ['… and selection: ['… complete keys; definition from a TS dep", async () => {
    const zoneReport = join(root, 'ts/zoneReport.ts');
    const text = readFileSync(zoneReport, 'utf8');
    await client.open(zoneReport, 'typescript', text);
    const pos = positionOf(text, "deps: ['location", "deps: ['location".length);
    const list = await client.conn.sendRequest<CompletionList>('textDocument/completion', { textDocument: { uri: uriOf(zoneReport) }, position: pos });
    const item = list.items.find((i) => i.label === 'location_metrics');
    assert.ok(item, list.items.map((i) => i.label).join(', '));
    assert.deepEqual((item.textEdit as TextEdit).range, { start: { line: pos.line, character: pos.character - 'location'.length }, end: { line: pos.line, character: pos.character + '_metrics'.length } });
    const sel = positionOf(text, "selection: ['", "selection: ['".length);
    const jobs = await client.conn.sendRequest<CompletionList>('textDocument/completion', { textDocument: { uri: uriOf(zoneReport) }, position: sel });
    assert.ok(jobs.items.some((i) => i.label === 'zone_report'));
    const defs = await client.conn.sendRequest<Location[]>('textDocument/definition', { textDocument: { uri: uriOf(zoneReport) }, position: pos });
    assert.ok(defs.some((d) => d.uri === uriOf(join(root, 'analytics/models/marts/location_metrics.sql'))), JSON.stringify(defs));
    await client.close(zoneReport);
  });

  test('definition: a key reference in Python → the dbt model SQL file and its YAML entry', async () => {
    const pos = positionOf(metricsText, '"daily_metrics"', 3);
    const defs = await client.conn.sendRequest<Location[]>('textDocument/definition', { textDocument: { uri: uriOf(metricsPy) }, position: pos });
    const uris = defs.map((d) => d.uri).sort();
    assert.deepEqual(uris, [uriOf(join(root, 'analytics/models/marts/daily_metrics.sql')), uriOf(join(root, 'analytics/models/marts/schema.yml'))].sort());
    const yml = defs.find((d) => d.uri.endsWith('schema.yml'))!;
    const ymlText = readFileSync(join(root, 'analytics/models/marts/schema.yml'), 'utf8');
    assert.equal(yml.range.start.line, positionOf(ymlText, 'daily_metrics').line);
  });

  test("definition: SQL ref('stg_zones') and source('raw_taxis', 'trips')", async () => {
    const loc = join(root, 'analytics/models/marts/location_metrics.sql');
    const text = readFileSync(loc, 'utf8');
    await client.open(loc, 'sql', text);
    const defs = await client.conn.sendRequest<Location[]>('textDocument/definition', {
      textDocument: { uri: uriOf(loc) },
      position: positionOf(text, "ref('stg_zones')", 7),
    });
    assert.ok(defs.some((d) => d.uri === uriOf(join(root, 'analytics/models/staging/stg_zones.sql'))), JSON.stringify(defs));
    const stgTrips = join(root, 'analytics/models/staging/stg_trips.sql');
    const sql = readFileSync(stgTrips, 'utf8');
    const src = await client.conn.sendRequest<Location[]>('textDocument/definition', {
      textDocument: { uri: uriOf(stgTrips) },
      position: positionOf(sql, "'trips'", 2),
    });
    // raw_taxis.trips is the Dagster asset taxi_trips (the translator maps it): its Python definition and the YAML entry
    const uris = src.map((d) => d.uri);
    assert.ok(uris.includes(uriOf(join(root, 'defs/assets/trips.py'))), JSON.stringify(src));
    assert.ok(uris.includes(uriOf(join(root, 'analytics/models/sources.yml'))), JSON.stringify(src));
    const hover = await client.conn.sendRequest<Hover>('textDocument/hover', { textDocument: { uri: uriOf(stgTrips) }, position: positionOf(sql, "'trips'", 2) });
    assert.match((hover.contents as { value: string }).value, /taxi_trips/);
  });

  test('hover on a reference: kind, partitions (daily, 90), lineage counts, file', async () => {
    const pos = positionOf(metricsText, '"daily_metrics"', 3);
    const hover = await client.conn.sendRequest<Hover>('textDocument/hover', { textDocument: { uri: uriOf(metricsPy) }, position: pos });
    const value = (hover.contents as { value: string }).value;
    assert.match(value, /daily_metrics/);
    assert.match(value, /daily/);
    assert.match(value, /\b90\b/);
    assert.match(value, /dbt model/);
    assert.match(value, /upstream/);
    assert.match(value, /analytics\/models\/marts\/daily_metrics\.sql/);
    assert.ok(hover.range);
    assert.equal(hover.range.start.line, pos.line);
  });

  test('references of daily_metrics include the Python dependency', async () => {
    const daily = join(root, 'analytics/models/marts/daily_metrics.sql');
    const pos = positionOf(metricsText, '"daily_metrics"', 3);
    const refs = await client.conn.sendRequest<Location[]>('textDocument/references', {
      textDocument: { uri: uriOf(metricsPy) },
      position: pos,
      context: { includeDeclaration: true },
    });
    assert.ok(refs.some((r) => r.uri === uriOf(metricsPy) && r.range.start.line === pos.line), JSON.stringify(refs));
    assert.ok(refs.some((r) => r.uri === uriOf(daily)), 'declaration included');
    const noDecl = await client.conn.sendRequest<Location[]>('textDocument/references', {
      textDocument: { uri: uriOf(metricsPy) },
      position: pos,
      context: { includeDeclaration: false },
    });
    assert.ok(!noDecl.some((r) => r.uri === uriOf(daily) && r.range.start.line === 0 && r.range.end.line === 0 && false));
    assert.ok(noDecl.length < refs.length);
  });

  test('workspace symbols (fuzzy) and document symbols', async () => {
    const syms = await client.conn.sendRequest<SymbolInformation[]>('workspace/symbol', { query: 'dlymet' });
    assert.equal(syms[0]?.name, 'daily_metrics');
    const all = await client.conn.sendRequest<SymbolInformation[]>('workspace/symbol', { query: '' });
    assert.ok(all.length >= 10);
    const doc = await client.conn.sendRequest<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: uriOf(metricsPy) } });
    assert.deepEqual(doc.map((d) => d.name), ['manhattan_stats', 'location_summary']);
    const m = doc[0];
    assert.equal(m.selectionRange.start.line, positionOf(metricsText, 'def manhattan_stats').line);
    assert.ok(m.range.start.line < m.selectionRange.start.line && m.range.end.line > m.selectionRange.start.line, 'range spans decorator and body');
  });

  test('code lens above each asset definition', async () => {
    const lenses = await client.conn.sendRequest<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: uriOf(metricsPy) } });
    const manhattan = lenses.find((l) => l.command?.arguments?.[0] === 'manhattan_stats');
    assert.ok(manhattan, JSON.stringify(lenses));
    assert.equal(manhattan.command!.command, 'assetLens.showLineage');
    assert.match(manhattan.command!.title, /^1 upstream · 0 downstream/);
    // above the decorator, not between it and the def line
    assert.equal(manhattan.range.start.line, positionOf(metricsText, '@asset(deps=[AssetKey').line);
    const trips = join(root, 'defs/assets/trips.py');
    const tripLenses = await client.conn.sendRequest<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: uriOf(trips) } });
    const taxiTrips = tripLenses.find((l) => l.command?.arguments?.[0] === 'taxi_trips')!;
    assert.match(taxiTrips.command!.title, /monthly ·3$/);
  });

  test('diagnostics follow typing (unknown key), offer a quick fix, and clear when fixed', async () => {
    const broken = metricsText.replace('AssetKey(["daily_metrics"])', 'AssetKey(["daily_metricz"])');
    try {
      const line = positionOf(broken, 'daily_metricz').line;
      await client.change(metricsPy, broken, 10);
      await client.waitFor('unknown-asset-key', () => client.diagnosticsFor(metricsPy).some((d) => d.code === 'unknown-asset-key' && d.range.start.line === line));
      const diag = client.diagnosticsFor(metricsPy).find((d) => d.code === 'unknown-asset-key')!;
      assert.equal(diag.source, 'asset-lens');
      assert.ok(diag.severity === 1 || diag.severity === 2, `severity ${diag.severity}`);
      assert.match(diag.message, /daily_metricz/);
      const actions = await client.conn.sendRequest<CodeAction[]>('textDocument/codeAction', {
        textDocument: { uri: uriOf(metricsPy) },
        range: diag.range,
        context: { diagnostics: [diag] },
      });
      const fix = actions.find((a) => a.title === "Replace with 'daily_metrics'");
      assert.ok(fix, JSON.stringify(actions));
      const edits = fix.edit!.changes![uriOf(metricsPy)];
      assert.equal(edits.length, 1);
      assert.equal(edits[0].newText, 'daily_metrics');
      // apply it as a client would
      const lines = broken.split('\n');
      const r = edits[0].range;
      lines[r.start.line] = lines[r.start.line].slice(0, r.start.character) + edits[0].newText + lines[r.end.line].slice(r.end.character);
      const fixed = lines.join('\n');
      assert.equal(fixed, metricsText);
      await client.change(metricsPy, fixed, 11);
      await client.waitFor('diagnostics cleared', () => !client.diagnosticsFor(metricsPy).some((d) => d.code === 'unknown-asset-key'));
    } finally {
      await client.change(metricsPy, metricsText, 12);
    }
  });

  test('mixed partitions appear on save, not while typing, and clear after the fix is saved', async () => {
    const jobsPy = join(root, 'defs/jobs.py');
    const jobsText = readFileSync(jobsPy, 'utf8');
    await client.open(jobsPy, 'python', jobsText);
    const mixed = jobsText.replace('AssetSelection.assets("taxi_trips")', 'AssetSelection.assets("taxi_trips", "daily_metrics")');
    assert.notEqual(mixed, jobsText);
    await client.change(jobsPy, mixed, 2);
    // a request waits for the pending edit to be indexed and published
    await client.conn.sendRequest('textDocument/documentSymbol', { textDocument: { uri: uriOf(jobsPy) } });
    assert.ok(!client.diagnosticsFor(jobsPy).some((d) => d.code === 'mixed-partitions'), 'not while typing');
    writeFileSync(jobsPy, mixed);
    await client.save(jobsPy);
    await client.waitFor('mixed-partitions on save', () => client.diagnosticsFor(jobsPy).some((d) => d.code === 'mixed-partitions'));
    const d = client.diagnosticsFor(jobsPy).find((x) => x.code === 'mixed-partitions')!;
    assert.match(d.message, /taxi_trips/);
    assert.match(d.message, /daily_metrics/);
    await client.change(jobsPy, jobsText, 3);
    writeFileSync(jobsPy, jobsText);
    await client.save(jobsPy);
    await client.waitFor('mixed-partitions cleared', () => !client.diagnosticsFor(jobsPy).some((x) => x.code === 'mixed-partitions'));
    assert.deepEqual(client.diagnosticsFor(jobsPy), []);
  });

  test('assetLens/lineage by key and by position, with partition mismatches marked', async () => {
    const down = await client.conn.sendRequest<LineageTreeNode | null>('assetLens/lineage', { key: 'taxi_trips', direction: 'down' });
    assert.ok(down);
    assert.equal(down.key, 'taxi_trips');
    const flat: LineageTreeNode[] = [];
    const walk = (n: LineageTreeNode) => {
      flat.push(n);
      n.children.forEach(walk);
    };
    walk(down);
    assert.ok(flat.some((n) => n.key === 'stg_trips'));
    assert.ok(flat.some((n) => n.key === 'daily_metrics'));
    assert.ok(flat.some((n) => n.key === 'manhattan_stats'));
    // monthly → daily maps by time window: no problem on that edge
    const stg = down.children.find((c) => c.key === 'stg_trips')!;
    assert.ok(stg, JSON.stringify(down.children.map((c) => c.key)));
    assert.equal(stg.badge, 'daily ·90');
    assert.equal(stg.mismatch, undefined);
    // an open, unsaved document with a statically partitioned dependent of daily_metrics
    const reportPy = join(root, 'defs/assets/report.py');
    await client.open(
      reportPy,
      'python',
      'from dagster import StaticPartitionsDefinition, asset\n\n\n@asset(deps=["daily_metrics"], partitions_def=StaticPartitionsDefinition(["north", "south"]))\ndef region_report() -> None:\n    ...\n',
    );
    const fromDaily = await client.conn.sendRequest<LineageTreeNode>('assetLens/lineage', { key: 'daily_metrics', direction: 'down' });
    const report = fromDaily.children.find((c) => c.key === 'region_report');
    assert.ok(report, JSON.stringify(fromDaily.children.map((c) => c.key)));
    assert.match(report.mismatch ?? '', /partition/);
    assert.equal(fromDaily.children.find((c) => c.key === 'manhattan_stats')?.mismatch, undefined);
    const graph = await client.conn.sendRequest<GraphResult>('assetLens/graph', { key: 'region_report', depth: 1 });
    assert.match(graph.edges.find((e) => e.to === 'region_report')?.mismatch ?? '', /partition/);
    await client.close(reportPy);
    const closed = await client.conn.sendRequest<LineageTreeNode>('assetLens/lineage', { key: 'daily_metrics', direction: 'down' });
    assert.ok(!closed.children.some((c) => c.key === 'region_report'), 'a closed unsaved file is gone');
    // inside the function body: the asset whose definition holds the cursor
    const pos = positionOf(metricsText, 'with database.get_connection()', 4);
    const up = await client.conn.sendRequest<LineageTreeNode | null>('assetLens/lineage', {
      textDocument: { uri: uriOf(metricsPy) },
      position: pos,
      direction: 'up',
      depth: 1,
    });
    assert.equal(up?.key, 'manhattan_stats');
    assert.deepEqual(up?.children.map((c) => c.key), ['daily_metrics']);
    assert.deepEqual(up?.children[0].children, []);
    assert.equal(await client.conn.sendRequest('assetLens/lineage', { key: 'no_such_asset', direction: 'up' }), null);
  });

  test('assetLens/graph: neighbourhood of a focus', async () => {
    const g = await client.conn.sendRequest<GraphResult>('assetLens/graph', { key: 'daily_metrics', depth: 1 });
    assert.equal(g.focus, 'daily_metrics');
    assert.deepEqual(g.nodes.map((n: AssetInfo) => n.key).sort(), ['daily_metrics', 'manhattan_stats', 'stg_trips']);
    assert.deepEqual(
      g.edges.map((e) => `${e.from}->${e.to}`).sort(),
      ['daily_metrics->manhattan_stats', 'stg_trips->daily_metrics'],
    );
    const whole = await client.conn.sendRequest<GraphResult>('assetLens/graph', {});
    assert.ok(whole.nodes.length >= 10);
  });

  test('a file edited on disk + didChangeWatchedFiles is re-indexed', async () => {
    const trips = join(root, 'defs/assets/trips.py');
    writeFileSync(trips, readFileSync(trips, 'utf8') + '\n\n@asset(deps=["taxi_trips"])\ndef trips_backup() -> None:\n    ...\n');
    const before = client.readyCount();
    await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(trips), type: FILE_CHANGED }] });
    await client.waitFor('re-index', () => client.readyCount() > before);
    assert.ok((await keys()).includes('trips_backup'));
    const lineage = await client.conn.sendRequest<LineageTreeNode>('assetLens/lineage', { key: 'taxi_trips', direction: 'down', depth: 1 });
    assert.ok(lineage.children.some((c) => c.key === 'trips_backup'));
  });

  test('a folder moved in, then deleted, each reported as the folder alone, is followed by the index', async () => {
    const folder = join(root, 'defs', 'moved_in');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'more.py'), 'from dagster import asset\n\n@asset(deps=["taxi_trips"])\ndef moved_trips() -> None:\n    ...\n');
    let before = client.readyCount();
    await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(folder), type: FILE_CREATED }] });
    await client.waitFor('re-index after a folder came', () => client.readyCount() > before);
    assert.ok((await keys()).includes('moved_trips'), 'the asset in the folder is indexed');
    rmSync(folder, { recursive: true });
    before = client.readyCount();
    await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(folder), type: FILE_DELETED }] });
    await client.waitFor('re-index after a folder went', () => client.readyCount() > before);
    assert.ok(!(await keys()).includes('moved_trips'), 'the asset is gone with its folder');
  });

  test('a manifest replaced on disk is reloaded; a half-written one keeps the last good index', async () => {
    const manifestPath = join(root, 'analytics/target/manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    const original = manifest.nodes['model.analytics.location_metrics'];
    assert.ok(original, 'example manifest has location_metrics');
    const copy = JSON.parse(JSON.stringify(original));
    copy.name = 'zone_rankings';
    copy.unique_id = 'model.analytics.zone_rankings';
    copy.alias = 'zone_rankings';
    copy.fqn = [...copy.fqn.slice(0, -1), 'zone_rankings'];
    copy.path = String(copy.path).replace('location_metrics', 'zone_rankings');
    copy.original_file_path = String(copy.original_file_path).replace('location_metrics', 'zone_rankings');
    manifest.nodes[copy.unique_id] = copy;
    const full = JSON.stringify(manifest);
    writeFileSync(manifestPath, full);
    let before = client.readyCount();
    await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(manifestPath), type: FILE_CHANGED }] });
    await client.waitFor('re-index after manifest change', () => client.readyCount() > before);
    assert.ok((await keys()).includes('zone_rankings'), 'the new model is an asset');

    // dbt is rewriting it: the file is cut short
    writeFileSync(manifestPath, full.slice(0, Math.floor(full.length / 2)));
    truncateSync(manifestPath, Math.floor(full.length / 3));
    before = client.readyCount();
    await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(manifestPath), type: FILE_CHANGED }] });
    await client.waitFor('re-index after truncation', () => client.readyCount() > before);
    const after = await keys();
    assert.ok(after.includes('zone_rankings'), 'last good index kept');
    assert.ok(after.includes('daily_metrics'));
  });

  test('assetLens/reindex re-reads everything', async () => {
    const res = await client.conn.sendRequest<{ assets: number }>('assetLens/reindex');
    assert.ok(res.assets >= 10);
  });

  test('settings pushed with didChangeConfiguration re-index the workspace', async () => {
    let before = client.readyCount();
    await client.conn.sendNotification('workspace/didChangeConfiguration', {
      settings: { assetLens: { python: { exclude: ['**/metrics.py'] } } },
    });
    await client.waitFor('re-index after settings', () => client.readyCount() > before);
    let now = await keys();
    assert.ok(!now.includes('manhattan_stats'), 'metrics.py excluded');
    assert.ok(now.includes('taxi_trips'));
    before = client.readyCount();
    await client.conn.sendNotification('workspace/didChangeConfiguration', { settings: { assetLens: {} } });
    await client.waitFor('re-index after reset', () => client.readyCount() > before);
    now = await keys();
    assert.ok(now.includes('manhattan_stats'), 'default excludes again');
  });

  test('a failing request is an error for that request only', async () => {
    await assert.rejects(
      client.conn.sendRequest('assetLens/lineage', { key: 42, direction: 'sideways' }),
      (err: unknown) => err instanceof ResponseError && err.code === -32602,
    );
    const keysAfter = await keys();
    assert.ok(keysAfter.length > 0);
  });
});

describe('server lifecycle', () => {
  test('a request cancelled while it waits for the index is answered with RequestCancelled', async () => {
    ensureBundle();
    const { root, cleanup } = copyExample('taxi');
    const client = new TestClient();
    try {
      await client.initialize(root, {}, false);
      // the initial index is still running: the request waits for it, the cancel arrives meanwhile
      const source = new CancellationTokenSource();
      const pending = client.conn.sendRequest('workspace/symbol', { query: 'taxi' }, source.token);
      source.cancel();
      await assert.rejects(pending, (err: unknown) => err instanceof ResponseError && err.code === LSPErrorCodes.RequestCancelled);
      // the server keeps answering
      const syms = await client.conn.sendRequest<SymbolInformation[]>('workspace/symbol', { query: 'taxi' });
      assert.ok(syms.some((s) => s.name === 'taxi_trips'));
    } finally {
      await client.stop();
      cleanup();
    }
  });

  test('multi-root: every workspace folder is indexed', async () => {
    ensureBundle();
    const taxi = copyExample('taxi');
    const broken = copyExample('broken');
    const client = new TestClient();
    try {
      await client.initialize([taxi.root, broken.root]);
      const infos = await client.conn.sendRequest<KeysResult>('assetLens/keys');
      assert.ok(infos.some((k) => k.key === 'taxi_trips' && k.location?.uri.startsWith(uriOf(taxi.root) + '/')));
      assert.ok(infos.some((k) => k.location?.uri.startsWith(uriOf(broken.root) + '/')), 'assets from the second folder');
      // a folder removed from the workspace
      const before = client.readyCount();
      await client.conn.sendNotification('workspace/didChangeWorkspaceFolders', {
        event: { added: [], removed: [{ uri: uriOf(broken.root), name: 'folder1' }] },
      });
      await client.waitFor('re-index after folder change', () => client.readyCount() > before);
      const after = await client.conn.sendRequest<KeysResult>('assetLens/keys');
      assert.ok(after.some((k) => k.key === 'taxi_trips'));
      assert.ok(!after.some((k) => k.location?.uri.startsWith(uriOf(broken.root) + '/')), 'the removed folder is gone');
    } finally {
      await client.stop();
      taxi.cleanup();
      broken.cleanup();
    }
  });

  test('initializationOptions.storagePath: the manifest read is kept at shutdown and the next session starts from it', async () => {
    ensureBundle();
    const { root, cleanup } = copyExample('taxi');
    const storage = mkdtempSync(join(tmpdir(), 'asset-lens-storage-'));
    const start = async () => {
      const client = new TestClient();
      await client.initialize(root, { storagePath: storage });
      return client;
    };
    try {
      const first = await start();
      const keysBefore = (await first.conn.sendRequest<KeysResult>('assetLens/keys')).map((k) => `${k.key} ${k.location?.uri}`).sort();
      assert.equal(await first.stop(), 0);
      assert.ok(readdirSync(storage).some((f) => /^manifest-read-.*\.json$/.test(f)), `kept: ${readdirSync(storage).join(', ')}`);
      const second = await start();
      try {
        await second.waitFor('the kept read used', () => second.logLines.some((l) => /manifest read kept from the last session is current/.test(l)));
        const keysAfter = (await second.conn.sendRequest<KeysResult>('assetLens/keys')).map((k) => `${k.key} ${k.location?.uri}`).sort();
        assert.deepEqual(keysAfter, keysBefore);
      } finally {
        await second.stop();
      }
    } finally {
      cleanup();
      rmSync(storage, { recursive: true, force: true });
    }
  });

  test('--code-cache: the first session writes the cache, the next runs from it with every reader working', async () => {
    ensureBundle();
    const { root, cleanup } = copyExample('taxi');
    const cacheDir = join(mkdtempSync(join(tmpdir(), 'asset-lens-global-storage-')), 'code-cache');
    const session = async () => {
      const client = new TestClient([`--code-cache=${cacheDir}`]);
      await client.initialize(root);
      return client;
    };
    // Python (tree-sitter), TypeScript (tree-sitter) and dbt assets, each with its file
    const keysOf = async (client: TestClient) =>
      (await client.conn.sendRequest<KeysResult>('assetLens/keys')).map((k) => `${k.key} ${k.location?.uri.slice(uriOf(root).length)}`).sort();
    try {
      const first = await session();
      let keysFirst: string[];
      try {
        assert.ok(first.logLines.some((l) => /code cache absent: .*serverMain-[0-9a-f]{16}\.v8cache, loaded in \d+ ms/.test(l)), first.logLines.join('\n'));
        await first.waitFor('the cache written', () => first.logLines.some((l) => /^code cache written \(\d+ KiB; it was absent\)/.test(l)));
        keysFirst = await keysOf(first);
      } finally {
        await first.stop();
      }
      assert.ok(keysFirst.includes('taxi_trips /defs/assets/trips.py'), keysFirst.join('\n'));
      assert.ok(keysFirst.some((k) => k.endsWith('.ts')), keysFirst.join('\n'));
      assert.ok(keysFirst.includes('daily_metrics /analytics/models/marts/daily_metrics.sql'), keysFirst.join('\n'));
      assert.equal(readdirSync(cacheDir).filter((f) => /^serverMain-[0-9a-f]{16}\.v8cache$/.test(f)).length, 1, readdirSync(cacheDir).join(', '));

      const second = await session();
      try {
        assert.ok(second.logLines.some((l) => /code cache used: .*serverMain-[0-9a-f]{16}\.v8cache, loaded in \d+ ms/.test(l)), second.logLines.join('\n'));
        // the readers that load .wasm grammars run from the cache too
        assert.deepEqual(await keysOf(second), keysFirst);
        assert.ok(!second.logLines.some((l) => /reader failed|could not read/.test(l)), second.logLines.join('\n'));
      } finally {
        await second.stop();
      }
    } finally {
      cleanup();
      rmSync(join(cacheDir, '..'), { recursive: true, force: true });
    }
  });

  test('--code-cache with a relative directory is ignored, and said so', async () => {
    ensureBundle();
    const { root, cleanup } = copyExample('taxi');
    try {
      const client = new TestClient(['--code-cache=relative/dir']);
      try {
        await client.initialize(root);
        assert.ok(client.logLines.some((l) => /code cache off \(--code-cache=relative\/dir ignored: not an absolute path\)/.test(l)), client.logLines.join('\n'));
        assert.ok((await client.conn.sendRequest<KeysResult>('assetLens/keys')).some((k) => k.key === 'taxi_trips'));
      } finally {
        await client.stop();
      }
    } finally {
      cleanup();
    }
  });

  test('--node-ipc (the VS Code transport) answers too', async () => {
    ensureBundle();
    const { root, cleanup } = copyExample('taxi');
    const proc = fork(serverJs, ['--node-ipc'], { silent: true });
    const conn = createProtocolConnection(new IPCMessageReader(proc), new IPCMessageWriter(proc));
    const ready = new Promise<void>((resolve) =>
      conn.onNotification('assetLens/indexStatus', (st: { state: string }) => {
        if (st.state === 'ready') resolve();
      }),
    );
    conn.onRequest('client/registerCapability', () => null);
    conn.onRequest('window/workDoneProgress/create', () => null);
    conn.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => ({})));
    conn.listen();
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
    try {
      await conn.sendRequest('initialize', { processId: process.pid, rootUri: uriOf(root), workspaceFolders: null, capabilities: {} });
      await conn.sendNotification('initialized', {});
      await ready;
      const keys = await conn.sendRequest<KeysResult>('assetLens/keys');
      assert.ok(keys.some((k) => k.key === 'daily_metrics'));
      await conn.sendRequest('shutdown');
      await conn.sendNotification('exit');
      assert.equal(await exited, 0);
    } finally {
      if (proc.exitCode === null) proc.kill();
      conn.dispose();
      cleanup();
    }
  });

  test('shutdown then exit ends the process with code 0', async () => {
    ensureBundle();
    const { root, cleanup } = copyExample('taxi');
    try {
      const client = new TestClient();
      await client.initialize(root);
      assert.equal(await client.stop(), 0);
    } finally {
      cleanup();
    }
  });
});
