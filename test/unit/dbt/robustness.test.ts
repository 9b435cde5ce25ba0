import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonErrorOffset } from '../../../server/src/sources/dbt/jsonError';
import { indexSchemaYaml } from '../../../server/src/sources/dbt/schemaYaml';
import { readDbtProjectFiles } from '../../../server/src/sources/dbt/projectFiles';
import { loadDbtProject } from '../../../server/src/sources/dbt/project';
import { MemoryFileSource, sliceRange } from './helpers';

const b = (s: string): Uint8Array => Buffer.from(s, 'utf8');

test('jsonErrorOffset: byte offsets, not UTF-16 offsets', () => {
  assert.equal(jsonErrorOffset(b('{"a": 1,')), 8);
  assert.equal(jsonErrorOffset(b('{"ü€": tru}')), b('{"ü€": tru').length);
  assert.equal(jsonErrorOffset(b('[1, 2]]')), 6);
  assert.equal(jsonErrorOffset(b('{"a" 1}')), 5);
  assert.equal(jsonErrorOffset(b('')), 0);
  assert.equal(jsonErrorOffset(b('\ufeff{"a": "x\n"}')), b('\ufeff{"a": "x').length);
  assert.equal(jsonErrorOffset(b('{"a": -}')), 7);
});

test('properties YAML with Jinja, tabs or syntax errors is indexed as far as possible', () => {
  const text = [
    'version: 2',
    'models:',
    '  - name: good',
    "    description: '{{ doc(\"good\") }}'",
    '  - name: [broken',
    'sources:',
    '  - name: src',
    '    tables:',
    '      - name: t1',
    '      - name:',
    '      - name: t2',
  ].join('\n');
  const idx = indexSchemaYaml(text, '/p/models/x.yml');
  assert.ok(idx.sections.get('models')!.some((e) => e.name === 'good'));
  for (const junk of ['\t- :', ':::', '{{ x }}', '- a\n- b', '']) assert.doesNotThrow(() => indexSchemaYaml(junk, '/p/y.yml'));
  const ok = indexSchemaYaml('sources:\n  - name: src\n    tables:\n      - name: t1\n      - name: t2\n', '/p/s.yml');
  assert.deepEqual(ok.sources[0].tables.map((t) => t.name), ['t1', 't2']);
  assert.equal(sliceRange('sources:\n  - name: src\n    tables:\n      - name: t1\n      - name: t2\n', ok.sources[0].tables[1].nameRange), 't2');
});

test('a broken dbt_project.yml and binary junk do not stop the reader', async () => {
  const fs = new MemoryFileSource()
    .set('/j/dbt_project.yml', 'name: [unclosed\nmodels: {')
    .set('/j/models/a.sql', "select {{ ref('b') }}")
    .set('/j/models/b.sql', new Uint8Array([0, 255, 254, 10, 123, 123]))
    .set('/j/models/bad.yml', 'models:\n  - name: a\n    config: [\n')
    .set('/j/target/manifest.json', new Uint8Array([0xff, 0xfe, 0]));
  const r = readDbtProjectFiles('/j', fs);
  assert.deepEqual(r.facts.nodes.map((n) => n.uniqueId).sort(), ['model.j.a', 'model.j.b']);
  const loaded = await loadDbtProject('/j', fs, { retryDelayMs: 1 });
  assert.equal(loaded.facts.origin, 'files');
  assert.equal(loaded.diagnostics[0].code, 'manifest-invalid');
  assert.equal(loaded.diagnostics[0].message, 'manifest.json is not valid JSON at byte 0; using project files');
});
