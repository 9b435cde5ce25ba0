/** Workspace symbols (every asset key, fuzzy matched) and document symbols (assets defined in a file). */
import type * as lsp from 'vscode-languageserver';
import type { Asset } from '../model/asset';
import { kindLabel } from '../model/asset';
import { partitionsBadge } from '../model/partitions';
import { pathToUri, toLspLocation, toLspRange } from './convert';
import { definitionSites, type IndexSnapshot } from './snapshot';
import type { Cancellable } from './references';

/** LSP SymbolKind numbers: dbt sources read as "Field", models as "Class", code assets as "Function". */
function symbolKind(a: Asset): lsp.SymbolKind {
  if (a.kind === 'dbt_source') return 8;
  if (a.kind === 'python' || a.kind === 'ts') return 12;
  return 5;
}

/**
 * Subsequence match, case-insensitive. Higher is better; null = no match.
 * Rewards contiguous runs, matches at word starts (after / _ - .) and shorter keys.
 */
export function fuzzyScore(query: string, candidate: string): number | null {
  if (!query) return 0;
  const q = query.toLowerCase();
  const c = candidate.toLowerCase();
  let score = 0;
  let ci = 0;
  let prev = -2;
  for (const ch of q) {
    const found = c.indexOf(ch, ci);
    if (found < 0) return null;
    if (found === prev + 1) score += 5;
    if (found === 0 || '/_-. '.includes(c[found - 1])) score += 3;
    score += 1;
    prev = found;
    ci = found + 1;
  }
  if (c === q) score += 100;
  else if (c.startsWith(q)) score += 20;
  else if (c.includes(q)) score += 10;
  return score - candidate.length * 0.01;
}

/**
 * The best `limit` matches of `query` among every asset key. With `lazyRanges`
 * (a client that resolves `location.range`, as VS Code does) each symbol
 * carries its file only and `resolveWorkspaceSymbol` finds the range of the
 * one the user picks: ranging every match would place up to `limit` manifest
 * nodes in their files for a list the user reads a few lines of.
 */
export function workspaceSymbols(
  s: IndexSnapshot,
  query: string,
  token?: Cancellable,
  { limit = 500, lazyRanges = false }: { limit?: number; lazyRanges?: boolean } = {},
): lsp.SymbolInformation[] | lsp.WorkspaceSymbol[] | null {
  if (token?.isCancellationRequested) return null;
  const scored: { a: Asset; score: number }[] = [];
  let n = 0;
  for (const a of s.graph.assets.values()) {
    if ((++n & 255) === 0 && token?.isCancellationRequested) return null;
    const score = fuzzyScore(query, a.id);
    if (score !== null && a.locations.length) scored.push({ a, score });
  }
  scored.sort((x, y) => y.score - x.score || x.a.id.localeCompare(y.a.id));
  return scored.slice(0, limit).map(({ a }) => ({
    name: a.id,
    kind: symbolKind(a),
    location: lazyRanges ? { uri: pathToUri(a.locations[0].file) } : toLspLocation(a.locations[0]),
    containerName: [kindLabel(a.kind), partitionsBadge(a.partitions)].filter(Boolean).join(' · '),
    ...(lazyRanges ? { data: { key: a.id } } : {}),
  }));
}

/** `workspaceSymbol/resolve`: the range of a symbol given without one. Unchanged when its asset is gone (or it is not ours). */
export function resolveWorkspaceSymbol(s: IndexSnapshot, symbol: lsp.WorkspaceSymbol): lsp.WorkspaceSymbol {
  const key = (symbol?.data as { key?: unknown } | undefined)?.key;
  const loc = typeof key === 'string' ? s.graph.get(key)?.locations[0] : undefined;
  return loc ? { ...symbol, location: toLspLocation(loc) } : symbol;
}

export function documentSymbols(s: IndexSnapshot, file: string): lsp.DocumentSymbol[] {
  return definitionSites(s, file).map((site) => ({
    name: site.asset.id,
    detail: [kindLabel(site.asset.kind), partitionsBadge(site.asset.partitions)].filter(Boolean).join(' · '),
    kind: symbolKind(site.asset),
    range: toLspRange(site.extent),
    selectionRange: toLspRange(site.name.range),
  }));
}
