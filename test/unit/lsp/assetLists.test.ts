import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeWorkspace } from '../../../server/src/analysis/buildGraph';
import { loadDbtProject } from '../../../server/src/sources/dbt/project';
import { assetLocation, keysList, neighbourhood } from '../../../server/src/lsp/customRequests';
import { resolveWorkspaceSymbol, workspaceSymbols } from '../../../server/src/lsp/symbols';
import { pathToUri } from '../../../server/src/lsp/convert';
import type { IndexSnapshot } from '../../../server/src/lsp/snapshot';
import type { WorkspaceSymbol } from 'vscode-languageserver';
import { MemoryFileSource } from '../dbt/helpers';

// Lists of every asset (the key picker, the whole graph, workspace symbols) give
// each asset's file without its range: a manifest node's range is found by
// reading its file, so a list that ranged every entry read the whole project.

const ROOT = '/w/shop';
const MODELS = 40;
const SCHEMA = `${ROOT}/models/schema.yml`;

/** Reads of project files (everything but the manifest and dbt_project.yml). */
function projectReads(fs: MemoryFileSource): number {
  let n = 0;
  for (const [p, c] of fs.readsOf) if (p.endsWith('.sql') || p === SCHEMA) n += c;
  return n;
}

function shop(): MemoryFileSource {
  const name = (i: number) => `m${String(i).padStart(2, '0')}`;
  const nodes: Record<string, unknown> = {};
  const fs = new MemoryFileSource();
  for (let i = 0; i < MODELS; i++) {
    const deps = i ? [name(i - 1)] : [];
    nodes[`model.shop.${name(i)}`] = {
      unique_id: `model.shop.${name(i)}`,
      resource_type: 'model',
      name: name(i),
      package_name: 'shop',
      original_file_path: `models/${name(i)}.sql`,
      fqn: ['shop', name(i)],
      config: { materialized: 'view' },
      depends_on: { nodes: deps.map((d) => `model.shop.${d}`) },
      refs: deps.map((d) => ({ name: d, package: null, version: null })),
      sources: i ? [] : [['raw', 'orders']],
      description: `model ${i}`,
    };
    fs.set(`${ROOT}/models/${name(i)}.sql`, `\n\n  select * from ${i ? `{{ ref('${name(i - 1)}') }}` : "{{ source('raw', 'orders') }}"}\n`, 100);
  }
  const sources = {
    'source.shop.raw.orders': {
      unique_id: 'source.shop.raw.orders',
      resource_type: 'source',
      name: 'orders',
      source_name: 'raw',
      package_name: 'shop',
      original_file_path: 'models/schema.yml',
      fqn: ['shop', 'raw', 'orders'],
    },
  };
  fs.set(`${ROOT}/dbt_project.yml`, 'name: shop\n', 100)
    .set(SCHEMA, 'version: 2\nsources:\n  - name: raw\n    tables:\n      - name: other\n      - name: orders\n', 100)
    .set(
      `${ROOT}/target/manifest.json`,
      JSON.stringify({
        metadata: { dbt_schema_version: 'https://schemas.getdbt.com/dbt/manifest/v12.json', dbt_version: '1.9.2', project_name: 'shop' },
        nodes,
        sources,
      }),
      500,
    );
  return fs;
}

async function indexed(): Promise<{ fs: MemoryFileSource; s: IndexSnapshot }> {
  const fs = shop();
  const { facts, diagnostics } = await loadDbtProject(ROOT, fs);
  assert.equal(facts.origin, 'manifest');
  const { graph, edgeProblems } = analyzeWorkspace({ dbtProjects: [facts], codeFiles: [], readerDiagnostics: diagnostics });
  return { fs, s: { version: 1, graph, diagnostics: new Map(), dbtProjects: [facts], edgeProblems } };
}

test('the key list, the whole graph and workspace symbols read no project file; the range of the one asset opened is found then', async () => {
  const { fs, s } = await indexed();
  assert.equal(projectReads(fs), 0, 'indexing a manifest reads no model file');

  const keys = keysList(s);
  assert.equal(keys.length, MODELS + 1);
  const graph = neighbourhood(s, undefined);
  assert.equal(graph.nodes.length, MODELS + 1);
  const symbols = workspaceSymbols(s, '', undefined, { lazyRanges: true }) as WorkspaceSymbol[];
  assert.equal(symbols.length, MODELS + 1);
  assert.equal(projectReads(fs), 0, 'listing every asset reads nothing');

  // each entry: its file, no range, no description
  const m07 = keys.find((k) => k.key === 'm07')!;
  assert.deepEqual(m07.location, { uri: pathToUri(`${ROOT}/models/m07.sql`) });
  assert.equal(m07.description, undefined);
  assert.ok(graph.nodes.every((n) => n.location && !('range' in n.location)));
  const orders = symbols.find((x) => x.name === 'raw/orders')!;
  assert.deepEqual(orders.location, { uri: pathToUri(SCHEMA) });
  assert.deepEqual(orders.data, { key: 'raw/orders' });

  // opening one: only its file is read, and the range is where it is written
  const loc = assetLocation(s, 'm07')!;
  assert.equal(loc.uri, pathToUri(`${ROOT}/models/m07.sql`));
  assert.deepEqual(loc.range.start, { line: 2, character: 2 }, 'the first line of SQL, after the blank ones');
  const resolved = resolveWorkspaceSymbol(s, orders);
  assert.equal(resolved.location.uri, pathToUri(SCHEMA));
  assert.equal((resolved.location as { range: { start: { line: number } } }).range.start.line, 5, 'the `- name: orders` entry');
  assert.equal(projectReads(fs), 2);
  assert.deepEqual([...fs.readsOf.keys()].filter((p) => p.endsWith('.sql') || p === SCHEMA).sort(), [`${ROOT}/models/m07.sql`, SCHEMA]);

  // a key that is gone (the index changed since the list): no location, the symbol unchanged
  assert.equal(assetLocation(s, 'nope'), null);
  const gone = { name: 'gone', kind: 5, location: { uri: pathToUri(SCHEMA) }, data: { key: 'gone' } } as WorkspaceSymbol;
  assert.deepEqual(resolveWorkspaceSymbol(s, gone), gone);
});

test('a client that cannot resolve symbol ranges gets them in the list, which reads the files of the symbols listed', async () => {
  const { fs, s } = await indexed();
  const symbols = workspaceSymbols(s, 'm0')!;
  assert.ok(symbols.length > 1 && symbols.length < MODELS, `${symbols.length} symbols`);
  for (const x of symbols) assert.ok('range' in x.location, x.name);
  assert.equal(projectReads(fs), symbols.length);
});
