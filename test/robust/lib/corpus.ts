import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { loadTree, MemoryFileSource } from './memoryFs';
import type { ReaderTarget } from './readerWorker';
import { readManifest } from '../../../server/src/sources/dbt/manifest';
import { encodeManifestRead } from '../../../server/src/sources/dbt/manifestReadCodec';

/**
 * Seed inputs for the fuzzer: real files from the examples and the shared
 * real-world manifests. The memory workspace is the first example project
 * that exists (examples/taxi, else examples/broken), re-rooted at FUZZ_ROOT.
 */
export const FUZZ_ROOT = '/fuzz-ws';

export interface SeedFile {
  /** where the mutated input is placed in the memory workspace */
  path: string;
  bytes: Uint8Array;
  /** display name */
  origin: string;
}

export interface Corpus {
  root: string;
  exampleDir: string;
  base: Record<string, Uint8Array>;
  seeds: Record<ReaderTarget, SeedFile[]>;
  /** texts to splice from */
  spliceTexts: string[];
}

export const SHARED_MANIFESTS = '/work/shared/manifests';

function listFiles(dir: string, out: string[] = []): string[] {
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const n of names.sort()) {
    const p = join(dir, n);
    const st = statSync(p, { throwIfNoEntry: false });
    if (st?.isDirectory()) listFiles(p, out);
    else if (st?.isFile()) out.push(p);
  }
  return out;
}

export function repoRoot(): string {
  // out/test/robust/lib or out/fuzz or test/robust/lib: walk up to package.json
  let d = __dirname;
  for (let i = 0; i < 8; i++) {
    if (existsSync(join(d, 'package.json')) && existsSync(join(d, 'server'))) return d;
    d = join(d, '..');
  }
  return process.cwd();
}

export function buildCorpus(opts: { maxManifestBytes: number; repo?: string }): Corpus {
  const repo = opts.repo ?? repoRoot();
  const exampleDir = ['taxi', 'broken'].map((n) => join(repo, 'examples', n)).find((d) => existsSync(d)) ?? join(repo, 'examples');
  const base = loadTree(exampleDir, FUZZ_ROOT);
  const files = Object.keys(base).sort();
  const seeds: Record<ReaderTarget, SeedFile[]> = {
    manifest: [],
    dbtProject: [],
    sql: [],
    python: [],
    typescript: [],
    componentYaml: [],
    workspace: [],
    keptRead: [],
  };
  const add = (t: ReaderTarget, path: string, bytes: Uint8Array, origin: string) => seeds[t].push({ path, bytes, origin });
  const rel = (p: string) => relative(FUZZ_ROOT, p).split(sep).join('/');
  const manifestsInWs = files.filter((f) => f.endsWith(`${sep}target${sep}manifest.json`));
  const wsManifestPath = manifestsInWs[0] ?? join(FUZZ_ROOT, 'target', 'manifest.json');
  for (const f of files) {
    const b = base[f];
    if (f.endsWith('.sql')) {
      add('sql', f, b, rel(f));
      add('dbtProject', f, b, rel(f));
    } else if (f.endsWith('.py')) add('python', f, b, rel(f));
    else if (/\.tsx?$/.test(f)) add('typescript', f, b, rel(f));
    else if (/(^|[\\/])(defs\.ya?ml|component\.yaml)$/.test(f)) add('componentYaml', f, b, rel(f));
    else if (/\.ya?ml$/.test(f)) add('dbtProject', f, b, rel(f));
    else if (f.endsWith('manifest.json')) {
      add('manifest', f, b, rel(f));
      add('dbtProject', f, b, rel(f));
    }
    if (/\.(sql|py|tsx?|ya?ml)$/.test(f)) add('workspace', f, b, rel(f));
  }
  for (const m of listFiles(SHARED_MANIFESTS).filter((p) => p.endsWith('.json'))) {
    const size = statSync(m).size;
    if (size > opts.maxManifestBytes) continue;
    const bytes = readFileSync(m);
    const origin = `shared/${relative(SHARED_MANIFESTS, m)}`;
    add('manifest', wsManifestPath, bytes, origin);
    if (size < 1_000_000) add('dbtProject', wsManifestPath, bytes, origin);
  }
  // kept manifest reads, as the language server stores them, of the manifests read above (the example's own first)
  const memory = new MemoryFileSource(FUZZ_ROOT, base);
  for (const m of seeds.manifest.filter((s) => s.bytes.length < 5_000_000).slice(0, 8)) {
    const result = readManifest(m.bytes, m.path, dirname(dirname(m.path)), memory);
    if (!result.facts) continue;
    const read = { path: m.path, size: m.bytes.length, mtimeMs: 1000, result, files: new Map<string, string>() };
    add('keptRead', m.path, Buffer.from(JSON.stringify(encodeManifestRead(read))), `kept read of ${m.origin}`);
  }
  // a component file even when the example has none
  if (!seeds.componentYaml.length) {
    add(
      'componentYaml',
      join(FUZZ_ROOT, 'defs', 'dbt', 'defs.yaml'),
      Buffer.from('type: dagster_dbt.DbtProjectComponent\nattributes:\n  project: "{{ project_root }}/analytics"\n  select: "tag:daily"\n  translation:\n    key: "taxi/{{ node.name }}"\n'),
      'builtin defs.yaml',
    );
  }
  const spliceTexts = Object.values(seeds)
    .flat()
    .filter((s) => s.bytes.length < 200_000)
    .map((s) => Buffer.from(s.bytes).toString('utf8'));
  return { root: FUZZ_ROOT, exampleDir, base, seeds, spliceTexts };
}
