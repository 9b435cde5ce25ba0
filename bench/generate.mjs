// Deterministic generators for the benchmark workspaces (bench/.work/).
// A workspace is generated once per (kind, size, GENERATOR_VERSION) and
// reused: a `.done` stamp holds the facts run.mjs needs (paths, counts).
//
//   node bench/generate.mjs            generate every workspace run.mjs uses
//   node bench/generate.mjs dbt 10000  one dbt project with 10k manifest nodes
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { v12NodeConfig } from '../scripts/lib/v12NodeConfig.mjs';

export const GENERATOR_VERSION = 3;
export const WORK = join(dirname(fileURLToPath(import.meta.url)), '.work');

// ---------------------------------------------------------------- randomness

/** mulberry32: small, fast, seeded; the same seed gives the same workspace. */
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (list) => list[Math.floor(next() * list.length)],
  };
}

const WORDS = (
  'order customer payment invoice account session event product store region channel campaign ad click impression ' +
  'refund shipment warehouse supplier inventory price discount subscription plan user device country currency ledger ' +
  'balance transfer merchant partner contract lead opportunity ticket agent review rating visit page search cart ' +
  'line item status amount revenue cost margin quantity weight date time hour day week month year source target'
).split(' ');

const SENTENCE_PARTS = [
  'The unique identifier of the',
  'Timestamp (UTC) when the',
  'Foreign key to the',
  'Total amount in the reporting currency for the',
  'Flag set when the',
  'Number of distinct',
  'Normalised name of the',
  'Status of the',
  'One row per',
  'Aggregated daily metrics for each',
];

function sentence(r, words = 12) {
  const out = [r.pick(SENTENCE_PARTS)];
  for (let i = 0; i < words; i++) out.push(r.pick(WORDS));
  return out.join(' ') + '.';
}

function paragraph(r, sentences) {
  const out = [];
  for (let i = 0; i < sentences; i++) out.push(sentence(r, r.int(6, 18)));
  return out.join(' ');
}

function columnNames(r, n) {
  const names = new Set(['id']);
  while (names.size < n) names.add(`${r.pick(WORDS)}_${r.pick(WORDS)}${names.size > 40 ? names.size : ''}`);
  return [...names];
}

// ---------------------------------------------------------------- files

/** Buffered writer: manifests reach hundreds of MB, so never build them as one string. */
class Out {
  constructor(path) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'w');
    this.parts = [];
    this.size = 0;
    this.total = 0;
  }
  write(s) {
    this.parts.push(s);
    this.size += s.length;
    if (this.size > 1 << 22) this.flush();
  }
  flush() {
    if (!this.parts.length) return;
    const buf = Buffer.from(this.parts.join(''), 'utf8');
    writeSync(this.fd, buf);
    this.total += buf.length;
    this.parts = [];
    this.size = 0;
  }
  close() {
    this.flush();
    closeSync(this.fd);
    return this.total;
  }
}

function writeFile(path, text) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

// ---------------------------------------------------------------- dbt

const PROJECT = 'bench_warehouse';
const DB = 'analytics';
const SCHEMA = 'dbt_bench';
const MODELS_PER_DIR = 25;
const TABLES_PER_SOURCE = 10;

function relationName(name) {
  return `"${DB}"."${SCHEMA}"."${name}"`;
}

function checksum(r) {
  let s = '';
  for (let i = 0; i < 8; i++) s += Math.floor(r.next() * 0xffffffff).toString(16).padStart(8, '0');
  return { name: 'sha256', checksum: s };
}

function columnsObject(r, names) {
  const cols = {};
  for (const name of names) {
    cols[name] = {
      name,
      description: sentence(r, r.int(2, 10)),
      meta: {},
      data_type: r.pick(['varchar', 'bigint', 'timestamp', 'numeric(18,2)', 'boolean', null]),
      constraints: [],
      quote: null,
      config: { meta: {}, tags: [] },
      tags: [],
      granularity: null,
      doc_blocks: [],
    };
  }
  return cols;
}

/** A model's SQL: CTEs over its parents, a select list over its columns. 1–4 KB. */
function modelSql(r, parents, cols) {
  const lines = ['{{ config(materialized=' + JSON.stringify(r.pick(['view', 'table', 'incremental'])) + ') }}', ''];
  const ctes = [];
  parents.forEach((p, i) => {
    const from = p.kind === 'source' ? `{{ source('${p.sourceName}', '${p.name}') }}` : `{{ ref('${p.name}') }}`;
    ctes.push(`p${i} as (\n\n    select\n${cols.slice(0, r.int(3, cols.length)).map((c) => `        ${c}`).join(',\n')}\n    from ${from}\n    where ${r.pick(cols)} is not null\n\n)`);
  });
  lines.push('with ' + ctes.join(',\n\n') + ',');
  lines.push('', 'final as (', '', '    select');
  lines.push(cols.map((c, i) => `        ${i % 3 === 0 ? `coalesce(p0.${c}, 0)` : `p0.${c}`} as ${c}`).join(',\n'));
  lines.push('    from p0');
  for (let i = 1; i < parents.length; i++) lines.push(`    left join p${i} on p0.id = p${i}.id`);
  lines.push(`    -- ${sentence(r, 10)}`, '', ')', '', 'select * from final', '');
  return lines.join('\n');
}

function compile(sql, sources) {
  return sql
    .replace(/\{\{ config\([^}]*\) \}\}\n/, '')
    .replace(/\{\{ ref\('([^']+)'\) \}\}/g, (_, n) => relationName(n))
    .replace(/\{\{ source\('([^']+)', '([^']+)'\) \}\}/g, (_, s, t) => `"raw"."${s}"."${t}"`)
    .replace(/\n\n+/g, (m) => (sources ? m : '\n\n'));
}

/**
 * A dbt project with `nodes` manifest nodes (models 50%, tests 40%, seeds
 * 5%, snapshots 5%; plus sources = 5% of nodes), its SQL / YAML files and
 * target/manifest.json in the v12 shape. Models form a layered DAG:
 * staging reads one source, intermediate reads 2–4 earlier models, marts 2–6.
 */
export function generateDbtProject(dir, nodes, seed = 1) {
  const r = rng(seed);
  const nModels = Math.round(nodes * 0.5);
  const nSeeds = Math.round(nodes * 0.05);
  const nSnapshots = Math.round(nodes * 0.05);
  const nTests = nodes - nModels - nSeeds - nSnapshots;
  const nSources = Math.max(TABLES_PER_SOURCE, Math.round(nodes * 0.05));

  rmSync(dir, { recursive: true, force: true });
  writeFile(
    join(dir, 'dbt_project.yml'),
    `name: ${PROJECT}\nversion: "1.0.0"\nconfig-version: 2\nprofile: ${PROJECT}\n\nmodel-paths: ["models"]\nseed-paths: ["seeds"]\nsnapshot-paths: ["snapshots"]\n\nmodels:\n  ${PROJECT}:\n    +materialized: view\n`,
  );

  // --- sources
  const sources = [];
  const sourceYaml = new Map();
  for (let i = 0; i < nSources; i++) {
    const sourceName = `src_${String(Math.floor(i / TABLES_PER_SOURCE)).padStart(3, '0')}`;
    const name = `${r.pick(WORDS)}_${r.pick(WORDS)}_${i}`;
    const cols = columnNames(r, r.int(5, 15));
    const rel = `models/staging/${sourceName}/_${sourceName}__sources.yml`;
    sources.push({ kind: 'source', uniqueId: `source.${PROJECT}.${sourceName}.${name}`, sourceName, name, cols, rel, description: sentence(r, 14) });
    const y = sourceYaml.get(rel) ?? { sourceName, tables: [] };
    y.tables.push(sources[sources.length - 1]);
    sourceYaml.set(rel, y);
  }
  for (const [rel, y] of sourceYaml) {
    const lines = ['version: 2', '', 'sources:', `  - name: ${y.sourceName}`, `    description: "${sentence(r, 10)}"`, '    tables:'];
    for (const t of y.tables) {
      lines.push(`      - name: ${t.name}`, `        description: "${t.description}"`, '        columns:');
      for (const c of t.cols) lines.push(`          - name: ${c}`, `            description: "${sentence(r, 8)}"`);
    }
    writeFile(join(dir, rel), lines.join('\n') + '\n');
  }

  // --- models, in layers
  const models = [];
  const layerOf = (i) => (i < nModels * 0.4 ? 'staging' : i < nModels * 0.75 ? 'intermediate' : 'marts');
  const prefix = { staging: 'stg', intermediate: 'int', marts: 'fct' };
  for (let i = 0; i < nModels; i++) {
    const layer = layerOf(i);
    const sub = `${layer.slice(0, 3)}_${String(Math.floor(i / MODELS_PER_DIR)).padStart(4, '0')}`;
    const name = `${prefix[layer]}_${r.pick(WORDS)}_${r.pick(WORDS)}_${i}`;
    let parents;
    if (layer === 'staging') parents = [sources[i % sources.length]];
    else {
      const n = layer === 'intermediate' ? r.int(2, 4) : r.int(2, 6);
      const pool = Math.floor(layer === 'intermediate' ? nModels * 0.4 : nModels * 0.75);
      const set = new Set();
      while (set.size < Math.min(n, pool)) set.add(models[Math.floor(r.next() * Math.min(pool, i))]);
      parents = [...set];
    }
    const cols = columnNames(r, r.int(4, 16));
    const sql = modelSql(r, parents, cols);
    const relDir = `models/${layer}/${sub}`;
    models.push({ kind: 'model', uniqueId: `model.${PROJECT}.${name}`, name, layer, sub, relDir, rel: `${relDir}/${name}.sql`, parents, cols, sql, description: paragraph(r, r.int(1, 4)) });
  }
  const byDir = new Map();
  for (const m of models) {
    writeFile(join(dir, m.rel), m.sql);
    const list = byDir.get(m.relDir) ?? [];
    list.push(m);
    byDir.set(m.relDir, list);
  }
  // schema.yml per directory: descriptions, columns, the generic tests below
  const tests = [];
  const testNames = ['not_null', 'unique', 'accepted_values', 'relationships'];
  for (let t = 0; t < nTests; t++) {
    const m = models[t % models.length];
    const kind = testNames[Math.floor(t / models.length) % testNames.length];
    const col = m.cols[(t * 7) % m.cols.length];
    const name = `${kind}_${m.name}_${col}`.slice(0, 120);
    tests.push({ kind, model: m, col, name, uniqueId: `test.${PROJECT}.${name}.${(t * 2654435761 >>> 0).toString(16).slice(0, 10)}` });
  }
  const testsByModel = new Map();
  for (const t of tests) {
    const list = testsByModel.get(t.model) ?? [];
    list.push(t);
    testsByModel.set(t.model, list);
  }
  for (const [relDir, list] of byDir) {
    const lines = ['version: 2', '', 'models:'];
    for (const m of list) {
      lines.push(`  - name: ${m.name}`, `    description: >`, `      ${m.description}`, '    columns:');
      const mtests = testsByModel.get(m) ?? [];
      for (const c of m.cols) {
        lines.push(`      - name: ${c}`, `        description: "${sentence(r, 8)}"`);
        const ct = mtests.filter((t) => t.col === c);
        if (ct.length) {
          lines.push('        data_tests:');
          for (const t of ct) {
            if (t.kind === 'accepted_values') lines.push("          - accepted_values:", "              values: ['a', 'b', 'c']");
            else if (t.kind === 'relationships') lines.push('          - relationships:', `              to: ref('${m.parents[0].name}')`, '              field: id');
            else lines.push(`          - ${t.kind}`);
          }
        }
      }
    }
    writeFile(join(dir, relDir, 'schema.yml'), lines.join('\n') + '\n');
  }

  // --- seeds and snapshots
  const seeds = [];
  for (let i = 0; i < nSeeds; i++) {
    const name = `seed_${r.pick(WORDS)}_${i}`;
    const cols = columnNames(r, r.int(3, 8));
    const rel = `seeds/seed_${String(Math.floor(i / 50)).padStart(3, '0')}/${name}.csv`;
    writeFile(join(dir, rel), cols.join(',') + '\n' + cols.map((_, j) => j).join(',') + '\n');
    seeds.push({ name, rel, cols, uniqueId: `seed.${PROJECT}.${name}`, description: sentence(r, 10) });
  }
  const snapshots = [];
  for (let i = 0; i < nSnapshots; i++) {
    const name = `snap_${r.pick(WORDS)}_${i}`;
    const parent = models[(i * 13) % models.length];
    const rel = `snapshots/snap_${String(Math.floor(i / 50)).padStart(3, '0')}/${name}.sql`;
    const sql = `{% snapshot ${name} %}\n\n{{ config(target_schema='snapshots', unique_key='id', strategy='timestamp', updated_at='updated_at') }}\n\nselect * from {{ ref('${parent.name}') }}\n\n{% endsnapshot %}\n`;
    writeFile(join(dir, rel), sql);
    snapshots.push({ name, rel, parent, sql, uniqueId: `snapshot.${PROJECT}.${name}` });
  }

  // --- manifest.json (v12 shape)
  const out = new Out(join(dir, 'target', 'manifest.json'));
  out.write(
    '{"metadata": ' +
      JSON.stringify({
        dbt_schema_version: 'https://schemas.getdbt.com/dbt/manifest/v12.json',
        dbt_version: '1.9.4',
        generated_at: '2026-01-01T00:00:00.000000Z',
        invocation_id: '00000000-0000-4000-8000-000000000000',
        env: {},
        project_name: PROJECT,
        project_id: 'c3b8e1c1f5e2f3a4b5c6d7e8f9a0b1c2',
        user_id: null,
        send_anonymous_usage_stats: false,
        adapter_type: 'postgres',
      }) +
      ', "nodes": {',
  );
  let first = true;
  const emit = (id, obj) => {
    out.write((first ? '' : ', ') + JSON.stringify(id) + ': ' + JSON.stringify(obj));
    first = false;
  };
  const parentMap = {};
  const childMap = {};
  const link = (child, parent) => {
    (parentMap[child] ??= []).push(parent);
    (childMap[parent] ??= []).push(child);
  };
  const base = (kind, name, rel, path, fqn, uniqueId) => ({
    database: DB,
    schema: SCHEMA,
    name,
    resource_type: kind,
    package_name: PROJECT,
    path,
    original_file_path: rel,
    unique_id: uniqueId,
    fqn,
    alias: name,
    checksum: checksum(r),
  });
  for (const m of models) {
    const refs = m.parents.filter((p) => p.kind === 'model').map((p) => ({ name: p.name, package: null, version: null }));
    const srcs = m.parents.filter((p) => p.kind === 'source').map((p) => [p.sourceName, p.name]);
    const deps = m.parents.map((p) => p.uniqueId);
    for (const d of deps) link(m.uniqueId, d);
    emit(m.uniqueId, {
      ...base('model', m.name, m.rel, m.rel.slice('models/'.length), [PROJECT, m.layer, m.sub, m.name], m.uniqueId),
      config: v12NodeConfig('view'),
      tags: [],
      description: m.description,
      columns: columnsObject(r, m.cols),
      meta: {},
      group: null,
      docs: { show: true, node_color: null },
      patch_path: `${PROJECT}://${m.relDir}/schema.yml`,
      build_path: null,
      unrendered_config: { materialized: 'view' },
      created_at: 1767225600.123,
      relation_name: relationName(m.name),
      raw_code: m.sql,
      doc_blocks: [],
      language: 'sql',
      refs,
      sources: srcs,
      metrics: [],
      functions: [],
      depends_on: { macros: ['macro.dbt.is_incremental'], nodes: deps },
      compiled_path: `target/compiled/${PROJECT}/${m.rel}`,
      compiled: true,
      compiled_code: compile(m.sql, true),
      extra_ctes_injected: true,
      extra_ctes: [],
      contract: { enforced: false, alias_types: true, checksum: null },
      access: 'protected',
      constraints: [],
      version: null,
      latest_version: null,
      deprecation_date: null,
      primary_key: ['id'],
      time_spine: null,
    });
  }
  for (const t of tests) {
    link(t.uniqueId, t.model.uniqueId);
    const raw = `{{ test_${t.kind}(**_dbt_generic_test_kwargs) }}`;
    emit(t.uniqueId, {
      ...base('test', t.name, `${t.model.relDir}/schema.yml`, `${t.name}.sql`, [PROJECT, t.model.layer, t.model.sub, t.name], t.uniqueId),
      config: { enabled: true, alias: null, schema: 'dbt_test__audit', database: null, tags: [], meta: {}, group: null, materialized: 'test', severity: 'ERROR', store_failures: null, store_failures_as: null, where: null, limit: null, fail_calc: 'count(*)', warn_if: '!= 0', error_if: '!= 0' },
      tags: [],
      description: '',
      columns: {},
      meta: {},
      group: null,
      docs: { show: true, node_color: null },
      patch_path: null,
      build_path: null,
      unrendered_config: {},
      created_at: 1767225600.123,
      relation_name: null,
      raw_code: raw,
      doc_blocks: [],
      language: 'sql',
      refs: [{ name: t.model.name, package: null, version: null }],
      sources: [],
      metrics: [],
      functions: [],
      depends_on: { macros: [`macro.dbt.test_${t.kind}`, 'macro.dbt.get_where_subquery'], nodes: [t.model.uniqueId] },
      compiled_path: `target/compiled/${PROJECT}/${t.model.relDir}/schema.yml/${t.name}.sql`,
      compiled: true,
      compiled_code: `\n    \n    \n\n\n\nselect ${t.col}\nfrom ${relationName(t.model.name)}\nwhere ${t.col} is null\n\n\n`,
      extra_ctes_injected: true,
      extra_ctes: [],
      contract: { enforced: false, alias_types: true, checksum: null },
      column_name: t.col,
      file_key_name: `models.${t.model.name}`,
      attached_node: t.model.uniqueId,
      test_metadata: { name: t.kind, kwargs: { column_name: t.col, model: `{{ get_where_subquery(ref('${t.model.name}')) }}` }, namespace: null },
    });
  }
  for (const s of seeds) {
    emit(s.uniqueId, {
      ...base('seed', s.name, s.rel, s.rel.slice('seeds/'.length), [PROJECT, s.name], s.uniqueId),
      config: v12NodeConfig('seed', { delimiter: ',', quote_columns: null }),
      tags: [],
      description: s.description,
      columns: columnsObject(r, s.cols),
      meta: {},
      group: null,
      docs: { show: true, node_color: null },
      patch_path: null,
      build_path: null,
      unrendered_config: {},
      created_at: 1767225600.123,
      relation_name: relationName(s.name),
      raw_code: '',
      doc_blocks: [],
      root_path: '/home/runner/work/warehouse',
      depends_on: { macros: [] },
    });
  }
  for (const s of snapshots) {
    link(s.uniqueId, s.parent.uniqueId);
    emit(s.uniqueId, {
      ...base('snapshot', s.name, s.rel, s.rel.slice('snapshots/'.length), [PROJECT, s.name, s.name], s.uniqueId),
      config: v12NodeConfig('snapshot', { unique_key: 'id', strategy: 'timestamp', target_schema: 'snapshots', updated_at: 'updated_at' }),
      tags: [],
      description: '',
      columns: {},
      meta: {},
      group: null,
      docs: { show: true, node_color: null },
      patch_path: null,
      build_path: null,
      unrendered_config: { target_schema: 'snapshots', unique_key: 'id', strategy: 'timestamp', updated_at: 'updated_at' },
      created_at: 1767225600.123,
      relation_name: `"${DB}"."snapshots"."${s.name}"`,
      raw_code: s.sql,
      doc_blocks: [],
      language: 'sql',
      refs: [{ name: s.parent.name, package: null, version: null }],
      sources: [],
      metrics: [],
      functions: [],
      depends_on: { macros: [], nodes: [s.parent.uniqueId] },
      compiled_path: `target/compiled/${PROJECT}/${s.rel}`,
      compiled: true,
      compiled_code: compile(s.sql, false),
      extra_ctes_injected: true,
      extra_ctes: [],
      contract: { enforced: false, alias_types: true, checksum: null },
    });
  }
  out.write('}, "sources": {');
  first = true;
  for (const s of sources) {
    emit(s.uniqueId, {
      database: 'raw',
      schema: s.sourceName,
      name: s.name,
      resource_type: 'source',
      package_name: PROJECT,
      path: s.rel,
      original_file_path: s.rel,
      unique_id: s.uniqueId,
      fqn: [PROJECT, 'staging', s.sourceName, s.sourceName, s.name],
      source_name: s.sourceName,
      source_description: sentence(r, 10),
      loader: 'fivetran',
      identifier: s.name,
      quoting: { database: null, schema: null, identifier: null, column: null },
      loaded_at_field: '_fivetran_synced',
      freshness: { warn_after: { count: 12, period: 'hour' }, error_after: { count: 24, period: 'hour' }, filter: null },
      external: null,
      description: s.description,
      columns: columnsObject(r, s.cols),
      meta: {},
      source_meta: {},
      tags: [],
      config: { enabled: true, event_time: null },
      patch_path: null,
      unrendered_config: {},
      relation_name: `"raw"."${s.sourceName}"."${s.name}"`,
      created_at: 1767225600.123,
      doc_blocks: [],
    });
  }
  // macros: a real project ships ~1,000 (dbt's own plus adapters'), ~1.3 MB
  out.write('}, "macros": {');
  first = true;
  const mr = rng(seed + 7);
  for (let i = 0; i < 1000; i++) {
    const name = `macro_${i}_${mr.pick(WORDS)}`;
    const id = `macro.dbt.${name}`;
    emit(id, {
      name,
      resource_type: 'macro',
      package_name: 'dbt',
      path: `macros/${name}.sql`,
      original_file_path: `macros/${name}.sql`,
      unique_id: id,
      macro_sql: `{% macro ${name}(relation, column) %}\n  {{ return(adapter.dispatch('${name}', 'dbt')(relation, column)) }}\n{% endmacro %}\n\n{% macro default__${name}(relation, column) %}\n  select ${paragraph(mr, 2).slice(0, 600)}\n{% endmacro %}\n`,
      depends_on: { macros: [] },
      description: '',
      meta: {},
      docs: { show: true, node_color: null },
      patch_path: null,
      arguments: [],
      created_at: 1767225600.123,
      supported_languages: null,
    });
  }
  out.write('}, "docs": {"doc.dbt.__overview__": ' + JSON.stringify({ name: '__overview__', resource_type: 'doc', package_name: 'dbt', path: 'overview.md', original_file_path: 'docs/overview.md', unique_id: 'doc.dbt.__overview__', block_contents: paragraph(r, 6) }) + '}');
  out.write(', "exposures": {}, "metrics": {}, "groups": {}, "selectors": {}, "disabled": {}');
  out.write(', "parent_map": ' + JSON.stringify(parentMap));
  out.write(', "child_map": ' + JSON.stringify(childMap));
  out.write(', "group_map": {}, "saved_queries": {}, "semantic_models": {}, "unit_tests": {}}');
  const manifestBytes = out.close();
  return {
    dir,
    manifest: join(dir, 'target', 'manifest.json'),
    manifestBytes,
    nodes,
    models: models.length,
    assetNodes: models.length + seeds.length + snapshots.length,
    sources: sources.length,
    /** model names, layer order (for Python deps) */
    modelNames: models.filter((m) => m.layer === 'marts').map((m) => m.name),
    /** one model file the re-index benchmark edits */
    sampleModelFile: join(dir, models[Math.floor(models.length / 2)].rel),
  };
}

// ---------------------------------------------------------------- python

/**
 * `files` Python modules in packages of 100, `perFile` assets each. Deps point
 * at earlier assets (same or earlier module) and at dbt mart models; a third
 * of the modules are daily-partitioned (their deps stay inside the module or
 * go to dbt). One `dbt_assets.py` binds the dbt project when `dbtDir` is set.
 */
export function generatePython(dir, files, perFile, opts = {}) {
  const r = rng(opts.seed ?? 2);
  const models = opts.dbtModelNames ?? [];
  rmSync(dir, { recursive: true, force: true });
  const keyOf = (f, j) => `py_${f}_${j}`;
  for (let f = 0; f < files; f++) {
    const pkg = `pkg_${String(Math.floor(f / 100)).padStart(3, '0')}`;
    const partitioned = f % 3 === 2;
    const lines = [
      '"""Generated Dagster asset module for the Asset Lens benchmark."""',
      'from dagster import AssetExecutionContext, AssetKey, DailyPartitionsDefinition, MaterializeResult, asset',
      '',
    ];
    if (partitioned) lines.push('daily = DailyPartitionsDefinition(start_date="2024-01-01", end_date="2025-01-01")', '');
    for (let j = 0; j < perFile; j++) {
      const deps = [];
      if (j > 0) deps.push(JSON.stringify(keyOf(f, r.int(0, j - 1))));
      if (!partitioned && f > 0 && r.next() < 0.7) {
        const g = r.int(Math.max(0, f - 200), f - 1);
        if (g % 3 !== 2) deps.push(JSON.stringify(keyOf(g, r.int(0, perFile - 1))));
      }
      if (models.length && r.next() < 0.5) deps.push(JSON.stringify(models[r.int(0, models.length - 1)]));
      if (r.next() < 0.2 && j > 0) deps.push(`AssetKey(["${keyOf(f, r.int(0, j - 1))}"])`);
      const args = [];
      if (deps.length) args.push(`deps=[${deps.join(', ')}]`);
      if (partitioned) args.push('partitions_def=daily');
      args.push(`group_name="${pkg}"`);
      lines.push(
        `@asset(${args.join(', ')})`,
        `def ${keyOf(f, j)}(context: AssetExecutionContext) -> MaterializeResult:`,
        `    """${sentence(r, r.int(5, 14))}"""`,
        `    rows = context.resources.warehouse.query("select count(*) from ${r.pick(WORDS)}_${f}")`,
        '    return MaterializeResult(metadata={"rows": rows})',
        '',
        '',
      );
    }
    writeFile(join(dir, pkg, `assets_${f}.py`), lines.join('\n'));
  }
  for (let p = 0; p * 100 < files; p++) writeFile(join(dir, `pkg_${String(p).padStart(3, '0')}`, '__init__.py'), '');
  writeFile(join(dir, '__init__.py'), '');
  if (opts.dbtDir) {
    writeFile(
      join(dir, 'dbt_assets.py'),
      [
        'from pathlib import Path',
        '',
        'from dagster import AssetExecutionContext',
        'from dagster_dbt import DbtCliResource, DbtProject, dbt_assets',
        '',
        `warehouse = DbtProject(project_dir=Path(__file__).joinpath("..", "..", "${opts.dbtDir}").resolve())`,
        '',
        '',
        '@dbt_assets(manifest=warehouse.manifest_path)',
        'def warehouse_dbt_assets(context: AssetExecutionContext, dbt: DbtCliResource):',
        '    yield from dbt.cli(["build"], context=context).stream()',
        '',
      ].join('\n'),
    );
  }
  return { dir, files, assets: files * perFile, sampleFile: join(dir, 'pkg_000', `assets_${Math.min(files - 1, 4)}.py`), keyOf };
}

// ---------------------------------------------------------------- typescript

/** `files` TS modules in the project convention: `export const x = asset({ key, deps }, fn)`. */
export function generateTypeScript(dir, files, perFile, seed = 3) {
  const r = rng(seed);
  rmSync(dir, { recursive: true, force: true });
  const keyOf = (f, j) => `ts_${f}_${j}`;
  for (let f = 0; f < files; f++) {
    const lines = ["import { asset, AssetKey } from '@dagster/ts';", ''];
    for (let j = 0; j < perFile; j++) {
      const deps = [];
      if (j > 0) deps.push(`'${keyOf(f, r.int(0, j - 1))}'`);
      if (f > 0 && r.next() < 0.6) deps.push(`'${keyOf(r.int(Math.max(0, f - 100), f - 1), r.int(0, perFile - 1))}'`);
      lines.push(
        `/** ${sentence(r, 8)} */`,
        `export const ${keyOf(f, j)} = asset({ key: '${keyOf(f, j)}', deps: [${deps.join(', ')}], group: 'g${f % 20}' }, async (ctx) => {`,
        `  const rows = await ctx.resources.warehouse.query('select count(*) from ${r.pick(WORDS)}');`,
        '  return { metadata: { rows } };',
        '});',
        '',
      );
    }
    writeFile(join(dir, `mod_${String(Math.floor(f / 100)).padStart(2, '0')}`, `assets_${f}.ts`), lines.join('\n'));
  }
  return { dir, files, assets: files * perFile };
}

// ---------------------------------------------------------------- workspaces

/** Python assets per module in the combined workspaces: 5,000 modules × 14 + a 50k-node manifest ≈ 100k keys. */
export const PY_PER_FILE = 14;

/** name → how to build it; each returns a JSON-able description saved in `.done`. */
export const WORKSPACES = {
  ...Object.fromEntries(
    [1000, 10000, 50000].map((n) => [
      `combined-${n / 1000}k`,
      (dir) => {
        const dbt = generateDbtProject(join(dir, 'warehouse'), n, 11);
        const py = generatePython(join(dir, 'defs'), n / 10, PY_PER_FILE, { dbtModelNames: dbt.modelNames, dbtDir: 'warehouse', seed: 12 });
        return { kind: 'combined', root: dir, dbt: { ...dbt, modelNames: undefined }, python: { ...py, keyOf: undefined } };
      },
    ]),
  ),
  'python-500': (dir) => ({ kind: 'python', root: dir, python: { ...generatePython(dir, 500, 2, { seed: 21 }), keyOf: undefined } }),
  'python-5000': (dir) => ({ kind: 'python', root: dir, python: { ...generatePython(dir, 5000, 2, { seed: 22 }), keyOf: undefined } }),
  'typescript-500': (dir) => ({ kind: 'typescript', root: dir, typescript: generateTypeScript(dir, 500, 2, 23) }),
};

/** Generates `name` unless an up-to-date copy exists; returns its description. */
export function ensureWorkspace(name, log = () => undefined) {
  const dir = join(WORK, 'ws', name);
  const stamp = join(dir, '.done');
  if (existsSync(stamp)) {
    const info = JSON.parse(readFileSync(stamp, 'utf8'));
    if (info.version === GENERATOR_VERSION) return info;
  }
  const started = Date.now();
  log(`generating ${name} …`);
  rmSync(dir, { recursive: true, force: true });
  const info = { version: GENERATOR_VERSION, name, ...WORKSPACES[name](dir) };
  writeFileSync(stamp, JSON.stringify(info, null, 2));
  log(`generated ${name} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return info;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [kind, size] = process.argv.slice(2);
  if (kind === 'dbt') {
    const info = generateDbtProject(join(WORK, 'ws', `dbt-${size}`), Number(size), 1);
    console.log({ ...info, modelNames: info.modelNames.length });
  } else {
    for (const name of kind ? [kind] : Object.keys(WORKSPACES)) ensureWorkspace(name, (l) => console.log(l));
  }
}
