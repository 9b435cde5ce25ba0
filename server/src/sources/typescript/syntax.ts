import type { Node } from 'web-tree-sitter';

/**
 * Small read-only helpers over tree-sitter-typescript nodes. Everything here
 * tolerates ERROR and MISSING nodes: a value that is not fully written is
 * reported as absent rather than guessed.
 */

/** Wrappers that do not change a value: `(x)`, `x as const`, `x satisfies T`, `x!`. */
const TRANSPARENT = new Set(['parenthesized_expression', 'as_expression', 'satisfies_expression', 'non_null_expression']);

export function unwrap(node: Node | null | undefined): Node | null {
  let n = node ?? null;
  while (n && TRANSPARENT.has(n.type)) n = n.namedChild(0);
  return n;
}

export function namedChildren(node: Node): Node[] {
  const out: Node[] = [];
  for (const c of node.namedChildren) if (c && c.type !== 'comment') out.push(c);
  return out;
}

/** The last name of a callee: `asset` for `asset(...)`, `dg.asset(...)`, `new dg.AssetSpec(...)`. */
export function lastName(node: Node | null): string | undefined {
  const n = unwrap(node);
  if (!n) return undefined;
  if (n.type === 'identifier' || n.type === 'property_identifier' || n.type === 'type_identifier') return n.text;
  if (n.type === 'member_expression') return lastName(n.childForFieldName('property'));
  return undefined;
}

/** The function part of a call or `new` expression. */
export function calleeOf(node: Node): Node | null {
  if (node.type === 'call_expression') return node.childForFieldName('function');
  if (node.type === 'new_expression') return node.childForFieldName('constructor');
  return null;
}

export function isCall(node: Node | null): node is Node {
  return !!node && (node.type === 'call_expression' || node.type === 'new_expression');
}

/** Argument expressions of a call (empty for `new X` without parentheses or a tagged template). */
export function argumentsOf(node: Node): Node[] {
  const args = node.childForFieldName('arguments');
  if (!args || args.type !== 'arguments') return [];
  return namedChildren(args);
}

export interface StringLiteral {
  value: string;
  /** offsets of the content between the quotes */
  start: number;
  end: number;
}

/**
 * A string literal or substitution-free template, with its content offsets.
 * Unterminated strings (a MISSING closing quote, an ERROR inside) yield null.
 */
export function stringLiteral(node: Node | null): StringLiteral | null {
  const n = unwrap(node);
  if (!n || (n.type !== 'string' && n.type !== 'template_string')) return null;
  if (n.hasError || n.isMissing) return null;
  const raw = n.text;
  if (raw.length < 2) return null;
  const quote = raw[0];
  if (raw[raw.length - 1] !== quote) return null;
  for (const c of namedChildren(n)) {
    if (c.type === 'template_substitution') return null;
    if (c.isMissing) return null;
  }
  // The closing quote may be a zero-width MISSING token, which text does not show.
  const last = n.child(n.childCount - 1);
  if (!last || last.isMissing || last.startIndex === last.endIndex) return null;
  return { value: unescape(raw.slice(1, -1)), start: n.startIndex + 1, end: n.endIndex - 1 };
}

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', '0': '\0' };

function unescape(s: string): string {
  if (!s.includes('\\')) return s;
  return s.replace(/\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|\r\n|[\s\S])/g, (_m, e: string) => {
    if (e[0] === 'u' && e.length > 1) return String.fromCodePoint(parseInt(e[1] === '{' ? e.slice(2, -1) : e.slice(1), 16));
    if (e[0] === 'x' && e.length === 3) return String.fromCharCode(parseInt(e.slice(1), 16));
    if (e === '\n' || e === '\r\n' || e === '\r') return '';
    return SIMPLE_ESCAPES[e] ?? e;
  });
}

/** `{ a: 1, b }` → name → value node (shorthand `b` maps to its identifier). Later pairs win, as in JS. */
export function objectProperties(node: Node | null): Map<string, { key: Node; value: Node }> {
  const out = new Map<string, { key: Node; value: Node }>();
  const n = unwrap(node);
  if (!n || n.type !== 'object') return out;
  for (const c of namedChildren(n)) {
    if (c.type === 'pair') {
      const key = c.childForFieldName('key');
      const value = c.childForFieldName('value');
      if (!key || !value) continue;
      const name = propertyName(key);
      if (name !== undefined) out.set(name, { key, value });
    } else if (c.type === 'shorthand_property_identifier') {
      out.set(c.text, { key: c, value: c });
    }
  }
  return out;
}

function propertyName(key: Node): string | undefined {
  if (key.type === 'property_identifier' || key.type === 'identifier' || key.type === 'number') return key.text;
  const s = stringLiteral(key);
  return s ? s.value : undefined;
}

/** The first object-literal argument of a call, if any. */
export function optionsArgument(call: Node): Node | null {
  for (const a of argumentsOf(call)) {
    const u = unwrap(a);
    if (u && u.type === 'object') return u;
  }
  return null;
}

/** Integer literal (`5`, `-1`), else null. */
export function integerLiteral(node: Node | null): number | null {
  const n = unwrap(node);
  if (!n) return null;
  if (n.type === 'number' && /^\d+$/.test(n.text)) return Number(n.text);
  if (n.type === 'unary_expression' && n.text.replace(/\s+/g, '').match(/^-\d+$/)) return Number(n.text.replace(/\s+/g, ''));
  return null;
}

/**
 * The statement a call stands in, for "whole definition" extents: climbs
 * through declarations, exports and wrappers, stopping at anything else.
 */
const STATEMENT_CHAIN = new Set([
  'variable_declarator',
  'lexical_declaration',
  'variable_declaration',
  'export_statement',
  'expression_statement',
  'await_expression',
  ...TRANSPARENT,
]);

export function enclosingStatement(node: Node): Node {
  let n = node;
  while (n.parent && STATEMENT_CHAIN.has(n.parent.type)) n = n.parent;
  return n;
}

/** The identifier a call's value is bound to (`const x = asset(...)`), if directly. */
export function boundName(node: Node): Node | null {
  let n = node;
  while (n.parent && (TRANSPARENT.has(n.parent.type) || n.parent.type === 'await_expression')) n = n.parent;
  const p = n.parent;
  if (p && p.type === 'variable_declarator' && p.childForFieldName('value')?.id === n.id) {
    const name = p.childForFieldName('name');
    if (name && name.type === 'identifier') return name;
  }
  return null;
}
