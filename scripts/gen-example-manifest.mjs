// Usage: node scripts/gen-example-manifest.mjs
// Writes examples/taxi/analytics/target/manifest.json: what `dbt parse` (dbt 1.9,
// DuckDB) would write for the example project, in manifest schema v12.
// The project's shape (models, refs, sources, descriptions) is stated below and
// must agree with the files; raw_code and checksums are read from the files.
// Absolute paths name a CI machine on purpose: readers must never use them.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { v12NodeConfig } from './lib/v12NodeConfig.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const project = join(repo, 'examples/taxi/analytics');
const OTHER_MACHINE = '/home/runner/work/taxi/analytics';
const PROJECT = 'analytics';
const DATABASE = 'data';
const SCHEMA = 'main';
const CREATED = 1763629243.41;

const models = [
  {
    name: 'stg_trips',
    path: 'staging/stg_trips.sql',
    patch: 'models/staging/schema.yml',
    materialized: 'view',
    unrendered: { materialized: 'view' },
    refs: [],
    sources: [['raw_taxis', 'trips']],
    macros: [],
    description: 'Taxi trips with typed, renamed columns; trips without a pickup time are dropped.',
  },
  {
    name: 'stg_zones',
    path: 'staging/stg_zones.sql',
    patch: 'models/staging/schema.yml',
    materialized: 'view',
    unrendered: { materialized: 'view' },
    refs: [],
    sources: [['raw_taxis', 'zones']],
    macros: [],
    description: 'Taxi zones with a flag for the airports.',
  },
  {
    name: 'daily_metrics',
    path: 'marts/daily_metrics.sql',
    patch: 'models/marts/schema.yml',
    materialized: 'incremental',
    uniqueKey: 'date_of_business',
    unrendered: { materialized: 'incremental', unique_key: 'date_of_business' },
    refs: ['stg_trips'],
    sources: [],
    macros: ['macro.dbt.is_incremental'],
    description: 'Trips, distance and revenue per day; built incrementally one day (Dagster partition) at a time.',
  },
  {
    name: 'location_metrics',
    path: 'marts/location_metrics.sql',
    patch: 'models/marts/schema.yml',
    materialized: 'table',
    unrendered: { materialized: 'table' },
    refs: ['stg_trips', 'stg_zones'],
    sources: [],
    macros: [],
    description: 'Trips and revenue per pickup zone.',
  },
];

const sources = [
  {
    source: 'raw_taxis',
    sourceDescription: 'NYC taxi data loaded into DuckDB by the Dagster assets taxi_trips and taxi_zones.',
    table: 'trips',
    description: 'One row per yellow taxi trip, as published by the NYC Taxi & Limousine Commission.',
  },
  {
    source: 'raw_taxis',
    sourceDescription: 'NYC taxi data loaded into DuckDB by the Dagster assets taxi_trips and taxi_zones.',
    table: 'zones',
    description: 'The taxi zones (location ids) with their borough and zone name.',
  },
];

const sha256 = (text) => createHash('sha256').update(text).digest('hex');
const relation = (name) => `"${DATABASE}"."${SCHEMA}"."${name}"`;

function modelNode(m) {
  const file = `models/${m.path}`;
  const raw = readFileSync(join(project, file), 'utf8');
  const id = `model.${PROJECT}.${m.name}`;
  return [
    id,
    {
      database: DATABASE,
      schema: SCHEMA,
      name: m.name,
      resource_type: 'model',
      package_name: PROJECT,
      path: m.path,
      original_file_path: file,
      unique_id: id,
      fqn: [PROJECT, ...m.path.split('/').slice(0, -1), m.name],
      alias: m.name,
      checksum: { name: 'sha256', checksum: sha256(raw) },
      config: v12NodeConfig(m.materialized, { unique_key: m.uniqueKey ?? null }),
      tags: [],
      description: m.description,
      columns: {},
      meta: {},
      group: null,
      docs: { show: true, node_color: null },
      patch_path: `${PROJECT}://${m.patch}`,
      build_path: null,
      unrendered_config: m.unrendered,
      created_at: CREATED,
      relation_name: relation(m.name),
      raw_code: raw,
      language: 'sql',
      refs: m.refs.map((name) => ({ name, package: null, version: null })),
      sources: m.sources,
      metrics: [],
      depends_on: {
        macros: m.macros,
        nodes: [...m.refs.map((r) => `model.${PROJECT}.${r}`), ...m.sources.map(([s, t]) => `source.${PROJECT}.${s}.${t}`)],
      },
      // dbt writes compiled_path under --target-path, absolute on this CI machine
      compiled_path: `${OTHER_MACHINE}/target/compiled/${PROJECT}/${file}`,
      contract: { enforced: false, alias_types: true, checksum: null },
      access: 'protected',
      constraints: [],
      version: null,
      latest_version: null,
      deprecation_date: null,
      primary_key: [],
      time_spine: null,
    },
  ];
}

function sourceNode(s) {
  const id = `source.${PROJECT}.${s.source}.${s.table}`;
  return [
    id,
    {
      database: DATABASE,
      schema: SCHEMA,
      name: s.table,
      resource_type: 'source',
      package_name: PROJECT,
      path: 'models/sources.yml',
      original_file_path: 'models/sources.yml',
      unique_id: id,
      fqn: [PROJECT, s.source, s.table],
      source_name: s.source,
      source_description: s.sourceDescription,
      loader: '',
      identifier: s.table,
      quoting: { database: null, schema: null, identifier: null, column: null },
      loaded_at_field: null,
      freshness: { warn_after: { count: null, period: null }, error_after: { count: null, period: null }, filter: null },
      external: null,
      description: s.description,
      columns: {},
      meta: {},
      source_meta: {},
      tags: [],
      config: { enabled: true, event_time: null },
      patch_path: null,
      unrendered_config: {},
      relation_name: relation(s.table),
      created_at: CREATED,
      unrendered_database: null,
      unrendered_schema: SCHEMA,
    },
  ];
}

const nodes = Object.fromEntries(models.map(modelNode));
const sourceEntries = Object.fromEntries(sources.map(sourceNode));
const parentMap = {};
const childMap = {};
for (const id of [...Object.keys(sourceEntries), ...Object.keys(nodes)]) {
  parentMap[id] = [];
  childMap[id] = [];
}
for (const [id, n] of Object.entries(nodes)) {
  for (const p of n.depends_on.nodes) {
    parentMap[id].push(p);
    childMap[p].push(id);
  }
}

const manifest = {
  metadata: {
    dbt_schema_version: 'https://schemas.getdbt.com/dbt/manifest/v12.json',
    dbt_version: '1.9.4',
    generated_at: '2025-11-20T09:00:43.412537Z',
    invocation_id: '6f1b2a47-3c1e-4d0b-9a55-2f4f0e8c7b91',
    env: { DBT_ENV_CUSTOM_ENV_PROJECT_DIR: OTHER_MACHINE },
    project_name: PROJECT,
    project_id: createHash('md5').update(PROJECT).digest('hex'),
    user_id: null,
    send_anonymous_usage_stats: false,
    adapter_type: 'duckdb',
  },
  nodes,
  sources: sourceEntries,
  macros: {},
  docs: {},
  exposures: {},
  metrics: {},
  groups: {},
  selectors: {},
  disabled: {},
  parent_map: parentMap,
  child_map: childMap,
  group_map: {},
  saved_queries: {},
  semantic_models: {},
  unit_tests: {},
};

const out = join(project, 'target/manifest.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify(manifest, null, 2) + '\n');
console.log(`wrote ${out}`);
