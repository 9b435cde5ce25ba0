import type { Diagnostic } from '../model';

/**
 * A link's diagnostics grouped by the file they are in, as the editor shows
 * them.
 *
 * Why not one list grouped afterwards: in a workspace with tens of thousands
 * of unknown keys (the Dagster code opened without its dbt project: 35,152),
 * reading every diagnostic object on each save cost ~18 ms in cache misses
 * alone. A file's unknown-reference list keeps its array of diagnostics (a
 * WeakMap by the list, which a patched link keeps for every file it did not
 * touch), so a save builds only the arrays of what it changed.
 */
export class DiagnosticsByFile {
  readonly byFile = new Map<string, readonly Diagnostic[]>();
  /** arrays that are not this link's own (kept with a list): copied before anything is added */
  private readonly borrowed = new Set<readonly Diagnostic[]>();

  add(d: Diagnostic): void {
    const file = d.location.file;
    const list = this.byFile.get(file);
    if (!list) this.byFile.set(file, [d]);
    else this.own(file, list).push(d);
  }

  addAll(list: readonly Diagnostic[]): void {
    for (const d of list) this.add(d);
  }

  /** `list` (not copied unless more is added to its file; never changed here) as the file's diagnostics, or after them. */
  addList(file: string, list: readonly Diagnostic[]): void {
    if (!list.length) return;
    const have = this.byFile.get(file);
    if (!have) {
      this.byFile.set(file, list);
      this.borrowed.add(list);
    } else this.own(file, have).push(...list);
  }

  private own(file: string, list: readonly Diagnostic[]): Diagnostic[] {
    if (!this.borrowed.has(list)) return list as Diagnostic[];
    this.borrowed.delete(list);
    const copy = [...list];
    this.byFile.set(file, copy);
    return copy;
  }
}

type WithDiagnostic = { diagnostic: Diagnostic };

/** per list (a file's unknown references), its diagnostics */
const kept = new WeakMap<readonly WithDiagnostic[], readonly Diagnostic[]>();

/**
 * The diagnostics of a list of items that each carry one, as one array kept
 * with the list (a patched link keeps the lists it did not touch). The length
 * guards a list that grew after it was read.
 */
export function diagnosticsOf(list: readonly WithDiagnostic[]): readonly Diagnostic[] {
  let out = kept.get(list);
  if (!out || out.length !== list.length) {
    out = list.map((u) => u.diagnostic);
    kept.set(list, out);
  }
  return out;
}
