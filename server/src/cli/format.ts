import { relative, sep } from 'node:path';
import type { Asset, Diagnostic, LineageNode } from '../model';
import { kindLabel, partitionsBadge, summarizePartitions } from '../model';
import type { Snapshot } from '../workspace/workspace';

/** Paths in output are relative to the directory the user named, with "/". */
export function relPath(base: string, file: string): string {
  return relative(base, file).split(sep).join('/');
}

export function assetLine(a: Asset): number {
  return (a.locations[0]?.range.start.line ?? 0) + 1;
}

export function keysJson(snap: Snapshot, base: string, now: number) {
  return [...snap.graph.assets.values()]
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((a) => ({
      key: a.id,
      kind: a.kind,
      partitions: summarizePartitions(a.partitions, now),
      file: a.locations[0] ? relPath(base, a.locations[0].file) : null,
      line: a.locations[0] ? assetLine(a) : null,
    }));
}

export function keysText(snap: Snapshot, base: string, now: number): string {
  const rows = keysJson(snap, base, now).map((k) => {
    const a = snap.graph.get(k.key)!;
    return [k.key, kindLabel(a.kind), partitionsBadge(a.partitions, now) || '-', k.file ? `${k.file}:${k.line}` : '-'];
  });
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length), 3));
  const lines = rows.map((r) => r.map((c, i) => (i < 3 ? c.padEnd(widths[i]) : c)).join('  '));
  return `${lines.join('\n')}\n${rows.length} asset${rows.length === 1 ? '' : 's'}\n`;
}

export function lineageText(root: LineageNode, arrow: string, now: number, problems: Map<string, string>, up: boolean): string {
  const out: string[] = [];
  const walk = (n: LineageNode, prefix: string, last: boolean, top: boolean) => {
    const badge = partitionsBadge(n.asset.partitions, now);
    const edgeKey = n.edge ? `${n.edge.from}->${n.edge.to}` : '';
    const warn = edgeKey && problems.has(edgeKey) ? '  ⚠ partition mismatch' : '';
    const label = `${n.asset.id}  (${kindLabel(n.asset.kind)}${badge ? `, ${badge}` : ''})${n.repeated ? '  …' : ''}${warn}`;
    out.push(top ? label : `${prefix}${last ? '└─' : '├─'}${arrow} ${label}`);
    const childPrefix = top ? '' : prefix + (last ? '   ' : '│  ');
    n.children.forEach((c, i) => walk(c, childPrefix, i === n.children.length - 1, false));
  };
  walk(root, '', true, true);
  void up;
  return out.join('\n') + '\n';
}

export function diagnosticsJson(snap: Snapshot, base: string, diagnostics: Diagnostic[]) {
  return {
    assets: snap.graph.assets.size,
    diagnostics: diagnostics.map((d) => ({
      file: relPath(base, d.location.file),
      line: d.location.range.start.line + 1,
      column: d.location.range.start.character + 1,
      endLine: d.location.range.end.line + 1,
      endColumn: d.location.range.end.character + 1,
      severity: d.severity,
      code: d.code,
      message: d.message,
    })),
  };
}

export function diagnosticsText(base: string, diagnostics: Diagnostic[], assets: number): string {
  const lines = diagnostics.map(
    (d) =>
      `${relPath(base, d.location.file)}:${d.location.range.start.line + 1}:${d.location.range.start.character + 1}: ${d.severity} [${d.code}] ${d.message}`,
  );
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
  const infos = diagnostics.length - errors - warnings;
  lines.push(`${assets} assets checked: ${errors} error(s), ${warnings} warning(s), ${infos} info`);
  return lines.join('\n') + '\n';
}

export function sarif(base: string, diagnostics: Diagnostic[], version: string) {
  const codes = [...new Set(diagnostics.map((d) => d.code))].sort();
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'asset-lens', version, informationUri: 'https://github.com/asset-lens/asset-lens', rules: codes.map((id) => ({ id, shortDescription: { text: id } })) } },
        results: diagnostics.map((d) => ({
          ruleId: d.code,
          level: d.severity === 'info' ? 'note' : d.severity,
          message: { text: d.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: relPath(base, d.location.file), uriBaseId: '%SRCROOT%' },
                region: {
                  startLine: d.location.range.start.line + 1,
                  startColumn: d.location.range.start.character + 1,
                  endLine: d.location.range.end.line + 1,
                  endColumn: d.location.range.end.character + 1,
                },
              },
            },
          ],
          relatedLocations: (d.related ?? []).map((r, i) => ({
            id: i,
            message: { text: r.message },
            physicalLocation: { artifactLocation: { uri: relPath(base, r.location.file), uriBaseId: '%SRCROOT%' }, region: { startLine: r.location.range.start.line + 1 } },
          })),
        })),
      },
    ],
  };
}

export function graphDot(snap: Snapshot, now: number): string {
  const q = (s: string) => JSON.stringify(s);
  const lines = ['digraph assets {', '  rankdir=LR;', '  node [shape=box, style=rounded];'];
  for (const a of [...snap.graph.assets.values()].sort((x, y) => x.id.localeCompare(y.id))) {
    const badge = partitionsBadge(a.partitions, now);
    lines.push(`  ${q(a.id)} [label=${q(`${a.id}\n${kindLabel(a.kind)}${badge ? ` · ${badge}` : ''}`)}];`);
  }
  for (const a of [...snap.graph.assets.values()].sort((x, y) => x.id.localeCompare(y.id))) {
    for (const e of snap.graph.downstream(a.id)) {
      const bad = snap.edgeProblems.has(`${e.from}->${e.to}`);
      lines.push(`  ${q(e.from)} -> ${q(e.to)}${bad ? ' [color=red, style=dashed]' : ''};`);
    }
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}

export function graphJson(snap: Snapshot, base: string, now: number) {
  const nodes = keysJson(snap, base, now);
  const edges: { from: string; to: string; problem?: string }[] = [];
  for (const n of nodes) {
    for (const e of snap.graph.downstream(n.key)) {
      const problem = snap.edgeProblems.get(`${e.from}->${e.to}`);
      edges.push(problem ? { from: e.from, to: e.to, problem } : { from: e.from, to: e.to });
    }
  }
  return { nodes, edges };
}
