import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyCodeFacts, type CodeFileFacts } from '../../../server/src/model/code';
import { ModuleImporters } from '../../../server/src/analysis/moduleImporters';
import { Rng } from '../../robust/lib/prng';

/** The question asked file by file: an import of another file that is the name, or a dotted tail of it, or has it as one. */
function bruteImportedBesides(files: CodeFileFacts[], file: string, name: string): boolean {
  const dottedEnd = (a: string, b: string) => a.length > b.length && a[a.length - b.length - 1] === '.' && a.endsWith(b);
  return files.some(
    (f) => f.file !== file && Object.values(f.symbols.imports).some((imp) => [imp.module, `${imp.module}.${imp.name}`].some((m) => m === name || dottedEnd(name, m) || dottedEnd(m, name))),
  );
}

test('ModuleImporters answers what reading every file answers: names, dotted tails either way, a file counted again after it changed (seeded)', () => {
  const rng = new Rng(31);
  const parts = ['pkg', 'defs', 'assets', 'a', 'b', '__init__', 'jobs'];
  const dotted = () => Array.from({ length: 1 + rng.int(3) }, () => rng.pick(parts)).join('.');
  const facts = (file: string, version: number): CodeFileFacts => {
    const f = emptyCodeFacts(file, 'python', dotted());
    for (let i = rng.int(4); i > 0; i--) f.symbols.imports[`n${version}_${i}`] = { module: rng.chance(0.1) ? `.${dotted()}` : dotted(), name: rng.pick(parts) };
    return f;
  };
  let files = Array.from({ length: 12 }, (_, i) => facts(`/ws/f${i}.py`, 0));
  const importers = new ModuleImporters(files);
  let yes = 0;
  let no = 0;
  for (let step = 0; step < 300; step++) {
    if (rng.chance(0.3)) {
      // a file's facts change: counted again, maybe twice
      const i = rng.int(files.length);
      files = files.map((f, k) => (k === i ? facts(f.file, step) : f));
      importers.setFile(files[i]);
      if (rng.chance(0.3)) importers.setFile(files[i]);
    }
    const file = rng.pick(files).file;
    const name = rng.chance(0.5) ? dotted() : rng.pick(files).symbols.module;
    const want = bruteImportedBesides(files, file, name);
    assert.equal(importers.importedBesides(file, name), want, `step ${step}: ${name} besides ${file}`);
    if (want) yes++;
    else no++;
  }
  assert.ok(yes > 30 && no > 30, `both answers: ${yes} yes, ${no} no`);
});
