/**
 * Publishing diagnostics. Per-file codes that are cheap and local (an unknown
 * key, ref or source) follow the text as it is typed; cross-file checks
 * (partitions, duplicates, the manifest) are "committed" only on open, save,
 * and index — while typing, the last committed ones stay, so problems do not
 * flicker on every keystroke. A file whose problems are gone gets an empty
 * list, exactly once.
 *
 * A save re-links one file and keeps every other file's diagnostics as the
 * same objects, so a file whose diagnostics are the same objects as at its
 * last publish is skipped without serialising them: a save costs what
 * changed, not every problem of the workspace (issue 6: 35,000 unknown keys
 * took 100 ms of each save here).
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
  /** the snapshot's lists at the last 'all' publish: their cross-file codes stay shown while typing */
  private committedFrom: ReadonlyMap<string, readonly Diagnostic[]> = new Map();
  /** per file, what its last publish was made from (the snapshot's list and the committed one) */
  private readonly madeFrom = new Map<string, { list: readonly Diagnostic[]; committed: readonly Diagnostic[] }>();

  constructor(private readonly send: Send) {}

  /**
   * Publish from `s`. `commit` = 'all' takes every code from the snapshot;
   * 'fast' updates only the fast codes and keeps the committed slow ones.
   */
  publish(s: IndexSnapshot, commit: 'all' | 'fast'): void {
    if (commit === 'all') this.committedFrom = s.diagnostics;
    const files = new Set<string>([...s.diagnostics.keys(), ...this.committedFrom.keys(), ...this.shown.keys()]);
    for (const file of files) {
      const list = s.diagnostics.get(file) ?? NONE;
      const committed = this.committedFrom.get(file) ?? NONE;
      // the same diagnostic objects make the same message (they are never changed once made)
      const last = this.madeFrom.get(file);
      if (last && sameItems(last.list, list) && sameItems(last.committed, committed)) continue;
      if (list.length || committed.length) this.madeFrom.set(file, { list, committed });
      else this.madeFrom.delete(file);
      const slow = committed.filter((d) => !FAST_CODES.has(d.code));
      const fast = list.filter((d) => FAST_CODES.has(d.code));
      const all = dedupe([...slow, ...fast]).sort(byPosition);
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

const NONE: readonly Diagnostic[] = [];

function sameItems(a: readonly Diagnostic[], b: readonly Diagnostic[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
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
