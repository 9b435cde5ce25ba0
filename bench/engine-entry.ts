/**
 * What the benchmark drives in-process. bench/run.mjs bundles this with
 * esbuild into bench/.work/engine.js (the .wasm grammars are copied next to
 * it), so the figures are for the same code the server ships.
 */
export { AssetWorkspace } from '../server/src/workspace/workspace';
export { DiskFileSource } from '../server/src/workspace/diskFileSource';
export { loadDbtProject } from '../server/src/sources/dbt/project';
export { readManifest } from '../server/src/sources/dbt/manifest';
export { scanManifest } from '../server/src/sources/dbt/manifestScan';
