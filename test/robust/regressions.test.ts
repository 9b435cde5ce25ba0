/**
 * Inputs the fuzzer and the hostile-workspace tests found, kept small and
 * exact so each bug stays fixed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readPythonFile } from '../../server/src/sources/python';
import { readDbtProjectFiles, scanSqlReferences } from '../../server/src/sources/dbt/projectFiles';
import { loadDbtProject } from '../../server/src/sources/dbt/project';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { checkOutput } from './lib/checks';
import { runInWorker } from './lib/fuzzReaders';
import { repoRoot, type Corpus } from './lib/corpus';
import type { ReaderTarget } from './lib/readerWorker';
import { MemoryFileSource } from './lib/memoryFs';
import { indexSchemaYaml } from '../../server/src/sources/dbt/schemaYaml';

// Found by the reader fuzzer (seed 7, inputs 254/268/275; seed 20261124, inputs 142/499/527):
// the parse-repair inserts closers at the end of a line, and an asset's extent
// ended inside that inserted text, past the end of the user's line.
test('Python: ranges never end past the line when half-typed code was repaired', async () => {
  const cases = [
    'from dagster import asset\n\n@asset(deps=["a"])\ndef f():\n    return g(x=',
    'from dagster import asset\n\n@asset(deps=["a"])\ndef f():\n    return g(x=\n',
    'from dagster import asset\r\n\r\n@asset(deps=["a"])\r\ndef f():\r\n    return g(x=\r\n',
    'from dagster import asset\n\n@asset(deps=["a"])\ndef f():\n    return "abc\n',
    'from dagster import asset\n\n@asset(deps=["a", "b\n',
  ];
  for (const text of cases) {
    const facts = await readPythonFile('/w/x.py', text, 'x', false);
    assert.deepEqual(checkOutput(facts, { roots: ['/w'], textOf: () => text }), [], JSON.stringify(text));
  }
  const facts = await readPythonFile('/w/x.py', cases[0], 'x', false);
  assert.equal(facts.assets.length, 1, 'the half-typed asset is still read');
});

// Found by the hostile-workspace tests: dbt_project.yml paths that leave the project.
test('dbt: model-paths and packages-install-path outside the project are not read', async () => {
  const files: Record<string, string> = {
    '/ws/proj/dbt_project.yml': 'name: proj\nmodel-paths: ["models", "../../outside/models", "/outside/models"]\npackages-install-path: "/outside"\n',
    '/ws/proj/models/a.sql': 'select 1\n',
    '/outside/models/evil.sql': 'select 2\n',
    '/outside/pkg/dbt_project.yml': 'name: evil_pkg\n',
    '/outside/pkg/models/evil_pkg_model.sql': 'select 3\n',
  };
  const fs = new MemoryFileSource('/ws', files);
  const r = readDbtProjectFiles('/ws/proj', fs);
  assert.deepEqual(r.facts.nodes.map((n) => n.name).sort(), ['a']);
  assert.deepEqual(fs.outside(), []);
  const fs2 = new MemoryFileSource('/ws', files);
  const loaded = await loadDbtProject('/ws/proj', fs2, { retryDelayMs: 0 });
  assert.deepEqual(loaded.facts.nodes.map((n) => n.name).sort(), ['a']);
  assert.deepEqual(fs2.outside(), []);
});

// Found by the hostile-workspace tests: a 100,000-deep literal in config() overflowed the stack.
test('SQL: a deeply nested config() literal neither throws nor hides the refs after it', () => {
  const deep = '{{ config(meta=' + '{"a": ['.repeat(50_000) + ']}'.repeat(50_000) + ", materialized='table') }}\nselect * from {{ ref('stg_trips') }}\n";
  const scan = scanSqlReferences(deep, '/w/m.sql');
  assert.deepEqual(scan.refs.map((r) => r.target.name), ['stg_trips']);
  const arrays = '{{ config(tags=' + '['.repeat(100_000) + ']'.repeat(100_000) + ") }}\n{{ source('raw', 'trips') }}";
  assert.deepEqual(scanSqlReferences(arrays, '/w/m.sql').sources.map((s) => s.target.table), ['trips']);
});

// Found by npm run fuzz (seed 1, dbtProject input 15524): lines of broken Jinja
// (`{{ ref(`) are nested flow maps used as keys; the yaml library stringified
// each key into the next, exponentially: 4–9 s for 4 KB, then "Invalid string
// length", and the source's properties were lost.
test('YAML: collection keys neither stall nor wipe the entry they sit in', () => {
  const text = gunzipSync(readFileSync(join(FIXTURES, 'yaml-collection-keys.yml.gz'))).toString('utf8');
  const y = indexSchemaYaml(text, '/w/models/sources.yml');
  assert.deepEqual(Object.keys(y.sources[0].value).sort(), ['description', 'name', 'schema', 'tables']);
  assert.equal(y.sources[0].value.schema, 'main');
});

// Found by the reader fuzzer (seed 5, and seed 1 of npm run fuzz): inputs on
// which a reader crawled for 9–80 s (a hang for an editor). Each must now finish inside its bound.
// The inputs are the fuzzer's exact outputs, gzipped under fixtures/.
const FIXTURES = join(repoRoot(), 'test', 'robust', 'fixtures');
const WORKER = join(__dirname, 'lib', 'readerWorker.js');
const PROJECT: Record<string, Uint8Array> = {
  '/r/p/dbt_project.yml': Buffer.from('name: p\n'),
  '/r/p/models/a.sql': Buffer.from("select * from {{ ref('b') }}\n"),
  '/r/p/models/b.sql': Buffer.from('select 1\n'),
};
const crawlers: [string, ReaderTarget, string, number][] = [
  // tree-sitter's query cursor on deeply nested broken Python (python input 660)
  ['python-query-crawl.py.gz', 'python', '/r/defs/schedules.py', 9_000],
  // tree-sitter-typescript's error recovery (workspace input 1322)
  ['typescript-parse-crawl.ts.gz', 'typescript', '/r/ts/partitions.ts', 12_000],
  // the yaml library on 15,000-deep flow collections (dbtProject input 1237)
  ['yaml-deep-flow.yml.gz', 'dbtProject', '/r/p/models/schema.yml', 12_000],
  // nested ref( calls rescanned per call: quadratic (sql input 1751)
  ['sql-nested-refs.sql.gz', 'sql', '/r/p/models/stg_trips.sql', 12_000],
  // namedChild(i) per child, quadratic over a module of thousands of statements: 9 s, now 0.5 (npm run fuzz seed 1, python input 7107)
  ['python-many-children.py.gz', 'python', '/r/defs/assets/metrics.py', 4_000],
];
for (const [fixture, target, path, bound] of crawlers) {
  test(`${target}: ${fixture} finishes within ${bound / 1000} s`, async () => {
    const content = gunzipSync(readFileSync(join(FIXTURES, fixture))).toString('utf8');
    const corpus = { root: '/r', exampleDir: '', base: PROJECT, seeds: {} as Corpus['seeds'], spliceTexts: [] };
    const r = await runInWorker(WORKER, corpus, { kind: 'run', id: 1, target, path, content }, bound);
    assert.ok(!r.hung, `${fixture}: no answer within ${bound} ms`);
    assert.ok(r.ok, r.error);
    assert.deepEqual(r.violations, []);
  });
}
