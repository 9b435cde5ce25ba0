import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Node } from 'web-tree-sitter';
import { createParser } from '../../../server/src/sources/treeSitter';
import { dottedName } from '../../../server/src/sources/python/syntax';

/** The chain walked node by node: what dottedName must give, however it gets there. */
function walked(node: Node | null): string | null {
  if (!node) return null;
  if (node.type === 'identifier') return node.text;
  if (node.type !== 'attribute') return null;
  const obj = walked(node.childForFieldName('object'));
  const attr = node.childForFieldName('attribute');
  return obj && attr ? `${obj}.${attr.text}` : null;
}

function attributes(node: Node, out: Node[] = []): Node[] {
  if (node.type === 'attribute') out.push(node);
  for (const c of node.namedChildren) if (c) attributes(c, out);
  return out;
}

test('dotted names read from the text equal the chain walked node by node', async () => {
  const source = [
    'dg.asset',
    'dagster.AssetKey.from_user_string',
    'self.x.y',
    'a . b',
    '(a .\n  b .c)',
    'a.b  # a comment',
    '(a  # inside\n .b)',
    'None.x',
    'True.y.z',
    'f().b',
    'a[0].b',
    '(a).b',
    'é.b',
    'a.é',
    'x1._y2.__z__',
    '"s".upper',
    '1 .real',
    'print.x',
    'await.x',
    'a.b.c.d.e.f.g',
  ].join('\n');
  const parser = await createParser('python');
  const tree = parser.parse(source)!;
  try {
    const found = attributes(tree.rootNode);
    assert.ok(found.length >= 25, `${found.length} attribute nodes`);
    let named = 0;
    for (const a of found) {
      const expected = walked(a);
      if (expected) named++;
      assert.equal(dottedName(a), expected, a.text);
    }
    assert.ok(named >= 10, 'plain chains among them');
  } finally {
    tree.delete();
  }
});
