// The `config` block dbt 1.9 writes for a model / seed / snapshot node in a
// v12 manifest. Shared by the example manifest generator and the benchmark's
// synthetic manifests, so both stay in the shape real manifests have.
export function v12NodeConfig(materialized, extra = {}) {
  return {
    enabled: true,
    alias: null,
    schema: null,
    database: null,
    tags: [],
    meta: {},
    group: null,
    materialized,
    incremental_strategy: null,
    batch_size: null,
    lookback: 1,
    begin: null,
    persist_docs: {},
    'post-hook': [],
    'pre-hook': [],
    quoting: {},
    column_types: {},
    full_refresh: null,
    unique_key: null,
    on_schema_change: 'ignore',
    on_configuration_change: 'apply',
    grants: {},
    packages: [],
    docs: { show: true, node_color: null },
    contract: { enforced: false, alias_types: true },
    event_time: null,
    concurrent_batches: null,
    access: 'protected',
    ...extra,
  };
}
