import type { Node } from 'web-tree-sitter';
import { dottedName, namedChildren, stringLiteral } from './syntax';

/**
 * What names mean in one Python module: imports (with relative imports made
 * absolute), module-level assignments and string constants, and which
 * callees are Dagster's (`asset`, `dg.asset`, `dagster_dbt.dbt_assets`).
 */

export interface ImportedName {
  module: string;
  /** '' when the local name is the module itself (`import a.b as c`) */
  name: string;
}

/** `dagster`, `dagster_dbt`, `dagster._core...`: the libraries whose names we recognise. */
export function isDagsterModule(module: string): boolean {
  return /^dagster(_[a-z0-9_]+)?(\.|$)/.test(module);
}

export class ModuleScope {
  readonly imports = new Map<string, ImportedName>();
  /** module-level `name = <expr>` (last assignment wins, as at import time) */
  readonly assignments = new Map<string, { target: Node; value: Node }>();
  readonly constants = new Map<string, string>();
  /** functions and classes defined at module level */
  readonly localDefs = new Set<string>();
  /** the file imports from dagster at all (bare names then count as Dagster's) */
  dagsterImported = false;

  constructor(
    readonly module: string,
    readonly isPackageInit: boolean,
  ) {}

  /** Absolute module for `from <dots><name> import ...`. */
  resolveRelative(dots: number, name: string): string {
    if (dots === 0) return name;
    const parts = this.module ? this.module.split('.') : [];
    // the current package: the module itself for __init__.py, else its parent
    const pkg = this.isPackageInit ? parts : parts.slice(0, -1);
    const base = pkg.slice(0, Math.max(0, pkg.length - (dots - 1)));
    return [...base, ...(name ? name.split('.') : [])].join('.');
  }

  addImport(stmt: Node): void {
    if (stmt.type === 'import_statement') {
      for (const n of stmt.childrenForFieldName('name')) {
        if (!n) continue;
        if (n.type === 'aliased_import') {
          const mod = n.childForFieldName('name')?.text;
          const alias = n.childForFieldName('alias')?.text;
          if (mod && alias) this.imports.set(alias, { module: mod.replace(/\s+/g, ''), name: '' });
          if (mod && isDagsterModule(mod)) this.dagsterImported = true;
        } else if (n.type === 'dotted_name') {
          const mod = n.text.replace(/\s+/g, '');
          const first = mod.split('.')[0];
          // `import a.b` binds `a`; attribute chains are resolved from there
          if (!this.imports.has(first) || this.imports.get(first)?.name !== '') this.imports.set(first, { module: first, name: '' });
          if (isDagsterModule(mod)) this.dagsterImported = true;
        }
      }
      return;
    }
    if (stmt.type !== 'import_from_statement') return;
    const modNode = stmt.childForFieldName('module_name');
    if (!modNode) return;
    let module: string;
    if (modNode.type === 'relative_import') {
      const prefix = namedChildren(modNode).find((c) => c.type === 'import_prefix');
      const dots = prefix ? prefix.text.replace(/\s+/g, '').length : 0;
      const rest = namedChildren(modNode).find((c) => c.type === 'dotted_name');
      module = this.resolveRelative(dots, rest ? rest.text.replace(/\s+/g, '') : '');
    } else {
      module = modNode.text.replace(/\s+/g, '');
    }
    if (isDagsterModule(module)) this.dagsterImported = true;
    for (const n of stmt.childrenForFieldName('name')) {
      if (!n) continue;
      if (n.type === 'aliased_import') {
        const name = n.childForFieldName('name')?.text;
        const alias = n.childForFieldName('alias')?.text;
        if (name && alias) this.imports.set(alias, { module, name });
      } else if (n.type === 'dotted_name' || n.type === 'identifier') {
        this.imports.set(n.text, { module, name: n.text });
      }
    }
  }

  /** Record a module-level assignment `name = value` (constants: plain strings). */
  addAssignment(target: Node, value: Node): void {
    if (target.type !== 'identifier') return;
    this.assignments.set(target.text, { target, value });
    const s = stringLiteral(value);
    if (s) this.constants.set(target.text, s.value);
    else this.constants.delete(target.text);
  }

  /**
   * The Dagster name a callee / reference stands for: `asset`, `AssetKey.from_user_string`,
   * `DagsterDbtTranslator`; null when it is not (known to be) Dagster's.
   */
  dagsterName(node: Node | null | undefined): string | null {
    const dotted = dottedName(node);
    if (!dotted) return null;
    const segs = dotted.split('.');
    const imp = this.imports.get(segs[0]);
    if (imp) {
      if (imp.name === '') {
        // `import dagster as dg` → dg.asset; `dg.AssetKey.from_user_string`; submodule
        // segments (`dagster_dbt.asset_utils.x`) are lower case, class names are not
        if (!isDagsterModule(imp.module) || segs.length < 2) return null;
        const cls = segs.findIndex((s, i) => i > 0 && /^[A-Z]/.test(s));
        return cls > 0 ? segs.slice(cls).join('.') : segs[segs.length - 1];
      }
      return isDagsterModule(imp.module) ? [imp.name, ...segs.slice(1)].join('.') : null;
    }
    if (this.localDefs.has(segs[0]) || this.assignments.has(segs[0])) return null;
    return this.dagsterImported ? dotted : null;
  }

  /**
   * Where a python name used in this module comes from: the module and name
   * to look up (`mp` → defs.partitions.monthly_partition; `z.daily` with
   * `import x.y as z` → x.y.daily). Null for names local to this module.
   */
  origin(dotted: string): ImportedName | null {
    const segs = dotted.split('.');
    const imp = this.imports.get(segs[0]);
    if (!imp) return null;
    if (imp.name === '') {
      if (segs.length < 2) return null;
      return { module: [imp.module, ...segs.slice(1, -1)].join('.'), name: segs[segs.length - 1] };
    }
    if (segs.length === 1) return imp;
    // `from pkg import mod` then `mod.name`
    return { module: [imp.module, imp.name, ...segs.slice(1, -1)].join('.'), name: segs[segs.length - 1] };
  }
}

