/** Code lens above each asset definition: "2 upstream · 1 downstream · daily ·90" → the lineage view. */
import type * as lsp from 'vscode-languageserver';
import { partitionsBadge } from '../model/partitions';
import { toLspRange } from './convert';
import { definitionSites, type IndexSnapshot } from './snapshot';

export const SHOW_LINEAGE_COMMAND = 'assetLens.showLineage';

export function codeLensesFor(s: IndexSnapshot, file: string, now: number = Date.now()): lsp.CodeLens[] {
  const out: lsp.CodeLens[] = [];
  for (const site of definitionSites(s, file)) {
    const a = site.asset;
    const parts = [`${s.graph.upstream(a.id).length} upstream`, `${s.graph.downstream(a.id).length} downstream`];
    const badge = partitionsBadge(a.partitions, now);
    if (badge) parts.push(badge);
    // on the first line of the definition (the decorator), so the lens sits above all of it
    const start = site.extent.start;
    out.push({ range: toLspRange({ start, end: start }), command: { title: parts.join(' · '), command: SHOW_LINEAGE_COMMAND, arguments: [a.id] } });
  }
  return out;
}
