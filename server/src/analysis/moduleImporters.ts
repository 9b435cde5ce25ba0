import type { CodeFileFacts } from '../model';

/**
 * The module names the workspace's code files import, counted, so that "does
 * any other file import this module?" is a few lookups. A save that adds or
 * renames a function changes its module's symbols, and the patch must know
 * whether another file could see them; reading every file's imports for it
 * cost ~6 ms per such save at 5,000 files.
 *
 * A name matches as SymbolIndex.module matches modules: exactly, or one is
 * the other's dotted tail (`pkg.assets` and `assets`), which is why each
 * imported name's dotted tails are counted too.
 *
 * Kept per file (what was counted for it is replaced when its facts change),
 * so counting a file again is harmless.
 */
export class ModuleImporters {
  /** file → the names counted for it */
  private readonly counted = new Map<string, readonly string[]>();
  /** imported name (`m` and `m.name`) → how many times imported */
  private readonly names = new Map<string, number>();
  /** every dotted tail of an imported name (`b.c` and `c` of `a.b.c`) → how many times */
  private readonly tails = new Map<string, number>();

  constructor(files: readonly CodeFileFacts[]) {
    for (const f of files) this.setFile(f);
  }

  /** Counts the file's imports as these facts have them, instead of what was counted for it before. */
  setFile(f: CodeFileFacts): void {
    const modules = importedModules(f);
    const old = this.counted.get(f.file);
    if (old === modules) return;
    if (old) this.count(old, -1);
    this.count(modules, 1);
    this.counted.set(f.file, modules);
  }

  /**
   * Whether a file other than `file` imports something that may be the
   * module `name`: the same name, a dotted tail of it, or a name it is a
   * dotted tail of.
   */
  importedBesides(file: string, name: string): boolean {
    const own = this.counted.get(file) ?? NONE;
    const ownNames = (n: string) => own.reduce((k, m) => k + (m === n ? 1 : 0), 0);
    if ((this.names.get(name) ?? 0) > ownNames(name)) return true;
    for (const tail of dottedTails(name)) if ((this.names.get(tail) ?? 0) > ownNames(tail)) return true;
    const ownTails = own.reduce((k, m) => k + dottedTails(m).filter((t) => t === name).length, 0);
    return (this.tails.get(name) ?? 0) > ownTails;
  }

  private count(modules: readonly string[], by: number): void {
    for (const m of modules) {
      bump(this.names, m, by);
      for (const t of dottedTails(m)) bump(this.tails, t, by);
    }
  }
}

/** Per file facts (never changed once read): the modules its imports may name, `m` and `m.name`. */
const importedModulesOf = new WeakMap<CodeFileFacts, string[]>();

export function importedModules(f: CodeFileFacts): string[] {
  let out = importedModulesOf.get(f);
  if (!out) {
    out = [];
    for (const imp of Object.values(f.symbols.imports)) out.push(imp.module, `${imp.module}.${imp.name}`);
    importedModulesOf.set(f, out);
  }
  return out;
}

/** What follows each dot of `s`: the names `s` ends with after a dot. */
function dottedTails(s: string): string[] {
  const out: string[] = [];
  for (let i = s.indexOf('.'); i >= 0; i = s.indexOf('.', i + 1)) out.push(s.slice(i + 1));
  return out;
}

function bump(counts: Map<string, number>, key: string, by: number): void {
  const n = (counts.get(key) ?? 0) + by;
  if (n) counts.set(key, n);
  else counts.delete(key);
}

const NONE: readonly string[] = [];
