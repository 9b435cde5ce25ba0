import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readPy, textAt } from './helpers';

test('syntax errors elsewhere still yield the well-formed definitions', async () => {
  const text = `from dagster import asset, AssetKey

@asset
def first():
    pass

def broken(:
    x = = 1
    return ]

@asset(deps=["first"])
def second():
    pass

class Oops(
    def
`;
  const f = await readPy(text);
  assert.deepEqual(f.assets.map((a) => a.key), [['first'], ['second']]);
  assert.deepEqual(f.assets[1].deps.map((d) => d.target), [{ kind: 'key', key: ['first'] }]);
  assert.equal(f.diagnostics.length, 0);
});

test('half-typed decorator: the typed prefix is a reference, no crash, no bogus key', async () => {
  const text = `from dagster import asset

@asset(deps=["daily_met
def summary():
    pass

@asset
def other():
    pass
`;
  const f = await readPy(text);
  assert.deepEqual(f.assets.map((a) => a.key), [['summary'], ['other']]);
  const dep = f.assets[0].deps[0];
  assert.deepEqual(dep.target, { kind: 'key', key: ['daily_met'] });
  assert.deepEqual(dep.location.range, { start: { line: 2, character: 14 }, end: { line: 2, character: 23 } });
  assert.equal(textAt(text, dep.location.range), 'daily_met');
});

test('half-typed key= gives a null key rather than a wrong one', async () => {
  const text = `from dagster import asset

@asset(key=
def pending():
    pass
`;
  const f = await readPy(text);
  assert.equal(f.assets.length, 1);
  assert.equal(f.assets[0].key, null);
});

test('half-typed AssetKey call in a job and an empty file do not throw', async () => {
  for (const text of ['', '@', 'from dagster import AssetKey\nx = AssetKey("', 'from dagster import define_asset_job\nj = define_asset_job(name="j", selection=["a', '\u0000\u0001 garbage ((((']) {
    const f = await readPy(text);
    assert.equal(f.language, 'python');
    assert.ok(f.assets.every((a) => a.key === null || a.key.every((p) => typeof p === 'string')));
  }
  const f = await readPy('from dagster import AssetKey\nx = AssetKey("ab');
  assert.deepEqual(f.references.map((x) => x.target), [{ kind: 'key', key: ['ab'] }]);
});

test('non-ASCII text: ranges in UTF-16 code units', async () => {
  const text = `from dagster import asset

@asset(deps=["größe_😀", "after"])
def s():
    """Ünïcode."""
`;
  const f = await readPy(text);
  const [a, b] = f.assets[0].deps;
  assert.deepEqual(a.target, { kind: 'key', key: ['größe_😀'] });
  assert.equal(textAt(text, a.location.range), 'größe_😀');
  assert.equal(textAt(text, b.location.range), 'after');
  assert.equal(b.location.range.start.character, 26);
});

test('a 100k-line file parses without throwing and finds its assets', async () => {
  const chunk = (i: number) => `@asset(deps=["a${i}"])\ndef b${i}(context):\n    x = ${i}\n    return x\n\n`;
  const parts = ['from dagster import asset\n\n'];
  for (let i = 0; i < 20_000; i++) parts.push(chunk(i));
  const text = parts.join('');
  assert.ok(text.split('\n').length > 100_000);
  const f = await readPy(text);
  assert.equal(f.assets.length, 20_000);
  assert.deepEqual(f.assets[19_999].key, ['b19999']);
  assert.deepEqual(f.assets[19_999].deps[0].target, { kind: 'key', key: ['a19999'] });
});

test('large files: irrelevant statements are skipped, positions stay exact', async () => {
  const filler: string[] = [];
  for (let i = 0; i < 60_000; i++) filler.push(`value_${i} = compute(${i}, "s")  # noise`);
  filler.push('def helper(x):\n    return [x,\n            x]\n');
  filler.push('text = """\n@asset\ndef not_real():\n    pass\n"""');
  const text = `import dagster as dg\nSTART = "2023-01-01"\n${filler.join('\n')}\n\n@dg.asset(partitions_def=dg.DailyPartitionsDefinition(start_date=START), deps=["up"])\ndef last_one():\n    pass\n`;
  assert.ok(text.length > 1_000_000);
  const f = await readPy(text);
  assert.equal(f.assets.length, 1);
  const a = f.assets[0];
  assert.deepEqual(a.key, ['last_one']);
  const line = text.split('\n').findIndex((l) => l.startsWith('def last_one'));
  assert.deepEqual(a.location.range, { start: { line, character: 4 }, end: { line, character: 12 } });
  assert.deepEqual(a.partitions, { kind: 'inline', def: { shape: { type: 'daily', start: '2023-01-01' } } });
  assert.equal(textAt(text, a.deps[0].location.range), 'up');
  assert.equal(f.symbols.constants.START, '2023-01-01');
});

test('half-typed AssetKey inside a function body: the typed prefix is a mention', async () => {
  const text = `from dagster import AssetKey, asset, sensor

@sensor(job_name="j")
def watch(context):
    key = AssetKey("daily_met
    other = 2
    return None

@asset
def after():
    pass
`;
  const f = await readPy(text);
  assert.deepEqual(f.assets.map((a) => a.key), [['after']]);
  assert.deepEqual(f.references.map((x) => [x.target, x.role, textAt(text, x.location.range)]), [
    [{ kind: 'key', key: ['daily_met'] }, 'mention', 'daily_met'],
  ]);
});

test('repair keeps every original character at its line and column', async () => {
  const { repairPython } = await import('../../../server/src/sources/python/repair');
  const text = 'x = f(a, "b\n@asset(deps=[\ndef g(): pass  # c\ny = "ok" # (\n';
  const out = repairPython(text);
  assert.equal(out, 'x = f(a, "b")\n@asset(deps=[])\ndef g(): pass  # c\ny = "ok" # (\n');
  const a = text.split('\n');
  const b = out.split('\n');
  assert.equal(a.length, b.length);
  a.forEach((line, i) => assert.ok(b[i].startsWith(line.replace(/\s*#.*$/, '')), `line ${i}`));
});

test('files over the size limit are skipped with a file-skipped info, not parsed', async () => {
  const { MAX_PYTHON_CHARS } = await import('../../../server/src/sources/python');
  const text = `from dagster import asset\n@asset\ndef a(): pass\n${'#'.repeat(MAX_PYTHON_CHARS)}`;
  const f = await readPy(text);
  assert.equal(f.assets.length, 0);
  assert.deepEqual(f.diagnostics.map((d) => [d.code, d.severity]), [['file-skipped', 'info']]);
});

test('empty strings while typing name no key', async () => {
  const text = `from dagster import AssetKey, asset

@asset(deps=["
def a():
    pass

@asset(deps=[AssetKey(["x", ""])], name="")
def b():
    pass
`;
  const f = await readPy(text);
  assert.deepEqual(f.assets.map((x) => x.key), [['a'], null]);
  assert.deepEqual(f.assets.flatMap((x) => x.deps), []);
  assert.deepEqual(f.references, []);
});
