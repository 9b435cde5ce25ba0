import { dirname, resolve } from 'node:path';
import type { Node } from 'web-tree-sitter';
import type { ReaderContext } from './context';
import { evalString } from './keys';
import { evalPartitionsCall } from './partitions';
import { namedChildren, stringLiteral, unwrap } from './syntax';

const SCRIPT_EXTENSION = /\.(d\.)?([mc]?[jt]sx?)$/;

const INDEX_FILE = /[\\/]index$/;

/**
 * The module id the linker matches imports against: the absolute path
 * without extension, and an `index` file named by its directory (so
 * `./partitions` finds `partitions/index.ts`, as TypeScript would).
 */
export function moduleIdOf(file: string): string {
  return file.replace(SCRIPT_EXTENSION, '').replace(INDEX_FILE, '');
}

/**
 * Where an import specifier points. Relative specifiers resolve against the
 * importing file (extension dropped, so "./partitions" and "./partitions.js"
 * agree); package specifiers stay as written.
 */
export function resolveImport(fromFile: string, specifier: string): string {
  if (!specifier.startsWith('.')) return specifier;
  return moduleIdOf(resolve(dirname(fromFile), specifier));
}

export type Imports = Record<string, { module: string; name: string }>;

/** `import a, { b as c, d } from "./m"` and `import * as ns from "./m"` (name "*"). */
export function readImport(file: string, stmt: Node, imports: Imports): void {
  const source = stringLiteral(stmt.childForFieldName('source'));
  if (!source) return;
  const module = resolveImport(file, source.value);
  const clause = namedChildren(stmt).find((c) => c.type === 'import_clause');
  if (!clause) return;
  for (const part of namedChildren(clause)) {
    if (part.type === 'identifier') imports[part.text] = { module, name: 'default' };
    else if (part.type === 'namespace_import') {
      const id = namedChildren(part).find((c) => c.type === 'identifier');
      if (id) imports[id.text] = { module, name: '*' };
    } else if (part.type === 'named_imports') {
      for (const spec of namedChildren(part)) {
        if (spec.type !== 'import_specifier') continue;
        const name = spec.childForFieldName('name');
        const alias = spec.childForFieldName('alias') ?? name;
        if (!name || !alias) continue;
        const imported = stringLiteral(name)?.value ?? name.text;
        imports[alias.text] = { module, name: imported };
      }
    }
  }
}

/** `const x = ...` declarators of a top-level statement (exported or not). */
export function topLevelDeclarators(stmt: Node): { name: Node; value: Node; isConst: boolean }[] {
  let decl: Node | null = stmt;
  if (stmt.type === 'export_statement') decl = stmt.childForFieldName('declaration');
  if (!decl || (decl.type !== 'lexical_declaration' && decl.type !== 'variable_declaration')) return [];
  const isConst = decl.type === 'lexical_declaration' && decl.childForFieldName('kind')?.type === 'const';
  const out: { name: Node; value: Node; isConst: boolean }[] = [];
  for (const d of namedChildren(decl)) {
    if (d.type !== 'variable_declarator') continue;
    const name = d.childForFieldName('name');
    const value = d.childForFieldName('value');
    if (name && name.type === 'identifier' && value) out.push({ name, value, isConst });
  }
  return out;
}

/**
 * First pass over the module's top level: imports, string constants and
 * partitions definitions, in source order (a constant must be defined before
 * the partitions definition that uses it, as at runtime).
 */
export function readModuleScope(ctx: ReaderContext, root: Node, imports: Imports): void {
  for (const stmt of namedChildren(root)) {
    if (stmt.type === 'import_statement') {
      readImport(ctx.file, stmt, imports);
      continue;
    }
    for (const { name, value, isConst } of topLevelDeclarators(stmt)) {
      // only `const` strings: a `let` may be reassigned before use
      const s = isConst ? evalString(ctx, value) : null;
      if (s) {
        ctx.constants.set(name.text, s.value);
        continue;
      }
      const def = evalPartitionsCall(ctx, value);
      if (def) {
        def.name = name.text;
        def.location = { file: ctx.file, range: ctx.lines.rangeOf(name.startIndex, name.endIndex) };
        ctx.partitions.set(name.text, def);
      } else if (unwrap(value)?.type === 'identifier') {
        // `const daily = otherDaily;` aliases a same-file definition.
        const aliased = ctx.partitions.get(unwrap(value)!.text);
        if (aliased) ctx.partitions.set(name.text, aliased);
      }
    }
  }
}
