// Runs inside a real VS Code (test-electron or code-server) on a temp copy of
// examples/taxi, with the packaged extension and its language server.
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import {
  activateExtension,
  assertIsCopy,
  completionLabels,
  definitionTargets,
  hoverText,
  openFile,
  positionAfter,
  positionIn,
  waitFor,
  workspaceRoot,
  type Api,
} from './helpers';

const METRICS = 'defs/assets/metrics.py';

suite('Asset Lens in VS Code', () => {
  let api: Api;
  let root: string;

  suiteSetup(async function () {
    this.timeout(180_000);
    root = workspaceRoot();
    api = await activateExtension();
    // the index is ready once the taxi keys are known
    let seen: string[] = [];
    try {
      await waitFor('the taxi example to be indexed', async () => {
        seen = (await api.listKeys()).map((k) => k.key);
        return seen.includes('daily_metrics') && seen.includes('manhattan_stats') ? seen : undefined;
      }, 60_000);
    } catch (err) {
      throw new Error(`${(err as Error).message}; keys indexed: ${seen.join(', ')}`);
    }
  });

  test('status bar counts the indexed assets', async () => {
    const text = await waitFor('status bar with an asset count', () => (/\$\(database\) \d+ assets?/.test(api.statusBar.item.text) ? api.statusBar.item.text : undefined));
    const n = Number(/(\d+) asset/.exec(text)![1]);
    assert.equal(n, (await api.listKeys()).length);
  });

  test('the manifest read is kept in VS Code\'s storage for the workspace, not in the workspace', async () => {
    const storage = api.storagePath;
    assert.ok(storage, 'VS Code gives the extension a storage directory for an open folder');
    assert.ok(!storage.startsWith(root), `storage ${storage} is outside the workspace ${root}`);
    // saved a moment after the first index
    const kept = await waitFor('a kept manifest read', () => {
      const files = existsSync(storage) ? readdirSync(storage).filter((f) => /^manifest-read-.*\.json$/.test(f)) : [];
      return files.length ? files : undefined;
    }, 20_000);
    const data = JSON.parse(readFileSync(join(storage, kept[0]), 'utf8'));
    assert.equal(data.manifestPath, join(root, 'analytics', 'target', 'manifest.json'));
    assert.ok(data.read.nodes.length > 0);
  });

  test("the server keeps its compiled code in the extension's storage, outside the workspace", async () => {
    // the first start writes it after the first index; a later start (a reused profile) runs from it
    const started = await waitFor('the server start line', () => api.outputLines().map((l) => /code cache (\w+): (\S+\.v8cache), loaded in \d+ ms/.exec(l)).find(Boolean) ?? undefined, 20_000);
    const [, status, file] = started;
    if (status !== 'used') await waitFor('the code cache written', () => (api.outputLines().some((l) => l.includes(`it was ${status}): ${file}`)) ? true : undefined), 20_000);
    assert.ok(existsSync(file), file);
    assert.ok(!file.startsWith(root), `${file} is outside the workspace ${root}`);
  });

  test('completion inside deps=[ offers daily_metrics', async () => {
    const editor = await openFile(root, METRICS);
    const pos = positionAfter(editor.document, /deps\s*=\s*\[/);
    const labels = await waitFor('completion items', async () => {
      const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', editor.document.uri, pos);
      const l = completionLabels(list);
      return l.some((x) => x.includes('daily_metrics')) ? l : undefined;
    }, 30_000);
    assert.ok(labels.some((l) => l.replace(/["']/g, '') === 'daily_metrics'), labels.join(', '));
    assert.ok(!labels.some((l) => l.includes('def ')), 'only asset keys');
  });

  test('go to definition on a key reference jumps to the dbt model file', async () => {
    const editor = await openFile(root, METRICS);
    const pos = positionIn(editor.document, 'daily_metrics', editor.document.getText().search(/deps\s*=\s*\[/));
    const defs = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>('vscode.executeDefinitionProvider', editor.document.uri, pos);
    const targets = definitionTargets(defs ?? []);
    assert.ok(targets.length > 0, 'a definition is found');
    const [expected] = await vscode.workspace.findFiles('**/daily_metrics.sql', '**/{target,dbt_packages}/**', 2);
    assert.ok(expected, 'the example has daily_metrics.sql');
    assert.equal(targets[0].fsPath, expected.fsPath);
  });

  test('hover on a key shows its partitions', async () => {
    const editor = await openFile(root, METRICS);
    const pos = positionIn(editor.document, 'daily_metrics', editor.document.getText().search(/deps\s*=\s*\[/));
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, pos);
    const text = hoverText(hovers ?? []);
    assert.match(text, /daily_metrics/);
    assert.match(text, /daily/i);
    assert.match(text, /90/);
  });

  test('dbt model SQL opens as jinja-sql, with Jinja settings from the language configuration', async () => {
    const [model] = await vscode.workspace.findFiles('**/models/**/stg_trips.sql', undefined, 1);
    assert.ok(model, 'the example has stg_trips.sql');
    const doc = await vscode.workspace.openTextDocument(model);
    assert.equal(doc.languageId, 'jinja-sql');
    // a .sql file outside dbt folders keeps the built-in sql language
    assertIsCopy(root);
    const scratch = join(root, 'scratch_query.sql');
    writeFileSync(scratch, "select * from {{ ref('daily_metrics') }}\n");
    try {
      const plain = await vscode.workspace.openTextDocument(vscode.Uri.file(scratch));
      assert.equal(plain.languageId, 'sql', 'plain SQL is left to other extensions');
    } finally {
      rmSync(scratch, { force: true });
    }
  });

  test('settings are contributed with defaults', () => {
    const c = vscode.workspace.getConfiguration('assetLens');
    assert.equal(c.get('manifestPath'), '');
    assert.deepEqual(c.get('python.include'), ['**/*.py']);
    assert.equal(c.get('trace.server'), 'off');
    assert.deepEqual(c.get('typescript.callNames'), {});
  });

  test('lineage tree shows taxi_trips → stg_trips → daily_metrics → manhattan_stats', async () => {
    assert.equal(await api.lineageProvider.showKey('stg_trips'), true);
    const snap = api.lineageProvider.snapshot();
    assert.equal(snap.focus, 'stg_trips');
    assert.ok(snap.upstream.some((k) => k === 'taxi_trips' || k.endsWith('/taxi_trips')), `upstream: ${snap.upstream}`);
    assert.ok(snap.downstream.includes('daily_metrics'), `downstream: ${snap.downstream}`);
    assert.ok(snap.downstream.includes('manhattan_stats'), `downstream: ${snap.downstream}`);

    // the same through the TreeDataProvider the view renders
    const [focus] = api.lineageProvider.getChildren();
    assert.equal(api.lineageProvider.getTreeItem(focus).label, 'stg_trips');
    const groups = api.lineageProvider.getChildren(focus);
    const labels = groups.map((g) => String(api.lineageProvider.getTreeItem(g).label));
    assert.ok(labels[0].startsWith('Upstream ('), labels.join());
    assert.ok(labels[1].startsWith('Downstream ('), labels.join());
    const downKeys = api.lineageProvider.getChildren(groups[1]).map((c) => String(api.lineageProvider.getTreeItem(c).label));
    assert.ok(downKeys.includes('daily_metrics'), downKeys.join());
    const dm = api.lineageProvider.getChildren(groups[1]).find((c) => api.lineageProvider.getTreeItem(c).label === 'daily_metrics')!;
    const below = api.lineageProvider.getChildren(dm).map((c) => String(api.lineageProvider.getTreeItem(c).label));
    assert.ok(below.includes('manhattan_stats'), below.join());
    const item = api.lineageProvider.getTreeItem(dm);
    assert.equal(item.command?.command, 'assetLens.openLocation');
  });

  test('lineage follows the cursor onto an asset', async () => {
    const editor = await openFile(root, METRICS);
    const pos = positionIn(editor.document, 'daily_metrics', editor.document.getText().search(/deps\s*=\s*\[/));
    editor.selection = new vscode.Selection(pos, pos);
    await waitFor('the lineage view to follow the cursor', () => (api.lineageProvider.snapshot().focus === 'daily_metrics' ? true : undefined), 10_000);
  });

  test('every command runs without throwing', async () => {
    const keys = (await vscode.commands.executeCommand<string[]>('assetLens.listKeys')) ?? [];
    assert.ok(keys.includes('daily_metrics'));
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');

    assert.equal(await vscode.commands.executeCommand('assetLens.showLineage', 'daily_metrics'), 'daily_metrics');
    assert.equal(api.lineageProvider.snapshot().focus, 'daily_metrics');

    const graph = await vscode.commands.executeCommand<{ focus?: string; nodes: string[]; edges: number }>('assetLens.showLineageGraph', 'daily_metrics');
    assert.ok(graph.nodes.includes('daily_metrics') && graph.nodes.includes('stg_trips'), graph.nodes.join());
    assert.ok(graph.edges > 0);

    assert.equal(await vscode.commands.executeCommand('assetLens.copyKey', 'manhattan_stats'), 'manhattan_stats');
    assert.equal(await vscode.env.clipboard.readText(), 'manhattan_stats');

    await vscode.commands.executeCommand('assetLens.pinLineage');
    assert.equal(api.lineageProvider.snapshot().pinned, true);
    await vscode.commands.executeCommand('assetLens.unpinLineage');
    assert.equal(api.lineageProvider.snapshot().pinned, false);
    assert.equal(await vscode.commands.executeCommand('assetLens.flipLineageDirection'), 'up');
    assert.equal(api.lineageProvider.getChildren(api.lineageProvider.getChildren()[0]).length, 1);
    await vscode.commands.executeCommand('assetLens.flipLineageDirection');
    assert.equal(await vscode.commands.executeCommand('assetLens.flipLineageDirection'), 'both');
    await vscode.commands.executeCommand('assetLens.refreshLineage');
    await vscode.commands.executeCommand('assetLens.reindex');
    await vscode.commands.executeCommand('assetLens.showOutput');
  });

  test('the asset picker opens the chosen asset where it is defined (the list has files, the range is asked for then)', async () => {
    const listed = await api.listKeys();
    assert.ok(listed.length > 5 && listed.every((k) => k.location && !('range' in k.location)), 'the list gives each asset its file only');
    const keys = (await vscode.commands.executeCommand<string[]>('assetLens.listKeys')) ?? [];
    // the first key, in the picker's order, defined below the first line of its file
    type Loc = { uri: string; range: { start: { line: number; character: number } } };
    let index = -1;
    let want: Loc | null = null;
    for (let i = 0; i < keys.length && index < 0; i++) {
      const loc = await api.client.sendRequest<Loc | null>('assetLens/location', { key: keys[i] });
      if (loc && loc.range.start.line > 0) [index, want] = [i, loc];
    }
    assert.ok(want && index > 0, `an asset after the first is defined below line 1: ${keys.join(', ')}`);
    const file = vscode.Uri.parse(want.uri).fsPath;
    for (let i = 0; i < index; i++) await vscode.commands.executeCommand('workbench.action.quickOpenSelectNext');
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    await waitFor(`${keys[index]} to open at line ${want.range.start.line + 1} of ${file}`, () => {
      const e = vscode.window.activeTextEditor;
      return e && e.document.uri.fsPath === file && e.selection.active.line === want.range.start.line ? true : undefined;
    }, 10_000);
  });

  test('a partition mismatch marks the lineage edge with a warning', async function () {
    this.timeout(120_000);
    assertIsCopy(root);
    const editor = await openFile(root, 'defs/partitions.py');
    const doc = editor.document;
    const original = doc.getText();
    const monthly = /MonthlyPartitionsDefinition\(start_date=start_date, end_date=end_date\)/.exec(original);
    assert.ok(monthly, 'the example defines the monthly partitions from end_date');
    const range = new vscode.Range(doc.positionAt(monthly.index), doc.positionAt(monthly.index + monthly[0].length));
    const taxiTripsUnderStgTrips = () => {
      const p = api.lineageProvider;
      const [focus] = p.getChildren();
      const up = p.getChildren(focus).find((g) => String(p.getTreeItem(g).label).startsWith('Upstream'));
      return up ? p.getChildren(up).map((c) => p.getTreeItem(c)).find((i) => i.label === 'taxi_trips') : undefined;
    };
    try {
      await editor.edit((e) => e.replace(range, 'MonthlyPartitionsDefinition(start_date=start_date, end_date="2023-03-01")'));
      assert.ok(await doc.save());
      const item = await waitFor('a warning on taxi_trips → stg_trips', async () => {
        await api.lineageProvider.showKey('stg_trips');
        const i = taxiTripsUnderStgTrips();
        return i && i.iconPath instanceof vscode.ThemeIcon && i.iconPath.id === 'warning' ? i : undefined;
      }, 60_000);
      const tooltip = item.tooltip instanceof vscode.MarkdownString ? item.tooltip.value : String(item.tooltip);
      assert.match(tooltip, /partition/);
    } finally {
      const whole = new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length));
      await editor.edit((e) => e.replace(whole, original));
      await doc.save();
    }
    const fixed = await waitFor('the warning to go away', async () => {
      await api.lineageProvider.showKey('stg_trips');
      const i = taxiTripsUnderStgTrips();
      return i && !(i.iconPath instanceof vscode.ThemeIcon && i.iconPath.id === 'warning') ? i : undefined;
    }, 60_000);
    assert.equal(fixed.label, 'taxi_trips');
  });

  test('diagnostics appear after saving a broken edit and go away after the fix', async function () {
    this.timeout(120_000);
    assertIsCopy(root);
    const editor = await openFile(root, METRICS);
    const doc = editor.document;
    const original = doc.getText();
    const at = original.indexOf('daily_metrics', original.search(/deps\s*=\s*\[/));
    assert.ok(at > 0);
    const range = new vscode.Range(doc.positionAt(at), doc.positionAt(at + 'daily_metrics'.length));
    try {
      await editor.edit((e) => e.replace(range, 'daily_metricz'));
      assert.ok(await doc.save());
      const diags = await waitFor('a diagnostic for the unknown key', () => {
        const d = vscode.languages.getDiagnostics(doc.uri).filter((x) => x.message.includes('daily_metricz'));
        return d.length ? d : undefined;
      }, 60_000);
      assert.equal(diags[0].range.start.line, range.start.line);
      assert.equal(diags[0].source, 'asset-lens');
    } finally {
      const whole = new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length));
      await editor.edit((e) => e.replace(whole, original));
      await doc.save();
    }
    await waitFor('the diagnostic to clear', () =>
      vscode.languages.getDiagnostics(doc.uri).some((x) => x.message.includes('daily_metricz')) ? undefined : true, 60_000);
  });

  // Last: it kills the server. The client must restart it and features come back.
  test('a killed server is restarted and completion works again', async function () {
    this.timeout(120_000);
    const proc = (api.client as unknown as { _serverProcess?: { pid?: number } })._serverProcess;
    const pid = proc?.pid;
    assert.ok(pid, 'the language server runs as a child process');
    process.kill(pid, 'SIGKILL');
    await waitFor('the client to notice the crash', () => {
      const now = (api.client as unknown as { _serverProcess?: { pid?: number } })._serverProcess?.pid;
      return now !== pid ? true : undefined;
    }, 30_000);
    const editor = await openFile(root, METRICS);
    const pos = positionAfter(editor.document, /deps\s*=\s*\[/);
    const labels = await waitFor('completion from the restarted server', async () => {
      const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', editor.document.uri, pos);
      const l = completionLabels(list);
      return l.some((x) => x.includes('daily_metrics')) ? l : undefined;
    }, 60_000);
    assert.ok(labels.length > 0);
    const newPid = (api.client as unknown as { _serverProcess?: { pid?: number } })._serverProcess?.pid;
    assert.ok(newPid && newPid !== pid, `a new server process (${newPid}) replaced ${pid}`);
    await waitFor('the client to report running', () => (api.client.isRunning() ? true : undefined), 30_000);
    // the output says so, without the language client's stray flag line after it
    const lines = api.outputLines();
    const note = lines.findIndex((l) => l.includes('Asset Lens server stopped unexpectedly; restarting (1/5)'));
    assert.ok(note >= 0, lines.slice(-20).join('\n'));
    assert.ok(!['false', 'true'].includes(lines[note + 1]), lines.slice(note, note + 3).join('\n'));
    // the new process ran from the code cache the first one wrote (its log line may reach the output after
    // its first answers: waited for, not read once)
    const cacheUsed = await waitFor('the restarted server to log its code cache', () => {
      const after = api.outputLines().slice(note);
      return after.some((l) => /code cache used: /.test(l)) ? true : undefined;
    }, 30_000).catch(() => false);
    assert.ok(cacheUsed, api.outputLines().slice(note).join('\n'));
  });
});
