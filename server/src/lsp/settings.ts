/**
 * Reads the `assetLens` settings section (VS Code configuration, LSP
 * initializationOptions or didChangeConfiguration) into workspace settings.
 * Accepts nested objects (`{ python: { include } }`) and dotted keys
 * (`{ "python.include": [...] }`), since clients send either.
 */
import type { WorkspaceSettings } from '../workspace/settings';

export type TraceLevel = 'off' | 'messages' | 'verbose';

export interface ServerSettings {
  workspace: Partial<WorkspaceSettings>;
  trace: TraceLevel;
}

function get(obj: unknown, path: string): unknown {
  if (!obj || typeof obj !== 'object') return undefined;
  const rec = obj as Record<string, unknown>;
  if (path in rec) return rec[path];
  const dot = path.indexOf('.');
  if (dot < 0) return undefined;
  return get(rec[path.slice(0, dot)], path.slice(dot + 1));
}

/**
 * A glob list; an empty one counts as "not set" (clients send `[]` for
 * settings the user never touched, and an empty include would index nothing).
 */
function stringList(v: unknown): string[] | undefined {
  if (typeof v === 'string') return v.trim() ? [v] : undefined;
  if (Array.isArray(v)) {
    const out = v.filter((x): x is string => typeof x === 'string' && x.trim().length > 0);
    return out.length ? out : undefined;
  }
  return undefined;
}

function callNames(v: unknown): Record<string, string[]> | undefined {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const out: Record<string, string[]> = {};
  for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
    const list = stringList(val);
    if (list) out[k] = list;
  }
  return Object.keys(out).length ? out : undefined;
}

/**
 * `raw` may be the `assetLens` section itself or an object holding it
 * (`{ assetLens: {...} }`, as some clients send the whole configuration).
 */
export function readSettings(raw: unknown): ServerSettings {
  let section: unknown = raw;
  if (raw && typeof raw === 'object' && 'assetLens' in (raw as Record<string, unknown>)) {
    section = (raw as Record<string, unknown>).assetLens;
  }
  const workspace: Partial<WorkspaceSettings> = {};
  const manifestPath = get(section, 'manifestPath');
  if (typeof manifestPath === 'string' && manifestPath.trim()) workspace.manifestPath = manifestPath.trim();
  const pi = stringList(get(section, 'python.include'));
  if (pi) workspace.pythonInclude = pi;
  const pe = stringList(get(section, 'python.exclude'));
  if (pe) workspace.pythonExclude = pe;
  const ti = stringList(get(section, 'typescript.include'));
  if (ti) workspace.typescriptInclude = ti;
  const te = stringList(get(section, 'typescript.exclude'));
  if (te) workspace.typescriptExclude = te;
  const cn = callNames(get(section, 'typescript.callNames'));
  if (cn) workspace.typescriptCallNames = cn;
  const maxFileBytes = get(section, 'maxFileBytes');
  if (typeof maxFileBytes === 'number' && maxFileBytes > 0) workspace.maxFileBytes = maxFileBytes;
  const t = get(section, 'trace.server');
  const trace: TraceLevel = t === 'messages' || t === 'verbose' ? t : 'off';
  return { workspace, trace };
}
