import type { CodeFileFacts, PartitionsDef, PartitionsRef, TranslatorFact } from '../model';

/**
 * Cross-module name resolution over all code files: a partitions definition
 * or translator class imported from another module, re-exports included.
 * Python modules are dotted names ("defs.partitions"); TypeScript modules are
 * absolute paths without extension. An import that names a module we only
 * know by a longer or shorter dotted path (the package root is ambiguous)
 * is matched on the dotted suffix.
 */
export class SymbolIndex {
  private readonly byModule = new Map<string, CodeFileFacts>();
  private readonly translatorsByName = new Map<string, { fact: TranslatorFact; file: CodeFileFacts }[]>();

  constructor(files: Iterable<CodeFileFacts>) {
    for (const f of files) {
      this.byModule.set(f.symbols.module, f);
      for (const t of f.translators) {
        const list = this.translatorsByName.get(t.name) ?? [];
        list.push({ fact: t, file: f });
        this.translatorsByName.set(t.name, list);
      }
    }
  }

  /** suffix matches found so far: a miss scans every module, and imports of one name repeat across files */
  private readonly bySuffix = new Map<string, CodeFileFacts | undefined>();

  module(name: string): CodeFileFacts | undefined {
    const exact = this.byModule.get(name) ?? this.byModule.get(`${name}.__init__`);
    if (exact) return exact;
    if (this.bySuffix.has(name)) return this.bySuffix.get(name);
    // suffix match either way: "taxi.defs.partitions" vs "defs.partitions"
    let found: CodeFileFacts | undefined;
    for (const [mod, facts] of this.byModule) {
      if (mod.endsWith(`.${name}`) || name.endsWith(`.${mod}`)) {
        found = facts;
        break;
      }
    }
    this.bySuffix.set(name, found);
    return found;
  }

  /** Follow `name` in `file` through imports to the module that defines it. */
  private lookup<T>(file: CodeFileFacts, name: string, pick: (f: CodeFileFacts, n: string) => T | undefined, depth = 0): T | undefined {
    if (depth > 8) return undefined;
    const own = pick(file, name);
    if (own !== undefined) return own;
    const dot = name.indexOf('.');
    if (dot > 0) {
      // `import defs.partitions as p` then `p.daily`
      const head = name.slice(0, dot);
      const imp = file.symbols.imports[head];
      if (imp) {
        const mod = this.module(imp.name && imp.name !== '*' ? `${imp.module}.${imp.name}` : imp.module);
        if (mod) return this.lookup(mod, name.slice(dot + 1), pick, depth + 1);
      }
    }
    const imp = file.symbols.imports[name];
    if (!imp) return undefined;
    const mod = this.module(imp.module);
    if (mod && mod !== file) return this.lookup(mod, imp.name, pick, depth + 1);
    // `from pkg import module` then used as `module.thing` is handled above
    return undefined;
  }

  resolvePartitions(file: CodeFileFacts, ref: PartitionsRef | undefined): PartitionsDef | undefined {
    if (!ref) return undefined;
    if (ref.kind === 'inline') return ref.def;
    const found = this.lookup(file, ref.name, (f, n) => f.symbols.partitions[n]);
    return found ?? { shape: { type: 'unknown', text: ref.name }, name: ref.name, location: ref.location };
  }

  resolveTranslator(file: CodeFileFacts, name: string): TranslatorFact | undefined {
    const local = this.lookup(file, name, (f, n) => f.translators.find((t) => t.name === n));
    if (local) return local;
    const all = this.translatorsByName.get(name.split('.').pop() ?? name);
    return all && all.length === 1 ? all[0].fact : undefined;
  }

  /** Key ids of the asset definition named `name` (a function) as seen from `file`. */
  resolveDefinition(file: CodeFileFacts, name: string): string[] | undefined {
    return this.lookup(file, name, (f, n) => f.symbols.definitions[n]);
  }
}
