import type { AssetGraph, Diagnostic } from '../../../server/src/model';

/** Everything a user can see of a link, order-free where the graph keeps no order. */
export function visibleLink(graph: AssetGraph, diagnostics: Iterable<Diagnostic>, edgeProblems: Map<string, string>) {
  const edges: string[] = [];
  for (const id of graph.assets.keys()) {
    for (const e of graph.upstream(id)) edges.push(`${e.from}->${e.to} via ${JSON.stringify(e.via ?? null)}`);
    for (const e of graph.downstream(id)) edges.push(`down ${e.from}->${e.to} via ${JSON.stringify(e.via ?? null)}`);
  }
  const perFile: string[] = [];
  for (const id of graph.assets.keys()) {
    for (const loc of graph.get(id)!.locations) perFile.push(`${loc.file}: ${graph.assetsIn(loc.file).map((a) => a.id).join(',')}`);
    perFile.push(`to ${id}: ${graph.referencesTo(id).map((r) => JSON.stringify(r.location)).sort().join(',')}`);
  }
  return {
    ids: [...graph.assets.keys()].sort(),
    assets: [...graph.assets.values()].map((a) => JSON.stringify(a)).sort(),
    edges: edges.sort(),
    perFile: [...new Set(perFile)].sort(),
    references: [...graph.references()].map((r) => JSON.stringify(r)).sort(),
    diagnostics: [...diagnostics].map((d) => JSON.stringify(d)).sort(),
    edgeProblems: [...edgeProblems].map((e) => e.join(' ')).sort(),
  };
}

