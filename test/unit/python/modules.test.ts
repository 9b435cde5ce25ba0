import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { pythonModuleName } from '../../../server/src/sources/python';
import { memorySource, readPy } from './helpers';

const ROOT = path.resolve('/ws/examples/taxi');
const files = {
  [path.join(ROOT, 'defs/__init__.py')]: '',
  [path.join(ROOT, 'defs/partitions.py')]: '',
  [path.join(ROOT, 'defs/assets/__init__.py')]: '',
  [path.join(ROOT, 'defs/assets/trips.py')]: '',
  [path.join(ROOT, 'scripts/loose.py')]: '',
};

test('module names follow __init__.py packages', () => {
  const fs = memorySource(files);
  assert.deepEqual(pythonModuleName(path.join(ROOT, 'defs/assets/trips.py'), fs), { module: 'defs.assets.trips', isPackageInit: false });
  assert.deepEqual(pythonModuleName(path.join(ROOT, 'defs/assets/__init__.py'), fs), { module: 'defs.assets', isPackageInit: true });
  assert.deepEqual(pythonModuleName(path.join(ROOT, 'defs/__init__.py'), fs), { module: 'defs', isPackageInit: true });
  assert.deepEqual(pythonModuleName(path.join(ROOT, 'defs/partitions.py'), fs), { module: 'defs.partitions', isPackageInit: false });
  assert.deepEqual(pythonModuleName(path.join(ROOT, 'scripts/loose.py'), fs), { module: 'loose', isPackageInit: false });
});

test('relative imports resolve against the module (and against the package for __init__)', async () => {
  const text = `from ..partitions import daily_partition
from . import constants
from .dbt import dbt_analytics as dbt_fn
from ... import top_level
import defs.partitions
`;
  const f = await readPy(text, 'defs.assets.trips');
  assert.deepEqual(f.symbols.imports, {
    daily_partition: { module: 'defs.partitions', name: 'daily_partition' },
    constants: { module: 'defs.assets', name: 'constants' },
    dbt_fn: { module: 'defs.assets.dbt', name: 'dbt_analytics' },
    top_level: { module: '', name: 'top_level' },
    defs: { module: 'defs', name: '' },
  });
  const init = await readPy('from .trips import taxi_trips\nfrom ..partitions import monthly_partition\n', 'defs.assets', true);
  assert.deepEqual(init.symbols.imports, {
    taxi_trips: { module: 'defs.assets.trips', name: 'taxi_trips' },
    monthly_partition: { module: 'defs.partitions', name: 'monthly_partition' },
  });
  assert.equal(init.symbols.module, 'defs.assets');
});
