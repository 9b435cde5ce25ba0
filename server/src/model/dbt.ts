import type { Location } from './location';
import type { DbtRefTarget, DbtSourceTarget } from './reference';

/**
 * A dbt node or source as the readers found it, before any translation into
 * an asset key. Both the manifest reader and the project-file reader produce
 * exactly this, so everything downstream is blind to where it came from.
 */
export interface DbtNode {
  /** dbt unique id: model.pkg.name, model.pkg.name.v2, source.pkg.src.table, seed..., test..., exposure... */
  uniqueId: string;
  /** model | seed | snapshot | source | test | unit_test | exposure | analysis | operation | ... */
  resourceType: string;
  /** node name; for sources the table name */
  name: string;
  packageName: string;
  /** sources only */
  sourceName?: string;
  /** configured custom schema (`config.schema`), NOT the resolved database schema */
  configSchema?: string;
  alias?: string;
  version?: string | number;
  latestVersion?: string | number;
  materialized?: string;
  /** `config.meta` (takes precedence over `meta`) */
  configMeta?: Record<string, unknown>;
  meta?: Record<string, unknown>;
  tags: string[];
  fqn: string[];
  /** path relative to the package root (`original_file_path`), for `path:` selectors */
  originalFilePath?: string;
  /** the manifest's sha256 of the node's file (its first 16 hex digits): tells a file merely checked out after the manifest from an edited one */
  checksum?: string;
  description?: string;
  group?: string;
  /** unique ids this node depends on (`depends_on.nodes`) */
  dependsOn: string[];
  /**
   * ref()/source() calls of the node's code, with where they are written
   * when known. A manifest node's locations are places whose range is found
   * in the file when first read (sources/dbt/places.ts): read them when
   * needed, not all at once.
   */
  refs: { target: DbtRefTarget; location?: Location }[];
  sources: { target: DbtSourceTarget; location?: Location }[];
  /** primary definition first (SQL file / YAML `- name:` entry), then e.g. the model's YAML entry */
  locations: Location[];
}

export interface DbtProjectFacts {
  /** absolute directory holding dbt_project.yml (or the manifest's project) */
  root: string;
  name: string;
  /** absolute manifest path when one was read */
  manifestPath?: string;
  /** what the index was built from */
  origin: 'manifest' | 'files' | 'manifest+files';
  nodes: DbtNode[];
  /** human-readable notes for the log ("used manifest target/manifest.json; 3 newer files overlaid") */
  log: string[];
}
