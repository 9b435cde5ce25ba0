/** Hover: what the asset under the cursor is, as markdown. */
import type * as lsp from 'vscode-languageserver';
import { relative, isAbsolute } from 'node:path';
import type { Asset } from '../model/asset';
import { kindLabel } from '../model/asset';
import type { DbtNode } from '../model/dbt';
import type { Position } from '../model/location';
import { summarizePartitions } from '../model/partitions';
import { toLspRange } from './convert';
import type { IndexSnapshot } from './snapshot';
import { targetAt } from './target';

/** Path of `file` relative to the workspace root holding it (posix separators), else the absolute path. */
export function displayPath(file: string, roots: string[]): string {
  let best: string | undefined;
  for (const r of roots) {
    const rel = relative(r, file);
    if (!rel.startsWith('..') && !isAbsolute(rel) && (best === undefined || rel.length < best.length)) best = rel;
  }
  return (best ?? file).split('\\').join('/');
}

const code = (s: string) => '`' + s.replace(/`/g, "'") + '`';

export function assetMarkdown(s: IndexSnapshot, asset: Asset, roots: string[], now: number = Date.now()): string {
  const lines: string[] = [];
  lines.push(`**${asset.id}** — ${kindLabel(asset.kind)}`);
  lines.push('');
  const facts: string[] = [];
  if (asset.group) facts.push(`group ${code(asset.group)}`);
  const p = summarizePartitions(asset.partitions, now);
  if (p) {
    let text = `partitions: ${p.type}`;
    if (p.count !== null) text += ` · ${p.count} partition${p.count === 1 ? '' : 's'}`;
    if (p.start) text += ` · ${p.start} → ${p.end ?? 'now'}`;
    facts.push(text);
  } else {
    facts.push('unpartitioned');
  }
  const up = s.graph.upstream(asset.id).length;
  const down = s.graph.downstream(asset.id).length;
  facts.push(`${up} upstream · ${down} downstream`);
  lines.push(facts.join('  \n'));
  if (asset.description) {
    lines.push('');
    lines.push(asset.description);
  }
  if (asset.locations.length) {
    lines.push('');
    lines.push('Defined in ' + asset.locations.map((l) => `${code(displayPath(l.file, roots))}:${l.range.start.line + 1}`).join(', '));
  }
  return lines.join('\n');
}

function nodeMarkdown(node: DbtNode, roots: string[]): string {
  const lines = [`**${node.sourceName ? `${node.sourceName}.${node.name}` : node.name}** — dbt ${node.resourceType} (not a Dagster asset)`];
  if (node.description) lines.push('', node.description);
  if (node.locations.length) lines.push('', 'Defined in ' + node.locations.map((l) => code(displayPath(l.file, roots))).join(', '));
  return lines.join('\n');
}

export function hoverAt(s: IndexSnapshot, file: string, text: string | undefined, pos: Position, roots: string[]): lsp.Hover | null {
  const t = targetAt(s, file, text, pos);
  if (!t) return null;
  if (t.kind === 'unresolved') {
    const wanted = t.reference.wanted ?? '';
    return { contents: { kind: 'markdown', value: `Unknown asset key ${code(wanted)}` }, range: toLspRange(t.range) };
  }
  if (t.kind === 'dbt-node') return { contents: { kind: 'markdown', value: nodeMarkdown(t.node, roots) }, range: toLspRange(t.range) };
  return { contents: { kind: 'markdown', value: assetMarkdown(s, t.asset, roots) }, range: toLspRange(t.range) };
}
