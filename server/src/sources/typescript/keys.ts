import type { Node } from 'web-tree-sitter';
import type { AssetKey } from '../../model/keys';
import { parseKeyPath } from '../../model/keys';
import { callRole, type ReaderContext } from './context';
import { argumentsOf, calleeOf, lastName, namedChildren, stringLiteral, unwrap } from './syntax';

/**
 * How a bare string becomes a key. `coercible`: one part, as Dagster's
 * AssetKey("a/b") and `key: "a/b"`. `path`: split on "/", as
 * AssetSelection.keys("a/b") and Pipes' `assetKey` strings.
 */
export type KeySyntax = 'coercible' | 'path';

export interface EvaluatedKey {
  key: AssetKey;
  /** offsets: the string content, or the span from the first to the last part */
  start: number;
  end: number;
  /** the key is an imported variable's local name, for the linker to resolve through the imports */
  viaImport?: true;
}

/** A string literal or a module-level string constant. */
export function evalString(ctx: ReaderContext, node: Node | null): { value: string; start: number; end: number } | null {
  const n = unwrap(node);
  if (!n) return null;
  const lit = stringLiteral(n);
  if (lit) return lit;
  if (n.type === 'identifier') {
    const value = ctx.constants.get(n.text);
    if (value !== undefined) return { value, start: n.startIndex, end: n.endIndex };
  }
  return null;
}

function stringToKey(value: string, syntax: KeySyntax): AssetKey | null {
  const key = syntax === 'path' ? parseKeyPath(value) : [value];
  return key.length > 0 && key.every((p) => p.length > 0) ? key : null;
}

function arrayKey(ctx: ReaderContext, node: Node): EvaluatedKey | null {
  const parts: string[] = [];
  let start = -1;
  let end = -1;
  for (const el of namedChildren(node)) {
    const s = evalString(ctx, el);
    if (!s || s.value.length === 0) return null;
    parts.push(s.value);
    if (start < 0) start = s.start;
    end = s.end;
  }
  if (parts.length === 0 || node.hasError) return null;
  return { key: parts, start, end };
}

/**
 * Evaluates a key expression: a string, a string array, a constant, or
 * `AssetKey(...)` / `new AssetKey(...)` / `AssetKey.fromUserString("a/b")`.
 * Marks AssetKey calls it consumed as handled. Null when not static.
 */
export function evalKey(ctx: ReaderContext, node: Node | null, syntax: KeySyntax): EvaluatedKey | null {
  const n = unwrap(node);
  if (!n) return null;
  if (n.type === 'array') return arrayKey(ctx, n);
  if (n.type === 'call_expression' || n.type === 'new_expression') {
    const callee = unwrap(calleeOf(n));
    const arg = argumentsOf(n)[0] ?? null;
    if (callRole(ctx, n) === 'assetKey') {
      ctx.handled.add(n.id);
      return evalKey(ctx, arg, 'coercible');
    }
    if (callee?.type === 'member_expression' && lastName(callee) === 'fromUserString') {
      if (ctx.names.roleOf(lastName(callee.childForFieldName('object'))) === 'assetKey') {
        ctx.handled.add(n.id);
        return evalKey(ctx, arg, 'path');
      }
    }
    return null;
  }
  const s = evalString(ctx, n);
  if (!s) return null;
  const key = stringToKey(s.value, syntax);
  return key ? { key, start: s.start, end: s.end } : null;
}

/** A key prefix: `"taxi"` or `["a", "b"]`. */
export function evalPrefix(ctx: ReaderContext, node: Node | null): string[] | null {
  const n = unwrap(node);
  if (!n) return null;
  if (n.type === 'array') return arrayKey(ctx, n)?.key.slice() ?? null;
  const s = evalString(ctx, n);
  return s && s.value ? [s.value] : null;
}
