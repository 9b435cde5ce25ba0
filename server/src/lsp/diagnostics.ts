/**
 * Publishing diagnostics. Per-file codes that are cheap and local (an unknown
 * key, ref or source) follow the text as it is typed; cross-file checks
 * (partitions, duplicates, the manifest) are "committed" only on open, save,
 * and index — while typing, the last committed ones stay, so problems do not
 * flicker on every keystroke. A file whose problems are gone gets an empty
 * list, exactly once.
 */
import type * as lsp from 'vscode-languageserver';
import type { Diagnostic, DiagnosticCode } from '../model/diagnostic';
import { toLspDiagnostic } from './convert';
import type { IndexSnapshot } from './snapshot';

export const FAST_CODES: ReadonlySet<DiagnosticCode> = new Set<DiagnosticCode>([
  'unknown-asset-key',
  'unknown-dbt-ref',
  'unknown-dbt-source',
  'parse-error',
]);

export type Send = (file: string, diagnostics: lsp.Diagnostic[]) => void;

export class DiagnosticsPublisher {
  /** what the client currently shows, per file (serialised, to skip no-op publishes) */
  private readonly shown = new Map<string, string>();
  /** committed cross-file diagnostics per file */
  private readonly committed = new Map<string, Diagnostic[]>();

  constructor(private readonly send: Send) {}

  /**
   * Publish from `s`. `commit` = 'all' takes every code from the snapshot;
   * 'fast' updates only the fast codes and keeps the committed slow ones.
   */
  publish(s: IndexSnapshot, commit: 'all' | 'fast'): void {
    if (commit === 'all') {
      this.committed.clear();
      for (const [file, list] of s.diagnostics) {
        const slow = list.filter((d) => !FAST_CODES.has(d.code));
        if (slow.length) this.committed.set(file, slow);
      }
    }
    const files = new Set<string>([...s.diagnostics.keys(), ...this.committed.keys(), ...this.shown.keys()]);
    for (const file of files) {
      const fast = (s.diagnostics.get(file) ?? []).filter((d) => FAST_CODES.has(d.code));
      const all = dedupe([...(this.committed.get(file) ?? []), ...fast]).sort(byPosition);
      const wire = all.map(toLspDiagnostic);
      const key = JSON.stringify(wire);
      const before = this.shown.get(file);
      if (before === key) continue;
      if (before === undefined && wire.length === 0) continue;
      if (wire.length === 0) this.shown.delete(file);
      else this.shown.set(file, key);
      this.send(file, wire);
    }
  }

  /** Files that currently show diagnostics (for tests and logs). */
  filesShown(): string[] {
    return [...this.shown.keys()];
  }
}

function byPosition(a: Diagnostic, b: Diagnostic): number {
  const x = a.location.range.start;
  const y = b.location.range.start;
  return x.line - y.line || x.character - y.character || a.code.localeCompare(b.code);
}

function dedupe(list: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return list.filter((d) => {
    const k = `${d.code}|${d.message}|${JSON.stringify(d.location.range)}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
