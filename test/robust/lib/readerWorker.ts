/**
 * Runs one reader on one input inside a worker thread, so the driver can
 * kill it when it exceeds its time bound (a hang) without losing the run.
 * Messages in: {kind:'setup', root, files} then {kind:'run', ...Input}.
 * Messages out: {id, ok, error?, violations, ms}.
 */
import { parentPort } from 'node:worker_threads';
import { dirname } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { realpathSync } from 'node:fs';
import { DiskFileSource } from '../../../server/src/workspace/diskFileSource';
import { isInside } from './memoryFs';
import { readManifest } from '../../../server/src/sources/dbt/manifest';
import { loadDbtProject } from '../../../server/src/sources/dbt/project';
import { decodeManifestRead, placesWithin } from '../../../server/src/sources/dbt/manifestReadCodec';
import { scanSqlReferences } from '../../../server/src/sources/dbt/projectFiles';
import { readPythonFile, pythonModuleName } from '../../../server/src/sources/python';
import { readTypeScriptFile } from '../../../server/src/sources/typescript';
import { readComponentYaml } from '../../../server/src/sources/componentYaml';
import { AssetWorkspace } from '../../../server/src/workspace/workspace';
import { MemoryFileSource } from './memoryFs';
import { checkOutput } from './checks';
import type { Snapshot } from '../../../server/src/workspace/workspace';

export type ReaderTarget = 'manifest' | 'dbtProject' | 'sql' | 'python' | 'typescript' | 'componentYaml' | 'workspace' | 'keptRead';

export interface ReaderInput {
  id: number;
  target: ReaderTarget;
  /** absolute path inside the memory workspace */
  path: string;
  content: string | Uint8Array;
}

export interface ReaderResult {
  id: number;
  ok: boolean;
  error?: string;
  violations: string[];
  ms: number;
}

let root = '/';
let base: Record<string, Uint8Array> = {};
let ws: { fs: MemoryFileSource; workspace: AssetWorkspace; baseline: string } | undefined;

function freshFs(): MemoryFileSource {
  return new MemoryFileSource(root, base);
}

/** What must come back exactly after a bad input is reverted: no stale state. */
function summary(s: Snapshot): string {
  const diags: string[] = [];
  for (const [file, list] of s.diagnostics) {
    for (const d of list) diags.push(`${file}:${d.location.range.start.line}:${d.location.range.start.character}:${d.code}:${d.message}`);
  }
  let edges = 0;
  for (const id of s.graph.ids()) edges += s.graph.downstream(id).length;
  return JSON.stringify({ ids: s.graph.ids(), edges, diags: diags.sort() });
}

function diagnosticsConsistent(s: Snapshot): string[] {
  const out: string[] = [];
  for (const [file, list] of s.diagnostics) for (const d of list) if (d.location.file !== file) out.push(`diagnostic for ${d.location.file} filed under ${file}`);
  return out;
}

async function run(input: ReaderInput): Promise<{ value: unknown; fs: MemoryFileSource; extra: string[] }> {
  const text = typeof input.content === 'string' ? input.content : Buffer.from(input.content).toString('utf8');
  const bytes = typeof input.content === 'string' ? Buffer.from(input.content, 'utf8') : input.content;
  switch (input.target) {
    case 'manifest': {
      const fs = freshFs();
      fs.put(input.path, bytes);
      const value = readManifest(bytes, input.path, dirname(dirname(input.path)), fs);
      // the skipping scanner (large manifests; nodes read as it meets them) must read valid JSON as JSON.parse
      // does; it does not validate the values it skips, so broken JSON may read where JSON.parse refuses it
      const extra: string[] = [];
      if (value.invalidJsonAt === undefined) {
        const scanFs = freshFs();
        scanFs.put(input.path, bytes);
        const scanned = readManifest(bytes, input.path, dirname(dirname(input.path)), scanFs, { scanFromBytes: 0 });
        if (!isDeepStrictEqual(scanned, value)) extra.push('the scanner path reads this manifest differently from the JSON.parse path');
      }
      return { value, fs, extra };
    }
    case 'dbtProject': {
      const fs = freshFs();
      fs.put(input.path, bytes);
      const projectRoot = projectRootOf(fs, input.path);
      return { value: await loadDbtProject(projectRoot, fs, { retryDelayMs: 0 }), fs, extra: [] };
    }
    case 'sql':
      return { value: scanSqlReferences(text, input.path), fs: freshFs(), extra: [] };
    case 'keptRead': {
      // a kept manifest read (input.path: its manifest) as the store loads it: decoded, then used only
      // when it names files of its own project; what is used must then point inside the workspace
      let data: unknown;
      try {
        data = JSON.parse(text);
      } catch {
        return { value: undefined, fs: freshFs(), extra: [] };
      }
      const read = decodeManifestRead(data, freshFs());
      const used = read && placesWithin(read, dirname(dirname(input.path)), input.path) ? read : undefined;
      // every place it names, at 0:0 (its positions were found in the files as they were when it was kept)
      const places = (used?.result.facts?.nodes ?? []).flatMap((n) => [...n.locations, ...[...n.refs, ...n.sources].flatMap((c) => (c.location ? [c.location] : []))]);
      return { value: places.map((l) => ({ file: l.file, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } })), fs: freshFs(), extra: [] };
    }
    case 'python': {
      const fs = freshFs();
      fs.put(input.path, bytes);
      const { module, isPackageInit } = pythonModuleName(input.path, fs);
      return { value: await readPythonFile(input.path, text, module, isPackageInit), fs, extra: [] };
    }
    case 'typescript':
      return { value: await readTypeScriptFile(input.path, text, {}), fs: freshFs(), extra: [] };
    case 'componentYaml': {
      const fs = freshFs();
      fs.put(input.path, bytes);
      return { value: readComponentYaml(input.path, text, fs), fs, extra: [] };
    }
    case 'workspace': {
      if (!ws) {
        const fs = freshFs();
        const workspace = new AssetWorkspace({ roots: [root], fs });
        ws = { fs, workspace, baseline: summary(await workspace.indexAll()) };
      }
      ws.fs.touched.clear();
      // the bad input arrives as an unsaved editor buffer (or a rewritten file), then is undone
      ws.fs.setOverlay(input.path, text);
      const bad = await ws.workspace.filesChanged([input.path]);
      const extra = diagnosticsConsistent(bad);
      const value = { diagnostics: bad.diagnostics, assets: [...bad.graph.assets.values()] };
      // a manifest node's places find their ranges when first read (sources/dbt/places.ts): read them while the
      // bad text is there, as an editor's request would, since the checks hold them against that text
      JSON.stringify([value.assets, [...value.diagnostics]]);
      ws.fs.setOverlay(input.path, undefined);
      const after = summary(await ws.workspace.filesChanged([input.path]));
      if (after !== ws.baseline) extra.push(`state after undoing ${input.path} differs from the clean index (stale facts or diagnostics)`);
      return { value, fs: ws.fs, extra };
    }
  }
}

function projectRootOf(fs: MemoryFileSource, file: string): string {
  for (let d = dirname(file); ; d = dirname(d)) {
    if (fs.textOf(`${d}/dbt_project.yml`) !== undefined) return d;
    if (dirname(d) === d) return dirname(file);
  }
}

/** What indexing a real directory gave, for the hostile-workspace tests. */
export interface IndexSummary {
  ids: string[];
  diagnostics: { file: string; code: string; message: string; range: unknown }[];
  /** every file a graph location or reference names */
  locationFiles: string[];
  /** paths read or listed whose real path is outside the roots */
  openedOutside: string[];
  violations: string[];
  log: string[];
}

/** A disk source that remembers what was opened (read or listed), by real path. */
class RecordingDiskSource extends DiskFileSource {
  readonly opened = new Set<string>();
  private note(p: string): void {
    try {
      this.opened.add(realpathSync(p));
    } catch {
      this.opened.add(p);
    }
  }
  override readText(p: string) {
    this.note(p);
    return super.readText(p);
  }
  override readBytes(p: string) {
    this.note(p);
    return super.readBytes(p);
  }
  override list(p: string) {
    this.note(p);
    return super.list(p);
  }
}

async function indexDirectory(roots: string[], settings: Record<string, unknown> | undefined): Promise<IndexSummary> {
  const fs = new RecordingDiskSource();
  const log: string[] = [];
  const workspace = new AssetWorkspace({ roots, fs, settings, log: (l) => log.push(l) });
  const s = await workspace.indexAll();
  const realRoots = roots.map((r) => realpathSync(r));
  const locationFiles = new Set<string>();
  for (const a of s.graph.assets.values()) for (const l of [...a.locations, ...(a.extent ? [a.extent] : [])]) locationFiles.add(l.file);
  for (const r of s.graph.references()) locationFiles.add(r.location.file);
  const diagnostics = [...s.diagnostics.values()].flat().map((d) => ({ file: d.location.file, code: d.code, message: d.message, range: d.location.range }));
  for (const d of diagnostics) locationFiles.add(d.file);
  return {
    ids: s.graph.ids(),
    diagnostics,
    locationFiles: [...locationFiles].sort(),
    openedOutside: [...fs.opened].filter((p) => !realRoots.some((r) => isInside(r, p))),
    violations: checkOutput({ assets: [...s.graph.assets.values()], refs: [...s.graph.references()], diagnostics }, { roots, textOf: () => undefined }),
    log,
  };
}

parentPort?.on('message', async (msg: { kind: 'setup'; root: string; files: Record<string, Uint8Array> } | ({ kind: 'run' } & ReaderInput) | { kind: 'index'; roots: string[]; settings?: Record<string, unknown> }) => {
  if (msg.kind === 'index') {
    const started = performance.now();
    try {
      const summary = await indexDirectory(msg.roots, msg.settings);
      parentPort!.postMessage({ id: 0, ok: true, violations: [], ms: performance.now() - started, summary });
    } catch (err) {
      parentPort!.postMessage({ id: 0, ok: false, error: (err as Error)?.stack ?? String(err), violations: [], ms: performance.now() - started });
    }
    return;
  }
  if (msg.kind === 'setup') {
    root = msg.root;
    base = msg.files;
    ws = undefined;
    parentPort!.postMessage({ id: -1, ok: true, violations: [], ms: 0 });
    return;
  }
  const started = performance.now();
  const reply: ReaderResult = { id: msg.id, ok: true, violations: [], ms: 0 };
  try {
    const { value, fs, extra } = await run(msg);
    const inputText = typeof msg.content === 'string' ? msg.content : Buffer.from(msg.content).toString('utf8');
    reply.violations = [
      ...extra,
      ...checkOutput(value, { roots: [root], textOf: (f) => (f === msg.path ? inputText : fs.textOf(f)) }),
      ...fs.outside().map((p) => `opened a path outside the workspace: ${p}`),
    ];
  } catch (err) {
    reply.ok = false;
    reply.error = (err as Error)?.stack ?? String(err);
  }
  reply.ms = performance.now() - started;
  parentPort!.postMessage(reply);
});
