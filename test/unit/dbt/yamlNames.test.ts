import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fastEntryRange, fastYamlNames } from '../../../server/src/sources/dbt/yamlNames';
import { findEntryRange, indexSchemaYaml, NAMED_SECTIONS } from '../../../server/src/sources/dbt/schemaYaml';
import { PlaceFinder } from '../../../server/src/sources/dbt/places';
import { MemoryFileSource } from './helpers';

const REPO = join(__dirname, '..', '..', '..', '..');
const SECTIONS = NAMED_SECTIONS;

/** Asserts the fast index answers exactly as the full YAML parser for every name either one knows. Returns whether it answered. */
function agrees(text: string, label: string): boolean {
  const fast = fastYamlNames(text);
  if (!fast) return false;
  const full = indexSchemaYaml(text, 'x.yml');
  for (const section of SECTIONS) {
    const fullNames: string[] = (full.sections.get(section) ?? []).map((e) => e.name);
    const fastNames: string[] = [...(fast.sections.get(section)?.keys() ?? [])];
    for (const name of new Set<string>([...fullNames, ...fastNames])) {
      assert.deepStrictEqual(fastEntryRange(fast, section, name), findEntryRange(full, section, name), `${label}: ${section} ${name}`);
    }
  }
  const sources = new Set([...full.sources.map((s) => s.name), ...fast.sources.keys()]);
  for (const s of sources) {
    assert.deepStrictEqual(fastEntryRange(fast, 'sources', s), findEntryRange(full, 'sources', s), `${label}: source ${s}`);
    const fullTables: string[] = full.sources.find((x) => x.name === s)?.tables.map((x) => x.name) ?? [];
    const fastTables: string[] = [...(fast.sources.get(s)?.tables.keys() ?? [])];
    for (const t of new Set<string>([...fullTables, ...fastTables])) {
      assert.deepStrictEqual(fastEntryRange(fast, 'sources', s, t), findEntryRange(full, 'sources', s, t), `${label}: source ${s}.${t}`);
    }
  }
  return true;
}

function yamlFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === '.git' || name === 'out' || name === 'dist' || name === '.work') continue;
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) yamlFiles(p, out);
    else if (/\.ya?ml$/.test(name) && st.size < 1_000_000) out.push(p);
  }
  return out;
}

test('agrees with the YAML parser on every properties file in the repository', () => {
  const examples = yamlFiles(join(REPO, 'examples')).filter((f) => /\/models\//.test(f));
  const others = [...yamlFiles(join(REPO, 'examples')), ...yamlFiles(join(REPO, 'test'))].filter((f) => !examples.includes(f));
  assert.ok(examples.length > 0);
  // the example projects' properties files are written in the plain style: the fast path must cover them
  for (const f of examples) assert.ok(agrees(readFileSync(f, 'utf8'), f), `the line scanner gave up on ${f}`);
  // any other YAML (fixtures, broken files): when it answers, it answers the same
  for (const f of others) agrees(readFileSync(f, 'utf8'), f);
});

const REALISTIC = `version: 2

# the staging layer
models:
  - name: stg_orders
    description: >
      One row per order. Contains {{ doc("orders") }} and
      a line that says - name: not_a_model
    config:
      materialized: view
      tags: ['a', "b"]
    columns:
      - name: order_id
        description: "The primary key"
        data_tests:
          - unique
          - not_null
      - name: status
        data_tests:
          - accepted_values:
              values: ['placed', 'shipped']
  - name: "stg_customers"   # quoted, with a comment
    columns:
    - name: customer_id
  -   name: 'stg_payments'
  - description: name comes later
    name: stg_late
  - name: stg_orders
    description: a duplicate: the first one wins
  - name: stg_é_unicode
  - name: stg_trailing    

seeds:
- name: raw_seed
  config:
    delimiter: ","

sources:
  - name: shop
    description: |
      - name: fake
    tables:
      - name: orders
        identifier: raw_orders
      - name: "customers"
    freshness:
      warn_after: {count: 12, period: hour}
  - name: events
    tables:
    - name: clicks
    - name: views
  - name: empty_source

exposures:
  - name: weekly_report
    type: dashboard
    depends_on:
      - ref('stg_orders')
`;

test('answers plain dbt properties files, with the same ranges as the YAML parser', () => {
  assert.ok(agrees(REALISTIC, 'realistic'));
  assert.ok(agrees(REALISTIC.replace(/\n/g, '\r\n'), 'realistic CRLF'));
  assert.ok(agrees(`---\n${REALISTIC}`, 'document start'));
  const fast = fastYamlNames(REALISTIC)!;
  assert.deepEqual(fastEntryRange(fast, 'models', 'stg_customers'), { start: { line: 21, character: 10 }, end: { line: 21, character: 25 } });
  assert.equal(fastEntryRange(fast, 'models', 'not_a_model'), undefined);
  assert.equal(fastEntryRange(fast, 'models', 'order_id'), undefined);
  assert.deepEqual([...fast.sources.get('events')!.tables.keys()], ['clicks', 'views']);
  assert.equal(fastEntryRange(fast, 'sources', 'fake'), undefined);
});

test('leaves to the full parser what it cannot read the same way', () => {
  const cases = [
    'models:\n  - name: 123\n',
    'models:\n  - name: true\n',
    'models:\n  - name: null\n',
    'models:\n  - name:\n      stg_x\n',
    'models:\n  - name: stg_x\n    continued\n',
    'models:\n  - name: "a\\"b"\n',
    "models:\n  - name: 'it''s'\n",
    'models:\n  - name: m\n    versions:\n      - v: 1\n',
    'models: [{name: a}]\n',
    'models:\n  - &anchor\n    name: a\n',
    'models:\n  - <<: *base\n    name: a\n',
    '{% if x %}\nmodels:\n  - name: a\n{% endif %}\n',
    'models:\n\t- name: a\n',
    'a: 1\n---\nmodels:\n  - name: b\n',
    '\ufeffmodels:\n  - name: a\n',
    '- name: a\n',
    'models:\n  - just_a_string\n',
  ];
  for (const c of cases) assert.equal(fastYamlNames(c), undefined, JSON.stringify(c));
});

test('a generated project-sized file agrees entry for entry', () => {
  const lines = ['version: 2', '', 'models:'];
  for (let i = 0; i < 300; i++) {
    lines.push(`  - name: model_${i}`, '    description: >', `      Model ${i}: ${'words '.repeat(i % 7)}`, '    columns:');
    for (let c = 0; c < 8; c++) lines.push(`      - name: col_${c}`, `        description: "column ${c} of model ${i}"`, ...(c === 0 ? ['        data_tests:', '          - unique', '          - not_null'] : []));
  }
  assert.ok(agrees(lines.join('\n') + '\n', 'generated'));
});

test('the place finder answers through the scanner and through the full parser alike (plain file, versioned file)', () => {
  const plain = 'models:\n  - name: a\n    description: x\n  - name: "b"\nsources:\n  - name: raw\n    tables:\n      - name: t\n';
  const versioned = 'models:\n  - name: a\n    versions:\n      - v: 1\n      - v: 2\n  - name: b\n';
  assert.ok(fastYamlNames(plain) && !fastYamlNames(versioned), 'one file per path');
  const fs = new MemoryFileSource().set('/p/plain.yml', plain).set('/p/versioned.yml', versioned);
  const finder = new PlaceFinder(fs);
  const full = (file: string, text: string, section: string, name: string, table?: string) =>
    findEntryRange(indexSchemaYaml(text, file), section, name, table) ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  for (const [section, name, table] of [['models', 'a'], ['models', 'b'], ['models', 'missing'], ['sources', 'raw'], ['sources', 'raw', 't'], ['sources', 'raw', 'nope']] as const) {
    assert.deepStrictEqual(finder.entry('/p/plain.yml', section, name, table), full('/p/plain.yml', plain, section, name, table), `${section} ${name} ${table}`);
  }
  assert.deepStrictEqual(finder.entry('/p/versioned.yml', 'models', 'b'), full('/p/versioned.yml', versioned, 'models', 'b'));
  // a version picks its `- v:` entry, which only the full parser knows
  assert.deepStrictEqual(finder.entry('/p/versioned.yml', 'models', 'a', undefined, 2), { start: { line: 4, character: 11 }, end: { line: 4, character: 12 } });
  assert.deepStrictEqual(finder.entry('/p/none.yml', 'models', 'a'), { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, 'a missing file: 0:0 (the reader gives it no place at all)');
});
