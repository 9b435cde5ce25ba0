import { test } from 'node:test';
import assert from 'node:assert/strict';
import { discover, FileClassifier } from '../../../server/src/workspace/discovery';
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
