/**
 * The candidates of one completion context, kept between requests. While the
 * user types in one string, every request has the same snapshot, file and
 * context, and only the typed text differs: building 100k items and sorting
 * them on every keystroke is what made completion slow. The candidates are
 * built and sorted once; a request is one linear pass over them.
 */
import type * as lsp from 'vscode-languageserver';

export interface Candidate {
  /** a template: never sent itself, each answer sends a copy with its own textEdit */
  item: lsp.CompletionItem;
  /** lower-cased filter text without a leading quote */
  text: string;
  /** replaces the whole literal (multi-part keys) rather than the typed text */
  wholeLiteral: boolean;
}

export class RankedCandidates {
  /** by sortText (stable, so equal sortTexts keep the build order) */
  private readonly sorted: Candidate[];
  private readonly wholeLiteralCount: number;

  constructor(readonly all: Candidate[]) {
    this.wholeLiteralCount = all.filter((c) => c.wholeLiteral).length;
    this.sorted = all
      .map((c, i) => ({ c, i, s: c.item.sortText ?? c.item.label }))
      .sort((a, b) => (a.s < b.s ? -1 : a.s > b.s ? 1 : a.i - b.i))
      .map((x) => x.c);
  }

  count(withWholeLiteral: boolean): number {
    return withWholeLiteral ? this.all.length : this.all.length - this.wholeLiteralCount;
  }

  /**
   * The best `max` matches of `typed` (lower case): prefix matches before
   * other subsequence matches, each in sortText order.
   */
  top(typed: string, max: number, withWholeLiteral: boolean): Candidate[] {
    const prefix: Candidate[] = [];
    const other: Candidate[] = [];
    for (const c of this.sorted) {
      if (!withWholeLiteral && c.wholeLiteral) continue;
      if (c.text.startsWith(typed)) {
        prefix.push(c);
        if (prefix.length >= max) break;
      } else if (other.length < max && matchesTyped(typed, c.text)) other.push(c);
    }
    return prefix.length >= max ? prefix : prefix.concat(other.slice(0, max - prefix.length));
  }
}

/** Case-insensitive subsequence match, as editors filter completion items (`typed` in lower case). */
export function matchesTyped(typed: string, candidate: string): boolean {
  if (!typed) return true;
  let j = 0;
  for (let i = 0; i < candidate.length && j < typed.length; i++) if (candidate.charCodeAt(i) === typed.charCodeAt(j)) j++;
  return j === typed.length;
}

/** One cached context: the newest wins (a new snapshot, file or context replaces it). */
export class CandidateCache<S extends object> {
  private slot?: { snapshot: S; key: string; value: RankedCandidates };

  get(snapshot: S, key: string, build: () => RankedCandidates): RankedCandidates {
    if (this.slot && this.slot.snapshot === snapshot && this.slot.key === key) return this.slot.value;
    const value = build();
    this.slot = { snapshot, key, value };
    return value;
  }
}
