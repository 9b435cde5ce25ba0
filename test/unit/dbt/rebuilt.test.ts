import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { readDbtProjectFiles } from '../../../server/src/sources/dbt/projectFiles';
import { MANIFEST_DIR, MemoryFileSource } from './helpers';

/**
 * Rebuilds a dbt project's files from a real manifest (the SQL is the
 * manifest's raw_code; source, version and YAML-snapshot declarations are
 * written as properties YAML), reads them with the file reader and checks
 * that it finds what dbt found: the same asset nodes, fqns and depends_on.
 */
type Raw = Record<string, any>;

function rebuild(manifestFile: string): { fs: MemoryFileSource; root: string; expected: Raw[] } {
  const m = JSON.parse(readFileSync(manifestFile, 'utf8'));
  const project: string = m.metadata.project_name;
  const root = '/rebuilt/' + project;
  const fs = new MemoryFileSource().set(`${root}/dbt_project.yml`, `name: ${project}\n`);
  const own = (n: Raw): boolean => n.package_name === project;
  const expected: Raw[] = [];
  const versions = new Map<string, { latest: unknown; versions: unknown[] }>();
  const yamlSnapshots = new Map<string, string[]>();
  for (const n of Object.values<Raw>(m.nodes)) {
    if (!own(n) || !['model', 'seed', 'snapshot'].includes(n.resource_type)) continue;
    expected.push(n);
    const file = `${root}/${n.original_file_path}`;
    const code: string = n.raw_code ?? n.raw_sql ?? '';
    if (n.resource_type === 'seed') fs.set(file, 'id,name\n1,a\n');
    else if (n.resource_type === 'snapshot' && file.endsWith('.yml')) {
      const relation = code.replace(/^select \* from \{\{\s*/, '').replace(/\s*\}\}\s*$/, '');
      yamlSnapshots.set(file, [...(yamlSnapshots.get(file) ?? []), `  - name: ${n.name}\n    relation: "${relation}"\n`]);
    } else if (n.resource_type === 'snapshot') fs.set(file, `{% snapshot ${n.name} %}\n${code}\n{% endsnapshot %}\n`);
    else fs.set(file, code);
    if (n.version !== null && n.version !== undefined) {
      const v = versions.get(n.name) ?? { latest: n.latest_version as unknown, versions: [] as unknown[] };
      v.versions.push(n.version);
      versions.set(n.name, v);
    }
  }
  const sources = new Map<string, string[]>();
  for (const s of Object.values<Raw>(m.sources)) if (own(s)) sources.set(s.source_name, [...(sources.get(s.source_name) ?? []), s.name]);
  let yml = 'version: 2\nsources:\n';
  for (const [s, tables] of sources) yml += `  - name: ${s}\n    tables:\n` + tables.map((t) => `      - name: ${t}\n`).join('');
  yml += 'models:\n';
  for (const [name, v] of versions) {
    yml += `  - name: ${name}\n    latest_version: ${v.latest}\n    versions:\n` + v.versions.map((x) => `      - v: ${x}\n`).join('');
  }
  fs.set(`${root}/models/_rebuilt.yml`, yml);
  for (const [file, entries] of yamlSnapshots) fs.set(file, 'snapshots:\n' + entries.join(''));
  return { fs, root, expected };
}

for (const name of [
  'astronomer-cosmos__jaffle_shop.json',
  'astronomer-cosmos__model_version_v10.json',
  'godatadriven-dbt-bouncer__dbt_project_1.12.json',
  'more/dbt-core__state_v12.json',
]) {
  test(`file reader agrees with dbt on the project behind ${name}`, () => {
    const { fs, root, expected } = rebuild(path.join(MANIFEST_DIR, name));
    const { facts } = readDbtProjectFiles(root, fs);
    const got = new Map(facts.nodes.map((n) => [n.uniqueId, n]));
    assert.ok(expected.length > 0);
    for (const n of expected) {
      const g = got.get(n.unique_id);
      assert.ok(g, `missing ${n.unique_id}`);
      assert.deepEqual([...g.dependsOn].sort(), [...new Set<string>(n.depends_on.nodes)].sort(), n.unique_id);
      assert.deepEqual(g.fqn, n.fqn, n.unique_id);
      assert.equal(g.originalFilePath, n.original_file_path, n.unique_id);
      if (n.version !== null && n.version !== undefined) assert.equal(String(g.version), String(n.version));
    }
    const assetIds = facts.nodes.filter((n) => ['model', 'seed', 'snapshot'].includes(n.resourceType)).map((n) => n.uniqueId).sort();
    assert.deepEqual(assetIds, expected.map((n) => n.unique_id).sort());
  });
}
