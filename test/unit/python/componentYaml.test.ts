import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { readComponentYaml, jinjaToTemplate } from '../../../server/src/sources/componentYaml';
import { memorySource, textAt } from './helpers';

const ROOT = path.resolve('/ws/proj');
const FILE = path.join(ROOT, 'src/proj/defs/dbt_ingest/defs.yaml');

const YAML = `type: dagster_dbt.DbtProjectComponent

attributes:
  project: '{{ project_root }}/analytics'
  select: "tag:daily"
  exclude: "stg_zones"
  translation:
    key: "taxi_{{ node.name }}"
    group_name: analytics
`;

test('DbtProjectComponent: project, selection and an inline translator', () => {
  const fs = memorySource({ [path.join(ROOT, 'pyproject.toml')]: '', [FILE]: YAML });
  const f = readComponentYaml(FILE, YAML, fs);
  assert.ok(f);
  assert.equal(f.language, 'yaml');
  assert.equal(f.dbtBindings.length, 1);
  const b = f.dbtBindings[0];
  assert.equal(b.name, 'dbt_ingest');
  assert.equal(textAt(YAML, b.location.range), 'dagster_dbt.DbtProjectComponent');
  assert.equal(b.select, 'tag:daily');
  assert.equal(b.exclude, 'stg_zones');
  assert.equal(b.projectDir, path.join(ROOT, 'analytics'));
  assert.equal(b.translator?.kind, 'inline');
  const t = b.translator?.kind === 'inline' ? b.translator.fact : null;
  assert.deepEqual(t?.cases, [{ key: { kind: 'parts', parts: ['taxi_{name}'] } }]);
  assert.equal(t?.group, 'analytics');
});

test('project_root without a FileSource: guessed from the src/ layout; relative paths from the file', () => {
  const f = readComponentYaml(FILE, YAML);
  assert.equal(f?.dbtBindings[0].projectDir, path.join(ROOT, 'analytics'));
  const rel = `type: dagster_dbt.DbtProjectComponent\nattributes:\n  project: ../../../../analytics\n`;
  const g = readComponentYaml(FILE, rel);
  assert.equal(g?.dbtBindings[0].projectDir, path.join(ROOT, 'analytics'));
  assert.equal(g?.dbtBindings[0].select, 'fqn:*');
  assert.equal(g?.dbtBindings[0].translator, undefined);
});

test('key_prefix and key with placeholders; non-trivial templates are not evaluated', () => {
  const y = `type: dagster_dbt.DbtProjectComponent\nattributes:\n  project: /abs/dbt\n  translation:\n    key_prefix: [lake, raw]\n`;
  const a = readComponentYaml(FILE, y);
  const ta = a?.dbtBindings[0].translator;
  assert.deepEqual(ta?.kind === 'inline' && ta.fact.cases, [{ key: { kind: 'default', prefix: ['lake', 'raw'] } }]);
  const y2 = `type: dagster_dbt.DbtProjectComponent\nattributes:\n  project: /abs/dbt\n  translation:\n    key: "{{ node.config.schema }}/{{ node.name }}"\n    key_prefix: dbt\n`;
  const b = readComponentYaml(FILE, y2);
  const tb = b?.dbtBindings[0].translator;
  assert.deepEqual(tb?.kind === 'inline' && tb.fact.cases, [{ key: { kind: 'parts', parts: ['dbt', '{schema}', '{name}'] } }]);
  const y3 = `type: dagster_dbt.DbtProjectComponent\nattributes:\n  project: /abs/dbt\n  translation:\n    key: "{{ node.meta.dagster.key }}"\n`;
  const c = readComponentYaml(FILE, y3);
  const tc = c?.dbtBindings[0].translator;
  assert.equal(tc?.kind === 'inline' && tc.fact.cases, null);
  assert.match((tc?.kind === 'inline' && tc.fact.reason) || '', /node\.meta/);
});

test('jinja placeholders', () => {
  assert.equal(jinjaToTemplate('taxi_{{ node.name }}'), 'taxi_{name}');
  assert.equal(jinjaToTemplate('{{node.source_name}}_{{ node.name }}'), '{source_name}_{name}');
  assert.equal(jinjaToTemplate('{{ node.name | upper }}'), null);
  assert.equal(jinjaToTemplate('{% if x %}a{% endif %}'), null);
});

test('other YAML and broken YAML give null, never throw', () => {
  assert.equal(readComponentYaml(FILE, 'type: dagster_sling.SlingReplicationCollectionComponent\n'), null);
  assert.equal(readComponentYaml(FILE, 'type: dagster_dbt.DbtProjectComponent\nattributes: [\n  : : :'), null);
  assert.equal(readComponentYaml(FILE, ''), null);
});
