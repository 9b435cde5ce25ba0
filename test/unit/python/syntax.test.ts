import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Node } from 'web-tree-sitter';
import { createParser } from '../../../server/src/sources/treeSitter';
import { dottedName, namedChildren, stringLiteral, stringParts } from '../../../server/src/sources/python/syntax';

/** The chain walked node by node: what dottedName must give, however it gets there. */
function walked(node: Node | null): string | null {
  if (!node) return null;
  if (node.type === 'identifier') return node.text;
  if (node.type !== 'attribute') return null;
  const obj = walked(node.childForFieldName('object'));
  const attr = node.childForFieldName('attribute');
  return obj && attr ? `${obj}.${attr.text}` : null;
}

/** Runs `check` on the parse tree of `source`, then frees the tree. */
async function withTree(source: string, check: (root: Node) => void): Promise<void> {
  const tree = (await createParser('python')).parse(source)!;
  try {
    check(tree.rootNode);
  } finally {
    tree.delete();
  }
}

/** Every node of a type under `node`, in document order. */
function nodesOfType(node: Node, type: string, out: Node[] = []): Node[] {
  if (node.type === type) out.push(node);
  for (const c of node.namedChildren) if (c) nodesOfType(c, type, out);
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
  await withTree(source, (root) => {
    const found = nodesOfType(root, 'attribute');
    assert.ok(found.length >= 25, `${found.length} attribute nodes`);
    let named = 0;
    for (const a of found) {
      const expected = walked(a);
      if (expected) named++;
      assert.equal(dottedName(a), expected, a.text);
    }
    assert.ok(named >= 10, 'plain chains among them');
  });
});

test('simple string literals read from the text equal the literal read part by part', async () => {
  const source = [
    'a = "name"',
    "b = 'name'",
    'c = ""',
    'd = "é中 and 😀 emoji"',
    '    e = ["x", \'y\', "with space", "a.b/c-d"]',
    'f = "esc\\"aped"',
    'g = "back\\\\slash"',
    'h = r"raw\\d"',
    'i = f"f{x}"',
    'j = b"bytes"',
    'k = """triple"""',
    "l = '''triple'''",
    'm = "it\'s"',
    'n = "tab\\there"',
    'o = u"unicode prefix"',
    'p = "unterminated',
    'q = "{braces}"',
    '😀 = "after astral"',
  ].join('\n');
  await withTree(source, (root) => {
    const found = nodesOfType(root, 'string');
    assert.ok(found.length >= 18, `${found.length} string nodes`);
    for (const s of found) {
      const parts = stringParts(s);
      const value = parts && parts.parts.every((p) => p.kind === 'text') ? parts.parts.map((p) => (p.kind === 'text' ? p.text : '')).join('') : null;
      const lit = stringLiteral(s);
      assert.deepEqual(lit && { value: lit.value, range: lit.range }, value === null || !parts ? null : { value, range: parts.range }, s.text);
    }
  });
});

test('named children leave out comments, in nodes with and without a `#`', async () => {
  await withTree('x = [1, # one\n 2]\ny = [3, "#", 4]\nz = [5, 6]\n', (root) => {
    const lists = nodesOfType(root, 'list');
    assert.deepEqual(lists.map((l) => namedChildren(l).map((c) => c.text)), [['1', '2'], ['3', '"#"', '4'], ['5', '6']]);
  });
});
