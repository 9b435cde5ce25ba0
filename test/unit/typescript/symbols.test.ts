import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readTypeScriptFile, moduleIdOf, resolveImport } from '../../../server/src/sources/typescript';

const DIR = join('/proj', 'src', 'defs');
const FILE = join(DIR, 'assets.ts');

test('module id is the absolute path without extension', async () => {
  assert.equal(moduleIdOf('/a/b/c.ts'), '/a/b/c');
  assert.equal(moduleIdOf('/a/b/c.tsx'), '/a/b/c');
  assert.equal(moduleIdOf('/a/b/c.d.ts'), '/a/b/c');
  assert.equal(moduleIdOf('/a/b/c.mts'), '/a/b/c');
  // an index file is its directory, as TypeScript resolves `./b`
  assert.equal(moduleIdOf('/a/b/index.ts'), '/a/b');
  assert.equal(resolveImport('/a/x.ts', './b'), moduleIdOf('/a/b/index.ts'));
  const f = await readTypeScriptFile(FILE, '');
  assert.equal(f.symbols.module, join(DIR, 'assets'));
});

test('imports: named, aliased, default, namespace, relative with and without extension, packages', async () => {
  const text = [
    'import { dailyPartition } from "./partitions";',
    'import { monthly as m, START } from "../shared/partitions.js";',
    'import defs from "./defs";',
    'import * as P from "./all/index";',
    'import { asset } from "@acme/dagster-ts";',
    'import type { AssetOptions } from "./types";',
  ].join('\n');
  const f = await readTypeScriptFile(FILE, text);
  assert.deepEqual(f.symbols.imports, {
    dailyPartition: { module: join(DIR, 'partitions'), name: 'dailyPartition' },
    m: { module: join('/proj', 'src', 'shared', 'partitions'), name: 'monthly' },
    START: { module: join('/proj', 'src', 'shared', 'partitions'), name: 'START' },
    defs: { module: join(DIR, 'defs'), name: 'default' },
    P: { module: join(DIR, 'all'), name: '*' },
    asset: { module: '@acme/dagster-ts', name: 'asset' },
    AssetOptions: { module: join(DIR, 'types'), name: 'AssetOptions' },
  });
  assert.equal(resolveImport(FILE, './x.ts'), join(DIR, 'x'));
});

test('constants, partitions and definitions are module-level only', async () => {
  const text = [
    'export const RAW = "raw_trips";',
    'const notAString = 42;',
    'let mutable = "may change";',
    'function inner() { const hidden = "no"; const alsoHidden = new DailyPartitionsDefinition({ startDate: "2023-01-01" }); }',
    'export const daily = new DailyPartitionsDefinition({ startDate: "2023-01-01" });',
    'export const fromConst = asset({ key: RAW }, fn);',
    'export const many = multiAsset({ specs: [assetSpec({ key: "m1" }), assetSpec({ key: ["m", "2"] })] }, fn);',
  ].join('\n');
  const f = await readTypeScriptFile(FILE, text);
  assert.deepEqual(f.symbols.constants, { RAW: 'raw_trips' });
  assert.deepEqual(Object.keys(f.symbols.partitions), ['daily']);
  assert.deepEqual(f.symbols.definitions, { fromConst: ['raw_trips'], many: ['m1', 'm/2'] });
  // a key given by a constant: the range is the identifier
  assert.deepEqual(f.assets[0].key, ['raw_trips']);
  assert.deepEqual(f.assets[0].location.range, { start: { line: 5, character: 38 }, end: { line: 5, character: 41 } });
});
