import type { Node } from 'web-tree-sitter';
import type { Location, Range } from '../../model/location';

/**
 * Small helpers over tree-sitter-python nodes: literal strings, call
 * arguments, ranges. Positions come straight from tree-sitter, which counts
 * columns in UTF-16 code units for JavaScript strings (as LSP does).
 */

export function nodeRange(node: Node): Range {
  return {
    start: { line: node.startPosition.row, character: node.startPosition.column },
    end: { line: node.endPosition.row, character: node.endPosition.column },
  };
}

export function nodeLocation(file: string, node: Node): Location {
  return { file, range: nodeRange(node) };
}

/** Range between two nodes: start of `a` to end of `b`. */
export function spanRange(a: Node, b: Node): Range {
  return { start: nodeRange(a).start, end: nodeRange(b).end };
}

export interface StringLiteral {
  value: string;
  /** the content between the quotes */
  range: Range;
  node: Node;
}

/** A part of an f-string: literal text or an interpolated expression. */
export type FStringPart = { kind: 'text'; text: string } | { kind: 'expr'; node: Node; hasFormat: boolean };

// All children in one wasm call: `child(i)` / `namedChild(i)` walk the
// siblings from the first each time, quadratic on a node with thousands of
// children (a long module, a 100,000-element list, an error node).
function children(node: Node): Node[] {
  return node.children.filter((c): c is Node => c !== null);
}

export function namedChildren(node: Node): Node[] {
  // comments are the named children dropped, and lie inside their parent's text: without a `#`
  // there is none, and no child's type is asked for (each ask is a call into tree-sitter)
  if (!node.text.includes('#')) return node.namedChildren.filter((c): c is Node => c !== null);
  return node.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
}


const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0' };

function unescape(text: string, raw: boolean): string {
  if (raw || !text.includes('\\')) return text;
  return text.replace(/\\(.)/g, (_m, c: string) => ESCAPES[c] ?? `\\${c}`);
}

function stringPrefix(node: Node): string {
  const start = node.child(0);
  if (!start || start.type !== 'string_start') return '';
  return start.text.replace(/["']+$/, '').toLowerCase();
}

/** Content range: after the opening quotes, before the closing ones (or the node end when unterminated). */
function contentRange(node: Node): Range {
  const kids = children(node);
  const open = kids[0];
  const close = kids[kids.length - 1];
  const start = open && open.type === 'string_start' ? nodeRange(open).end : nodeRange(node).start;
  const end = close && close.type === 'string_end' ? nodeRange(close).start : nodeRange(node).end;
  return { start, end };
}

/**
 * The parts of a string literal node (plain or f-string), or null for
 * anything that is not a `string` node. Implicit concatenation
 * (`"a" "b"`) is a `concatenated_string` and handled by the caller.
 */
export function stringParts(node: Node): { parts: FStringPart[]; range: Range; fstring: boolean } | null {
  if (node.type !== 'string') return null;
  const prefix = stringPrefix(node);
  const raw = prefix.includes('r');
  const fstring = prefix.includes('f');
  const parts: FStringPart[] = [];
  for (const c of children(node)) {
    if (c.type === 'string_content') parts.push({ kind: 'text', text: unescape(c.text, raw) });
    else if (c.type === 'escape_sequence') parts.push({ kind: 'text', text: unescape(c.text, raw) });
    else if (c.type === 'interpolation') {
      const expr = c.childForFieldName('expression');
      if (!expr) return null;
      const hasFormat = !!(c.childForFieldName('format_specifier') || c.childForFieldName('type_conversion'));
      parts.push({ kind: 'expr', node: expr, hasFormat });
    }
  }
  return { parts, range: contentRange(node), fstring };
}

/** `"name"` or `'name'` on one line: no prefix, no escape, no quote inside, not triple-quoted. */
const SIMPLE_STRING = /^(["'])([^"'\\\r\n]*)\1$/;

/** A plain string literal's value and content range; null for f-strings with interpolations or non-strings. */
export function stringLiteral(node: Node | null | undefined): StringLiteral | null {
  if (!node) return null;
  const type = node.type;
  if (type === 'string') {
    // most literals are simple: value and range from the text, without walking the string's parts
    const simple = SIMPLE_STRING.exec(node.text);
    if (simple) {
      const { row, column } = node.startPosition;
      return { value: simple[2], range: { start: { line: row, character: column + 1 }, end: { line: row, character: column + 1 + simple[2].length } }, node };
    }
  }
  if (type === 'concatenated_string') {
    const pieces = namedChildren(node).map((n) => stringLiteral(n));
    if (pieces.length === 0 || pieces.some((p) => !p)) return null;
    const ok = pieces as StringLiteral[];
    return { value: ok.map((p) => p.value).join(''), range: { start: ok[0].range.start, end: ok[ok.length - 1].range.end }, node };
  }
  const sp = stringParts(node);
  if (!sp) return null;
  let value = '';
  for (const p of sp.parts) {
    if (p.kind !== 'text') return null;
    value += p.text;
  }
  return { value, range: sp.range, node };
}

/** Elements of a list / tuple / set literal, or null. Parenthesised single expressions unwrap. */
export function sequenceElements(node: Node | null | undefined): Node[] | null {
  if (!node) return null;
  const n = unwrap(node);
  if (n.type === 'list' || n.type === 'tuple' || n.type === 'set') return namedChildren(n);
  return null;
}

/** Strip redundant parentheses. */
export function unwrap(node: Node): Node {
  let n = node;
  while (n.type === 'parenthesized_expression') {
    const inner = namedChildren(n)[0];
    if (!inner) break;
    n = inner;
  }
  return n;
}

/** Range strictly inside a bracketed node (list, argument list): after the opener, before the closer. */
export function innerRange(node: Node): Range {
  const kids = children(node);
  const first = kids[0];
  const last = kids[kids.length - 1];
  const start = first && !first.isNamed ? nodeRange(first).end : nodeRange(node).start;
  const end = last && !last.isNamed && last !== first && !last.isMissing ? nodeRange(last).start : nodeRange(node).end;
  return { start, end };
}

export interface CallArgs {
  positional: Node[];
  keyword: Map<string, { name: Node; value: Node }>;
  /** the argument_list node */
  node: Node;
}

export function callArgs(call: Node): CallArgs | null {
  const list = call.childForFieldName('arguments');
  if (!list || list.type !== 'argument_list') return null;
  const positional: Node[] = [];
  const keyword = new Map<string, { name: Node; value: Node }>();
  for (const a of namedChildren(list)) {
    if (a.type === 'keyword_argument') {
      const name = a.childForFieldName('name');
      const value = a.childForFieldName('value');
      if (name && value) keyword.set(name.text, { name, value });
    } else if (a.type !== 'list_splat' && a.type !== 'dictionary_splat' && a.type !== 'ERROR') {
      positional.push(a);
    }
  }
  return { positional, keyword, node: list };
}

/** Keyword argument `name`, else positional argument `index` (when given). */
export function argument(args: CallArgs | null, name: string, index?: number): Node | undefined {
  if (!args) return undefined;
  const kw = args.keyword.get(name);
  if (kw) return kw.value;
  if (index !== undefined) return args.positional[index];
  return undefined;
}

/** `a.b.c` written plainly (no spaces, comments, line breaks; ASCII names), as most attribute chains are. */
const PLAIN_CHAIN = /^([A-Za-z_]\w*)(?:\.[A-Za-z_]\w*)+$/;
/** first segments that parse as something other than an identifier */
const NOT_IDENTIFIERS = new Set(['None', 'True', 'False', 'print', 'exec', 'await', 'lambda', 'not', 'yield']);

/** "a.b.c" for identifier / attribute chains, else null. */
export function dottedName(node: Node | null | undefined): string | null {
  if (!node) return null;
  const type = node.type;
  if (type === 'identifier') return node.text;
  if (type === 'attribute') {
    // one read of the text instead of a walk down the chain (each step is several calls into tree-sitter)
    const text = node.text;
    const plain = PLAIN_CHAIN.exec(text);
    if (plain && !NOT_IDENTIFIERS.has(plain[1])) return text;
    const obj = dottedName(node.childForFieldName('object'));
    const attr = node.childForFieldName('attribute');
    return obj && attr ? `${obj}.${attr.text}` : null;
  }
  return null;
}

/** Integer literal value (with unary minus), or null. */
export function intLiteral(node: Node | null | undefined): number | null {
  if (!node) return null;
  const n = unwrap(node);
  if (n.type === 'integer') {
    const v = Number(n.text.replace(/_/g, ''));
    return Number.isFinite(v) ? v : null;
  }
  if (n.type === 'unary_operator') {
    const arg = n.childForFieldName('argument');
    const op = n.child(0)?.text;
    const v = intLiteral(arg);
    if (v === null) return null;
    return op === '-' ? -v : v;
  }
  return null;
}

/** The docstring of a function / class body, if its first statement is a string. */
export function docstring(def: Node): string | undefined {
  const body = def.childForFieldName('body');
  const first = body ? namedChildren(body)[0] : undefined;
  if (!first || first.type !== 'expression_statement') return undefined;
  const s = stringLiteral(namedChildren(first)[0]);
  return s ? cleanDoc(s.value) : undefined;
}

/** inspect.cleandoc, roughly: strip common indentation and blank edges. */
export function cleanDoc(text: string): string {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const rest = lines.slice(1).filter((l) => l.trim().length > 0);
  const indent = rest.length ? Math.min(...rest.map((l) => l.length - l.trimStart().length)) : 0;
  const out = [lines[0].trim(), ...lines.slice(1).map((l) => l.slice(indent).trimEnd())];
  while (out.length && !out[0]) out.shift();
  while (out.length && !out[out.length - 1]) out.pop();
  return out.join('\n');
}
