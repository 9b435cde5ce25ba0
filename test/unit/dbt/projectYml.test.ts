import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDbtProjectYml } from '../../../server/src/sources/dbt/projectYml';

const yml = (paths: string) => `name: shop\nmodel-paths: [${paths}]\nmodels:\n  shop:\n    +meta: {team: ${paths}}\n`;

test('dbt_project.yml: a text read again gives the settings kept for it; a changed text is parsed afresh', () => {
  const first = parseDbtProjectYml(yml('models'));
  assert.deepEqual(first.modelPaths, ['models']);
  assert.equal(parseDbtProjectYml(yml('models')), first, 'the same text: the kept settings');

  // an edit of the file, even to a text of the same length, is never answered with the old settings
  const edited = parseDbtProjectYml(yml('modelz'));
  assert.deepEqual(edited.modelPaths, ['modelz']);
  assert.deepEqual(edited.configs.models, { shop: { '+meta': { team: 'modelz' } } });
  assert.deepEqual(parseDbtProjectYml(yml('models')).modelPaths, ['models']);
});

test('dbt_project.yml: only the last few texts are kept, and one dropped is parsed again to the same settings', () => {
  const first = parseDbtProjectYml(yml('kept_a'));
  for (let i = 0; i < 40; i++) parseDbtProjectYml(yml(`other_${i}`));
  const again = parseDbtProjectYml(yml('kept_a'));
  assert.notEqual(again, first, 'dropped after newer texts');
  assert.deepEqual(again, first);
});

test('dbt_project.yml: a text over 64 KB is parsed each time, not kept', () => {
  const big = yml('big') + `# ${'x'.repeat(70 * 1024)}\n`;
  const first = parseDbtProjectYml(big);
  assert.deepEqual(first.modelPaths, ['big']);
  assert.notEqual(parseDbtProjectYml(big), first);
});
