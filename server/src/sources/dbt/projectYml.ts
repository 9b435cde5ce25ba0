import { parseDocument } from 'yaml';
import { yamlToPlain } from '../yamlPlain';
import { yamlTooDeep, yamlTooDeepMessage } from '../yamlDepth';
import { RecentMap } from './recentMap';

/** The parts of dbt_project.yml Asset Lens needs. */
export interface DbtProjectSettings {
  name?: string;
  modelPaths: string[];
  seedPaths: string[];
  snapshotPaths: string[];
  analysisPaths: string[];
  packagesInstallPath: string;
  /** raw `models:` / `seeds:` / `snapshots:` config trees */
  configs: { models?: unknown; seeds?: unknown; snapshots?: unknown };
  /** set when the file was not parsed (the defaults are used), for the caller to report */
  skipped?: string;
}

function stringList(v: unknown, fallback: string[]): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) {
    const out = v.filter((x): x is string => typeof x === 'string');
    return out.length ? out : fallback;
  }
  return fallback;
}

/*
 * One load reads dbt_project.yml three to five times (the project's file list,
 * the manifest's locator, each package's paths). The settings of the last few
 * texts are kept, so each is parsed once: on a sub-MB manifest that is about
 * a millisecond of a 6 ms index. Callers only read them. A text over 64 KB is
 * not kept (it would be held as the key).
 */
const recentSettings = new RecentMap<string, DbtProjectSettings>(16);
const MAX_KEPT_TEXT = 64 * 1024;

/** The settings of a dbt_project.yml text (the same object for the same text while it is recent: read it, never change it). */
export function parseDbtProjectYml(text: string): DbtProjectSettings {
  const had = recentSettings.get(text);
  if (had) return had;
  const settings = parseSettings(text);
  if (text.length > MAX_KEPT_TEXT) return settings;
  recentSettings.set(text, settings);
  return settings;
}

function parseSettings(text: string): DbtProjectSettings {
  let doc: Record<string, unknown> = {};
  const skipped = yamlTooDeep(text) ? yamlTooDeepMessage() : undefined;
  if (!skipped) {
    try {
      const parsed = parseDocument(text, { strict: false, uniqueKeys: false });
      const v = yamlToPlain(parsed.contents, parsed);
      if (v && typeof v === 'object' && !Array.isArray(v)) doc = v as Record<string, unknown>;
    } catch {
      // a broken dbt_project.yml still gives the defaults
    }
  }
  return {
    ...(skipped ? { skipped } : {}),
    name: typeof doc.name === 'string' ? doc.name : undefined,
    modelPaths: stringList(doc['model-paths'] ?? doc['source-paths'], ['models']),
    seedPaths: stringList(doc['seed-paths'] ?? doc['data-paths'], ['seeds']),
    snapshotPaths: stringList(doc['snapshot-paths'], ['snapshots']),
    analysisPaths: stringList(doc['analysis-paths'], ['analyses']),
    packagesInstallPath: typeof doc['packages-install-path'] === 'string' ? (doc['packages-install-path'] as string) : 'dbt_packages',
    configs: { models: doc.models, seeds: doc.seeds, snapshots: doc.snapshots },
  };
}

/** Config names that are configs even without a `+` prefix (otherwise a key is a folder). */
const KNOWN_CONFIGS = new Set([
  'schema',
  'materialized',
  'meta',
  'tags',
  'alias',
  'database',
  'enabled',
  'group',
  'docs',
  'persist_docs',
  'full_refresh',
  'incremental_strategy',
  'unique_key',
  'on_schema_change',
  'pre-hook',
  'post-hook',
  'access',
  'contract',
  'grants',
  'quote_columns',
  'column_types',
  'delimiter',
]);

/** Merges one config value into `into` the way dbt does: meta merges, tags add up, the rest overrides. */
export function mergeConfig(into: Record<string, unknown>, key: string, value: unknown): void {
  if (key === 'meta' && value && typeof value === 'object' && !Array.isArray(value)) {
    const prev = into.meta && typeof into.meta === 'object' ? (into.meta as Record<string, unknown>) : {};
    into.meta = { ...prev, ...(value as Record<string, unknown>) };
  } else if (key === 'tags') {
    const prev = Array.isArray(into.tags) ? (into.tags as unknown[]) : [];
    const add = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
    into.tags = [...prev, ...add.filter((t) => !prev.includes(t))];
  } else {
    into[key] = value;
  }
}

function applyLevel(level: unknown, out: Record<string, unknown>): void {
  if (!level || typeof level !== 'object' || Array.isArray(level)) return;
  for (const [k, v] of Object.entries(level as Record<string, unknown>)) {
    if (k.startsWith('+')) mergeConfig(out, k.slice(1), v);
    else if (KNOWN_CONFIGS.has(k)) mergeConfig(out, k, v);
  }
}

function child(level: unknown, key: string): unknown {
  if (!level || typeof level !== 'object' || Array.isArray(level)) return undefined;
  const v = (level as Record<string, unknown>)[key];
  return v && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
}

/**
 * The config a node gets from a dbt_project.yml tree (`models:`), for a node of
 * `pkg` at `path` (folders then the node name): top-level keys, then the package
 * block, then each folder, deeper levels winning.
 */
export function resolveTreeConfig(tree: unknown, pkg: string, pathParts: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  applyLevel(tree, out);
  let level = child(tree, pkg);
  if (!level) return out;
  applyLevel(level, out);
  for (const part of pathParts) {
    level = child(level, part);
    if (!level) break;
    applyLevel(level, out);
  }
  return out;
}
