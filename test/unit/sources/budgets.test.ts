/**
 * The guards that keep one pathological file from stalling the reader:
 * tree-sitter work abandoned past its budget (a zero budget makes the first
 * progress check overrun, so these tests do not depend on machine speed),
 * the nesting pre-checks for Python and YAML, and YAML's conversion to data.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Query } from 'web-tree-sitter';
import { capturesWithin, createParser, parseWithin, TooComplexError } from '../../../server/src/sources/treeSitter';
import { pythonTooDeep, MAX_PYTHON_NESTING } from '../../../server/src/sources/python/nesting';
import { readPythonFile } from '../../../server/src/sources/python';
import { yamlTooDeep, MAX_YAML_FLOW_DEPTH } from '../../../server/src/sources/yamlDepth';
import { indexSchemaYaml } from '../../../server/src/sources/dbt/schemaYaml';
import { parseDbtProjectYml } from '../../../server/src/sources/dbt/projectYml';
import { yamlToPlain } from '../../../server/src/sources/yamlPlain';
import { parseDocument } from 'yaml';

const BIG_PY = 'from dagster import AssetKey\n' + Array.from({ length: 20_000 }, (_, i) => `k${i} = AssetKey(["k${i}"])`).join('\n') + '\n';

test('a parse over its budget throws TooComplexError, and the parser then parses the next text from scratch', async () => {
  const parser = await createParser('python');
  assert.throws(() => parseWithin(parser, BIG_PY, 0), TooComplexError);
  const tree = parseWithin(parser, 'x = 1\n');
  assert.ok(tree);
  // without a reset, tree-sitter resumes the cancelled parse and returns the old file's statements
  assert.equal(tree.rootNode.toString(), '(module (expression_statement (assignment left: (identifier) right: (integer))))');
  assert.equal(tree.rootNode.endIndex, 6);
  tree.delete();
});

test('a query over its budget throws TooComplexError; within it, every capture comes back', async () => {
  const parser = await createParser('python');
  const tree = parseWithin(parser, BIG_PY)!;
  const query = new Query(parser.language!, '(call) @call');
  assert.throws(() => capturesWithin(query, tree.rootNode, 0), TooComplexError);
  assert.equal(capturesWithin(query, tree.rootNode).length, 20_000);
  tree.delete();
});

test('Python nesting: brackets in strings and comments do not count; past the limit the file is skipped with a diagnostic', async () => {
  const deep = (n: number) => 'x = ' + '('.repeat(n) + '1' + ')'.repeat(n) + '\n';
  assert.equal(pythonTooDeep(deep(MAX_PYTHON_NESTING)), false);
  assert.equal(pythonTooDeep(deep(MAX_PYTHON_NESTING + 1)), true);
  assert.equal(pythonTooDeep(`s = "${'('.repeat(500)}"\n# ${'['.repeat(500)}\nt = '''${'{'.repeat(500)}'''\n`), false);
  const facts = await readPythonFile('/w/deep.py', 'from dagster import asset\n' + deep(5000), 'deep', false);
  assert.deepEqual(facts.diagnostics.map((d) => d.code), ['file-skipped']);
  assert.match(facts.diagnostics[0].message, /too deep to index/);
});

test('YAML flow depth: quoted scalars and comments do not count; too deep files are not parsed and say so', () => {
  const deep = (n: number) => 'models:\n  - name: ' + '['.repeat(n) + ']'.repeat(n) + '\n';
  assert.equal(yamlTooDeep(deep(MAX_YAML_FLOW_DEPTH)), false);
  assert.equal(yamlTooDeep(deep(MAX_YAML_FLOW_DEPTH + 1)), true);
  assert.equal(yamlTooDeep(`a: "${'['.repeat(2000)}"\nb: '${'{'.repeat(2000)}'\n# ${'['.repeat(2000)}\n`), false);
  assert.equal(yamlTooDeep(`a: don't\nb: ${'['.repeat(2000)}\n`), true, "an apostrophe inside a plain scalar opens no string");
  const y = indexSchemaYaml(deep(5000), '/w/schema.yml');
  assert.match(y.skipped ?? '', /too deep to index/);
  assert.equal(indexSchemaYaml('models:\n  - name: m\n', '/w/schema.yml').skipped, undefined);
  const settings = parseDbtProjectYml('name: p\nmodels: ' + '{a: '.repeat(2000) + '1' + '}'.repeat(2000) + '\n');
  assert.ok(settings.skipped);
  assert.deepEqual(settings.modelPaths, ['models'], 'the defaults are used');
});

test('yamlToPlain: collection keys are dropped, scalar keys kept, an aliased value is converted once and shared', () => {
  const doc = parseDocument('a: 1\n? [x, y]\n: 2\n3: three\nb: &s {k: v}\nc: *s\n');
  const v = yamlToPlain(doc.contents, doc) as Record<string, unknown>;
  assert.deepEqual(Object.keys(v).sort(), ['3', 'a', 'b', 'c']);
  assert.deepEqual(v.b, { k: 'v' });
  assert.equal(v.b, v.c);
});
