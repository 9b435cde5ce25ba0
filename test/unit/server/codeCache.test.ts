/**
 * The server's loader through V8's code cache (server/src/codeCache.ts), on
 * small CommonJS modules written to a temp directory. Every load runs in a
 * fresh Node process, as the server does: within one process V8 finds a
 * script it compiled before in its own compilation cache and never looks at
 * the cached data it is given.
 */
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { MAX_CODE_CACHE_BYTES, type CodeCacheStatus } from '../../../server/src/codeCache';

const LOADER = require.resolve('../../../server/src/codeCache');
const CHILD = `
const { loadWithCodeCache } = require(process.argv[1]);
const [, , moduleFile, cacheDir, save, callBig] = process.argv;
const l = loadWithCodeCache(moduleFile, cacheDir || undefined);
const e = l.exports;
const out = { status: l.status, file: l.file, answer: e.answer, where: e.where, later: e.later() };
if (callBig) out.big = e.big();
if (save) out.saved = l.save(save === 'grown' ? { ifGrown: true } : {});
process.stdout.write(JSON.stringify(out));
`;

interface Load {
  status: CodeCacheStatus;
  file?: string;
  answer: number;
  where: string;
  later: string;
  /** what save() returned, when asked to save */
  saved?: string;
}

/**
 * loadWithCodeCache in a new process. `save`: call save() after loading (`'grown'`: save({ ifGrown: true }));
 * `callBig`: first run the module's big function, compiling it.
 */
function loadWithCodeCache(moduleFile: string, cacheDir: string | undefined, save: boolean | 'grown' = false, callBig = false): Load {
  const args = ['-e', CHILD, LOADER, moduleFile, cacheDir ?? '', save === 'grown' ? 'grown' : save ? '1' : '', callBig ? '1' : ''];
  return JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8' })) as Load;
}

const MODULE = `#!/usr/bin/env node
const path = require('node:path');
function twice(n) { return 2 * n; }
exports.answer = twice(21);
exports.where = path.basename(__dirname) + '/' + path.basename(__filename);
exports.later = () => [1, 2, 3].map((x) => x * 10).join(',');
exports.big = function () {
  let s = 0;
${Array.from({ length: 400 }, (_, i) => `  s += ${i} * (s % 7) + Math.max(${i}, s & 255);`).join('\n')}
  return s;
};
`;

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

function setup(source = MODULE): { moduleFile: string; cacheDir: string } {
  const base = mkdtempSync(join(tmpdir(), 'asset-lens-code-cache-'));
  dirs.push(base);
  mkdirSync(join(base, 'dist'));
  const moduleFile = join(base, 'dist', 'serverMain.js');
  writeFileSync(moduleFile, source);
  return { moduleFile, cacheDir: join(base, 'storage', 'code-cache') };
}

/** A cache found `status` costs nothing but itself: the module loads, the cache is written again, the next load uses it. */
function assertReplaced(moduleFile: string, cacheDir: string, status: CodeCacheStatus): void {
  const l = loadWithCodeCache(moduleFile, cacheDir, true);
  assert.equal(l.status, status);
  assert.equal(l.answer, 42);
  assert.match(l.saved ?? '', new RegExp(`it was ${status}\\)`));
  assert.equal(loadWithCodeCache(moduleFile, cacheDir).status, 'used');
}

const cacheFiles = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.v8cache'));

describe('loadWithCodeCache', () => {
  test('without a directory the module is required as usual and nothing is written', () => {
    const { moduleFile } = setup();
    const loaded = loadWithCodeCache(moduleFile, undefined, true);
    assert.equal(loaded.status, 'off');
    assert.equal(loaded.answer, 42);
    assert.equal(loaded.saved, undefined);
  });

  test('first load: absent; save writes one cache; the next load runs from it with the same module', () => {
    const { moduleFile, cacheDir } = setup();
    const first = loadWithCodeCache(moduleFile, cacheDir, true);
    assert.equal(first.status, 'absent');
    assert.equal(first.where, 'dist/serverMain.js');
    assert.equal(first.later, '10,20,30');
    assert.match(first.saved ?? '', /code cache written .*it was absent/);
    assert.deepEqual(cacheFiles(cacheDir), [first.file!.slice(cacheDir.length + 1)]);
    assert.match(first.file!, /serverMain-[0-9a-f]{16}\.v8cache$/);

    const second = loadWithCodeCache(moduleFile, cacheDir, true);
    assert.equal(second.status, 'used');
    assert.equal(second.file, first.file);
    assert.equal(second.answer, 42);
    assert.equal(second.where, 'dist/serverMain.js');
    assert.equal(second.later, '10,20,30');
    // nothing new was compiled: the cache is not written again
    assert.equal(second.saved, undefined);
  });

  test('a session that compiled much more than its cache held rewrites it when asked ifGrown, and only then', () => {
    const { moduleFile, cacheDir } = setup();
    const first = loadWithCodeCache(moduleFile, cacheDir, true);
    const size = () => statSync(first.file!).size;
    const small = size();
    // used, nothing new compiled
    assert.equal(loadWithCodeCache(moduleFile, cacheDir, 'grown').saved, undefined);
    // used, big() compiled, but not asked about growth (the server after its first index)
    assert.equal(loadWithCodeCache(moduleFile, cacheDir, true, true).saved, undefined);
    assert.equal(size(), small);
    // used, big() compiled, asked at shutdown
    assert.match(loadWithCodeCache(moduleFile, cacheDir, 'grown', true).saved ?? '', /code cache written .*it was used/);
    assert.ok(size() > small * 1.1, `${size()} > ${small}`);
    // the next session has big() from the cache: nothing more to write
    const next = loadWithCodeCache(moduleFile, cacheDir, 'grown', true);
    assert.equal(next.status, 'used');
    assert.equal(next.saved, undefined);
  });

  test('a cache that fails its checksum is not given to V8; the module loads and the cache is written again', () => {
    const { moduleFile, cacheDir } = setup();
    const first = loadWithCodeCache(moduleFile, cacheDir, true);
    const bytes = readFileSync(first.file!);
    bytes[bytes.length - 10] ^= 0xff;
    writeFileSync(first.file!, bytes);
    assertReplaced(moduleFile, cacheDir, 'corrupt');
  });

  test('truncated, foreign, oversized or odd files are corrupt, never a crash', () => {
    const { moduleFile, cacheDir } = setup();
    const first = loadWithCodeCache(moduleFile, cacheDir, true);
    const good = readFileSync(first.file!);
    for (const bad of [good.subarray(0, 20), good.subarray(0, good.length - 1), Buffer.from('not a cache at all, just text'), Buffer.alloc(0)]) {
      writeFileSync(first.file!, bad);
      const l = loadWithCodeCache(moduleFile, cacheDir);
      assert.equal(l.status, 'corrupt', `${bad.length} bytes`);
      assert.equal(l.answer, 42);
    }
    // sparse: the size check answers before anything is read
    truncateSync(first.file!, MAX_CODE_CACHE_BYTES + 1);
    assert.equal(loadWithCodeCache(moduleFile, cacheDir).status, 'corrupt');
    rmSync(first.file!);
    mkdirSync(first.file!);
    assert.equal(loadWithCodeCache(moduleFile, cacheDir).status, 'corrupt');
  });

  test('a new build of the module gets its own cache and the old one is removed when it is written', () => {
    const { moduleFile, cacheDir } = setup();
    const first = loadWithCodeCache(moduleFile, cacheDir, true);
    writeFileSync(join(cacheDir, 'unrelated.v8cache'), 'kept');
    // temporary files of writes that died: an old one is removed, a fresh one (a write under way) is not
    const oldTemp = `${first.file!}.123.tmp`;
    const freshTemp = `${first.file!}.456.tmp`;
    writeFileSync(oldTemp, 'x');
    writeFileSync(freshTemp, 'x');
    const hourAgo = new Date(Date.now() - 3600_000);
    utimesSync(oldTemp, hourAgo, hourAgo);
    writeFileSync(moduleFile, MODULE.replace('twice(21)', 'twice(20) + 2'));
    const next = loadWithCodeCache(moduleFile, cacheDir, true);
    assert.equal(next.status, 'absent');
    assert.notEqual(next.file, first.file);
    assert.deepEqual(cacheFiles(cacheDir).sort(), [next.file!.slice(cacheDir.length + 1), 'unrelated.v8cache'].sort());
    assert.ok(!existsSync(oldTemp));
    assert.ok(existsSync(freshTemp));
  });

  test('a cache V8 refuses (made for another source of the same name) is reported rejected and replaced', () => {
    const { moduleFile, cacheDir } = setup();
    const first = loadWithCodeCache(moduleFile, cacheDir, true);
    // another module's cache under this module's name, with a valid checksum of our own format
    const other = setup(MODULE + '\nexports.more = "a longer source, so V8 sees another script";\n');
    const o = loadWithCodeCache(other.moduleFile, other.cacheDir, true);
    writeFileSync(first.file!, readFileSync(o.file!));
    assertReplaced(moduleFile, cacheDir, 'rejected');
  });

  test('an unwritable directory costs the cache only: save says why and does not throw', () => {
    const { moduleFile, cacheDir } = setup();
    mkdirSync(join(cacheDir, '..'), { recursive: true });
    writeFileSync(cacheDir, 'a file where the directory should be');
    const l = loadWithCodeCache(moduleFile, cacheDir, true);
    assert.equal(l.status, 'absent');
    assert.equal(l.answer, 42);
    assert.match(l.saved ?? '', /^code cache not written: /);
  });
});
