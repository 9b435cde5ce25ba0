import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readTypeScriptFile } from '../../../server/src/sources/typescript';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CodeFileFacts } from '../../../server/src/model/code';
import type { Range } from '../../../server/src/model/location';
import { repoRoot, span, spanOf } from './support';

const FILE = '/proj/src/broken.ts';

test('syntax errors elsewhere still yield the good definitions', async () => {
  const text = [
    'export const good = asset({ key: "good", deps: ["up"] }, fn);', // 0
    'function broken( { return ]]] }}} ;;; (((', // 1
    'const x = = = 3;', // 2
    'export const alsoGood = asset({ key: ["also", "good"] }, fn);', // 3
  ].join('\n');
  const f = await readTypeScriptFile(FILE, text);
  assert.deepEqual(
    f.assets.map((a) => [a.key, span(a.location.range)]),
    [
      [['good'], '0:34-0:38'],
      [['also', 'good'], '3:39-3:51'],
    ],
  );
  assert.deepEqual(f.assets[0].deps.map((d) => d.target), [{ kind: 'key', key: ['up'] }]);
  // parse errors are the editor's business, not ours
  assert.deepEqual(f.diagnostics, []);
});

test('a half-typed key yields no bogus key and does not break later definitions', async () => {
  for (const partial of ['asset({ key: "sta', 'const a = asset({ key: "sta', 'const a = asset({ key: `sta', 'const a = asset({ key: ["a", "b']) {
    const alone = await readTypeScriptFile(FILE, partial);
    assert.ok(
      alone.assets.every((a) => a.key === null),
      `no key from ${JSON.stringify(partial)}: ${JSON.stringify(alone.assets.map((a) => a.key))}`,
    );
    assert.ok(!JSON.stringify(alone).includes('"sta"'), `no "sta" anywhere for ${partial}`);
    const followed = await readTypeScriptFile(FILE, `${partial}\nexport const next = asset({ key: "next" }, fn);\n`);
    assert.ok(!followed.assets.some((a) => a.key?.some((p) => p.startsWith('sta'))), `no sta* key for ${partial}`);
  }
});

test('a key that is present but not static gives key null (no fallback to the variable name)', async () => {
  const text = 'export const byVar = asset({ key: makeKey("x") }, fn);\nexport const tmpl = asset({ key: `a_${suffix}` }, fn);';
  const f = await readTypeScriptFile(FILE, text);
  assert.deepEqual(
    f.assets.map((a) => a.key),
    [null, null],
  );
  assert.equal(span(f.assets[0].location.range), spanOf(text, 'makeKey("x")'));
  assert.deepEqual(f.symbols.definitions, { byVar: [], tmpl: [] });
});

test('UTF-16 positions: an astral character before a key on the same line', async () => {
  const text = 'const note = "🚕🚕"; export const t = asset({ key: "trips_🚕", deps: ["zones"] }, fn);';
  const f = await readTypeScriptFile(FILE, text);
  const a = f.assets[0];
  assert.deepEqual(a.key, ['trips_🚕']);
  // each 🚕 is two UTF-16 code units: "trips_🚕" content starts at 52, not 50 (code points) or 56 (UTF-8 bytes)
  assert.equal(span(a.location.range), '0:52-0:60');
  assert.equal(span(a.location.range), spanOf(text, 'trips_🚕'));
  assert.equal(span(a.deps[0].location.range), spanOf(text, 'zones'));
});

test('escaped strings are unescaped in keys', async () => {
  const f = await readTypeScriptFile(FILE, 'asset({ key: "a\\u0062c" }, fn); asset({ key: \'it\\\'s\' }, fn);');
  assert.deepEqual(
    f.assets.map((a) => a.key),
    [['abc'], ["it's"]],
  );
});

test('a 100k-line file reads without throwing and finds its definitions', async () => {
  const lines: string[] = [];
  for (let i = 0; i < 100_000; i++) {
    lines.push(i % 1000 === 0 ? `export const a${i} = asset({ key: "k${i}", deps: ["k${i - 1000}"] }, fn);` : `let v${i} = ${i};`);
  }
  const f = await readTypeScriptFile(FILE, lines.join('\n'));
  assert.equal(f.assets.length, 100);
  assert.deepEqual(f.assets[99].key, ['k99000']);
  assert.equal(f.assets[99].location.range.start.line, 99_000);
  assert.deepEqual(f.assets[99].deps[0].target, { kind: 'key', key: ['k98000'] });
});

test('deeply nested expressions do not overflow the walk', async () => {
  const depth = 5000;
  const text = `const x = ${'['.repeat(depth)}AssetKey("deep")${']'.repeat(depth)};`;
  const f = await readTypeScriptFile(FILE, text);
  assert.ok(Array.isArray(f.references));
});

test('empty and non-TypeScript input', async () => {
  for (const text of ['', '\u0000\u0001binary\uffff', '<<<<<<< HEAD\n=======\n>>>>>>> x']) {
    const f = await readTypeScriptFile(FILE, text);
    assert.deepEqual(f.assets, []);
    assert.equal(f.file, FILE);
  }
});

test('.tsx files use the TSX grammar', async () => {
  const text = 'export const View = () => <div className="x">{label}</div>;\nexport const a = asset({ key: "from_tsx" }, fn);';
  const f = await readTypeScriptFile('/proj/src/view.tsx', text);
  assert.deepEqual(
    f.assets.map((a) => a.key),
    [['from_tsx']],
  );
  assert.equal(f.symbols.module, '/proj/src/view');
});

/** Every range lies inside the text, every key has non-empty parts. */
function assertSane(f: CodeFileFacts, text: string, what: string): void {
  const lines = text.split('\n');
  const inside = (r: Range) =>
    r.start.line < lines.length &&
    r.end.line < lines.length &&
    r.start.character <= lines[r.start.line].length &&
    r.end.character <= lines[r.end.line].length &&
    (r.start.line < r.end.line || r.start.character <= r.end.character);
  const keyOk = (k: readonly string[] | null) => k === null || (k.length > 0 && k.every((p) => p.length > 0));
  for (const a of f.assets) {
    assert.ok(keyOk(a.key), `${what}: key ${JSON.stringify(a.key)}`);
    assert.ok(inside(a.location.range) && inside(a.extent.range), `${what}: asset ranges`);
    for (const d of a.deps) assert.ok(inside(d.location.range), `${what}: dep range`);
  }
  for (const r of f.references) {
    assert.ok(r.target.kind !== 'key' || keyOk(r.target.key), `${what}: reference key`);
    assert.ok(inside(r.location.range), `${what}: reference range`);
  }
}

test('every prefix of the example asset file reads sanely (typing it from scratch)', async () => {
  const file = join(repoRoot, 'examples/taxi/ts/zoneReport.ts');
  const full = readFileSync(file, 'utf8');
  let lastKeys = '';
  for (let end = 0; end <= full.length; end++) {
    const text = full.slice(0, end);
    const f = await readTypeScriptFile(file, text);
    assertSane(f, text, `prefix ${end}`);
    // while the key literal is unterminated there is no key starting "zone_repor"
    for (const a of f.assets) {
      const k = a.key?.join('/') ?? '';
      assert.ok(k === 'zone_report' || !k.startsWith('zone_'), `prefix ${end}: partial key ${k}`);
    }
    lastKeys = JSON.stringify(f.assets.map((a) => a.key));
  }
  assert.equal(lastKeys, '[["zone_report"]]');
});
