import { test } from 'node:test';
import assert from 'node:assert/strict';
import { relative, sep } from 'node:path';
import { discover, discoverUnder, FileClassifier, toRel } from '../../../server/src/workspace/discovery';
import { withDefaults } from '../../../server/src/workspace/settings';
import { MemoryFileSource } from '../dbt/helpers';

test('discovery classifies by the path relative to its root, however the root is written', () => {
  const fs = new MemoryFileSource()
    .set('/ws/defs/assets.py', 'x')
    .set('/ws/defs/deep/more.py', 'x')
    .set('/ws/scripts/tool.py', 'x')
    .set('/ws/web/a.ts', 'x')
    .set('/ws/defs/defs.yaml', 'x')
    .set('/ws/analytics/dbt_project.yml', 'name: a')
    .set('/ws/analytics/models/m.sql', 'select 1');
  // includes that depend on the whole relative path, not only the file name
  const classifier = new FileClassifier(withDefaults({ pythonInclude: ['defs/**/*.py'], typescriptInclude: ['web/*.ts'] }));
  const expected = {
    dbtProjects: ['/ws/analytics'],
    python: ['/ws/defs/assets.py', '/ws/defs/deep/more.py'],
    typescript: ['/ws/web/a.ts'],
    componentYaml: ['/ws/defs/defs.yaml'],
  };
  const sorted = (d: ReturnType<typeof discover>) => Object.fromEntries(Object.entries(d).map(([k, v]) => [k, [...v].sort()]));
  assert.deepEqual(sorted(discover(['/ws'], fs, classifier)), expected);
  // a root with a trailing separator classifies the same files
  assert.deepEqual(sorted(discover(['/ws/'], fs, classifier)), expected);
  // rooted one level down: `defs/**` no longer matches, as the path relative to that root says
  assert.deepEqual(discover(['/ws/defs'], fs, classifier).python, []);
});

test('discovery under new folders finds what the walk from their root finds there, and nothing under a folder the walk skips', () => {
  const fs = new MemoryFileSource()
    .set('/ws/defs/old.py', 'x')
    .set('/ws/defs/moved/a.py', 'x')
    .set('/ws/defs/moved/inner/b.py', 'x')
    .set('/ws/defs/moved/__pycache__/c.py', 'x')
    .set('/ws/lake/dbt_project.yml', 'name: lake')
    .set('/ws/node_modules/pkg/d.py', 'x')
    .set('/ws/.cache/e.py', 'x')
    .set('/other/f.py', 'x');
  const classifier = new FileClassifier(withDefaults({ pythonInclude: ['defs/**/*.py', 'node_modules/**/*.py', '.cache/*.py', '*.py'] }));
  const under = (folders: string[]) => discoverUnder(['/ws'], folders, fs, classifier);
  // a folder inside another of the list is not walked twice
  assert.deepEqual(under(['/ws/defs/moved', '/ws/defs/moved/inner']).python.sort(), ['/ws/defs/moved/a.py', '/ws/defs/moved/inner/b.py']);
  assert.deepEqual(under(['/ws/lake']).dbtProjects, ['/ws/lake']);
  assert.deepEqual(under(['/ws/node_modules/pkg', '/ws/.cache', '/other']).python, [], 'under a skipped or hidden folder, or outside the roots');
  const whole = discover(['/ws'], fs, classifier);
  assert.deepEqual(under(['/ws/defs']).python.sort(), whole.python.filter((f) => f.startsWith('/ws/defs/')).sort(), 'the same files as the whole walk finds there');
});

test('a path relative to its root is path.relative\'s answer, with / separators', () => {
  const cases: [string, string][] = [
    ['/ws', '/ws/defs/a.py'],
    ['/ws', '/ws'],
    ['/ws/', '/ws/defs/a.py'],
    ['/ws', '/wsx/a.py'],
    ['/ws', '/other/a.py'],
    ['/ws', '/ws/./defs/a.py'],
    ['/ws', '/ws/defs/../b.py'],
    ['/ws', '/ws/.dagster_defs/a.py'],
    ['/home/u/.config/ws', '/home/u/.config/ws/defs/a.py'],
    ['/', '/a/b.py'],
    ['/ws', '/ws/..cfg/a.py'],
    ['/ws', '/ws/a/.'],
    ['/ws', '/ws/a/..'],
  ];
  for (const [root, path] of cases) assert.equal(toRel(root, path), relative(root, path).split(sep).join('/'), `${root} ${path}`);
});
