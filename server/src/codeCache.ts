/**
 * Runs a CommonJS bundle through V8's code cache, the way VS Code starts its
 * own processes: the bytecode of every function the last session compiled is
 * read back instead of being compiled again. For the language server that is
 * about half of its fixed start-up cost (≈ 22 → 11 ms to load the bundle,
 * and ≈ 10 ms less on the first index, whose functions are otherwise compiled
 * as they are first called).
 *
 * V8 checks that a cache was made by the same V8 and flags, but it knows a
 * script's source only by its length; a cache is therefore named after the
 * hash of the source (and of the runtime), and carries a checksum of its own
 * bytes, so a cache from another build, another Node or a torn write is never
 * handed to V8. A cache that cannot be read, or that V8 rejects, costs
 * nothing but the compile it was meant to save, and is written again.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';

/** How the bundle was loaded. */
export type CodeCacheStatus =
  /** no cache directory given: loaded as a plain script */
  | 'off'
  /** no cache for this build and runtime yet */
  | 'absent'
  /** loaded from the cache */
  | 'used'
  /** V8 refused the cache (another V8 build or flags) */
  | 'rejected'
  /** the file was unreadable, too big, or failed its checksum */
  | 'corrupt';

export interface CodeCachedModule {
  exports: unknown;
  status: CodeCacheStatus;
  /** the cache file for this build and runtime; undefined when off */
  file: string | undefined;
  /** milliseconds from reading the bundle to its exports */
  loadMs: number;
  /**
   * Writes the cache when there is none yet or it was refused or unreadable;
   * with `ifGrown`, also when this session compiled a good deal more than the
   * cache held (finding out costs a few milliseconds: the server asks at
   * shutdown, not while someone waits). Functions compiled by the time of the
   * call are in the cache. Returns a line for the log, undefined when nothing
   * was written. Never throws.
   */
  save(options?: { ifGrown?: boolean }): string | undefined;
}

const MAGIC = Buffer.from('ALCC\u0001\u0000\u0000\u0000', 'latin1');
const CHECKSUM_BYTES = 32;
const HEADER_BYTES = MAGIC.length + CHECKSUM_BYTES;
/** a cache past this size is not a cache of our bundle (ours is under 1 MB) */
export const MAX_CODE_CACHE_BYTES = 64 * 1024 * 1024;
/** a session that compiled this much more than its cache held writes it again */
const GROWTH_TO_REWRITE = 1.1;

function runtimeKey(source: string): string {
  return createHash('sha256')
    .update(source)
    .update('\u0000')
    .update([process.version, process.versions.v8, process.arch, process.platform, process.execArgv.join(' ')].join('\u0000'))
    .digest('hex')
    .slice(0, 16);
}

/** `<name>-<16 hex>.v8cache`: one per bundle name in a directory. */
function cacheFileName(moduleFile: string, key: string): string {
  return `${basename(moduleFile, '.js')}-${key}.v8cache`;
}

function isCacheOf(name: string, moduleFile: string): boolean {
  const prefix = basename(moduleFile, '.js') + '-';
  return name.startsWith(prefix) && /^[0-9a-f]{16}\.v8cache$/.test(name.slice(prefix.length));
}

/** a temporary file this old was left by a write that never finished */
const STALE_TEMP_MS = 10 * 60 * 1000;

/** Another build's cache, or a temporary file of a write that died. */
function isLeftOver(path: string, name: string, moduleFile: string): boolean {
  if (isCacheOf(name, moduleFile)) return true;
  const m = /^(.*\.v8cache)\.\d+\.tmp$/.exec(name);
  if (!m || !isCacheOf(m[1], moduleFile)) return false;
  const st = statSync(path, { throwIfNoEntry: false });
  return st !== undefined && Date.now() - st.mtimeMs > STALE_TEMP_MS;
}

/** The cache's V8 payload, or a reason it has none. */
function readCache(file: string): Buffer | 'absent' | 'corrupt' {
  let bytes: Buffer;
  try {
    const st = statSync(file, { throwIfNoEntry: false });
    if (!st) return 'absent';
    if (!st.isFile() || st.size > MAX_CODE_CACHE_BYTES || st.size <= HEADER_BYTES) return 'corrupt';
    bytes = readFileSync(file);
  } catch (err) {
    // the directory is not one (save will say so)
    return (err as NodeJS.ErrnoException).code === 'ENOTDIR' ? 'absent' : 'corrupt';
  }
  if (!bytes.subarray(0, MAGIC.length).equals(MAGIC)) return 'corrupt';
  const payload = bytes.subarray(HEADER_BYTES);
  const sum = createHash('sha256').update(payload).digest();
  return sum.equals(bytes.subarray(MAGIC.length, HEADER_BYTES)) ? payload : 'corrupt';
}

function withHeader(payload: Buffer): Buffer {
  return Buffer.concat([MAGIC, createHash('sha256').update(payload).digest(), payload]);
}

/**
 * Loads `moduleFile` (a CommonJS bundle) as `require` would, through the code
 * cache in `cacheDir` when one is given. The bundle must not use dynamic
 * `import()`: a function read from a code cache loses the callback that
 * import() needs (Node 20), so such a call would throw.
 */
export function loadWithCodeCache(moduleFile: string, cacheDir: string | undefined): CodeCachedModule {
  const started = performance.now();
  if (cacheDir === undefined) {
    const exports = createRequire(moduleFile)(moduleFile) as unknown;
    return { exports, status: 'off', file: undefined, loadMs: performance.now() - started, save: () => undefined };
  }
  // a #! line is legal for node's loader but not inside the function wrapper
  const source = readFileSync(moduleFile, 'utf8').replace(/^#!.*/, '');
  const file = join(cacheDir, cacheFileName(moduleFile, runtimeKey(source)));
  const cached = readCache(file);
  const script = new Script(`(function (exports, require, module, __filename, __dirname) { ${source}\n});`, {
    filename: moduleFile,
    cachedData: typeof cached === 'string' ? undefined : cached,
  });
  let status: CodeCacheStatus = typeof cached === 'string' ? cached : script.cachedDataRejected ? 'rejected' : 'used';
  const mod = { exports: {} as unknown, filename: moduleFile, id: moduleFile, loaded: false };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(mod.exports, mod.exports, createRequire(moduleFile), mod, moduleFile, dirname(moduleFile));
  mod.loaded = true;
  const loadMs = performance.now() - started;
  const loadedBytes = typeof cached === 'string' ? 0 : cached.length;

  const save = (options: { ifGrown?: boolean } = {}): string | undefined => {
    if (status === 'used' && !options.ifGrown) return undefined;
    try {
      const payload = script.createCachedData();
      if (status === 'used' && payload.length < loadedBytes * GROWTH_TO_REWRITE) return undefined;
      mkdirSync(cacheDir, { recursive: true });
      // written aside and renamed: another window's server may be reading it
      const temp = `${file}.${process.pid}.tmp`;
      try {
        writeFileSync(temp, withHeader(payload));
        renameSync(temp, file);
      } catch (err) {
        try {
          unlinkSync(temp);
        } catch {
          // never written
        }
        throw err;
      }
      for (const name of readdirSync(cacheDir)) {
        if (name === basename(file) || !isLeftOver(join(cacheDir, name), name, moduleFile)) continue;
        try {
          unlinkSync(join(cacheDir, name));
        } catch {
          // another server may have removed it first
        }
      }
      const was = status;
      status = 'used';
      return `code cache written (${Math.round(payload.length / 1024)} KiB; it was ${was}): ${file}`;
    } catch (err) {
      return `code cache not written: ${(err as Error).message}`;
    }
  };
  return {
    exports: mod.exports,
    get status() {
      return status;
    },
    file,
    loadMs,
    save,
  };
}
