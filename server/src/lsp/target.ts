/**
 * "What asset is at this position?" — shared by definition, hover,
 * references and the lineage request. In dbt SQL the open text is scanned
 * for ref()/source() directly (the index may lag behind typing); elsewhere
 * the graph's resolved references and asset definitions answer.
 */
import type { Asset } from '../model/asset';
import type { DbtNode } from '../model/dbt';
import { containsPosition, type Position, type Range } from '../model/location';
import type { ResolvedReference } from '../model/graph';
import { scanSqlReferences } from '../sources/dbt/projectFiles';
import { assetForDbtNode, definitionSites, findRefNode, findSourceNode, type IndexSnapshot } from './snapshot';

export type PositionTarget =
  /** a reference (or ref()/source()) naming a known asset */
  | { kind: 'reference'; asset: Asset; range: Range; reference?: ResolvedReference; node?: DbtNode }
  /** the cursor is on an asset's own definition */
  | { kind: 'definition'; asset: Asset; range: Range }
  /** ref()/source() naming a dbt node that is no Dagster asset */
  | { kind: 'dbt-node'; node: DbtNode; range: Range }
  /** a key reference that resolves to nothing */
  | { kind: 'unresolved'; range: Range; reference: ResolvedReference };

export function isSqlFile(file: string): boolean {
  return file.toLowerCase().endsWith('.sql');
}

/**
 * `anywhereInDefinition`: also answer for a position inside a definition's
 * body or decorator (the lineage view's "asset at cursor"); hover and
 * definition stay on names so they do not cover every identifier of a function.
 */
export function targetAt(s: IndexSnapshot, file: string, text: string | undefined, pos: Position, anywhereInDefinition = false): PositionTarget | undefined {
  if (text !== undefined && isSqlFile(file)) {
    const hit = sqlTargetAt(s, file, text, pos);
    if (hit) return hit;
  }
  const ref = s.graph.referenceAt(file, pos);
  if (ref) {
    const asset = ref.resolved ? s.graph.get(ref.resolved) : undefined;
    if (asset) return { kind: 'reference', asset, range: ref.location.range, reference: ref };
    return { kind: 'unresolved', range: ref.location.range, reference: ref };
  }
  const asset = s.graph.assetAt(file, pos);
  if (asset) {
    const loc = asset.locations.find((l) => l.file === file && containsPosition(l.range, pos));
    if (loc) return { kind: 'definition', asset, range: loc.range };
  }
  if (!anywhereInDefinition) return undefined;
  // anywhere inside a definition (decorator, body): the innermost one
  const inside = definitionSites(s, file).filter((d) => containsPosition(d.extent, pos));
  const innermost = inside.sort((a, b) => b.extent.start.line - a.extent.start.line || b.extent.start.character - a.extent.start.character)[0];
  if (innermost) return { kind: 'definition', asset: innermost.asset, range: innermost.name.range };
  return undefined;
}

function sqlTargetAt(s: IndexSnapshot, file: string, text: string, pos: Position): PositionTarget | undefined {
  let scanned: ReturnType<typeof scanSqlReferences>;
  try {
    scanned = scanSqlReferences(text, file);
  } catch {
    return undefined;
  }
  for (const r of scanned.refs) {
    if (!containsPosition(r.location.range, pos)) continue;
    const node = findRefNode(s, r.target, file);
    if (!node) return undefined;
    const asset = assetForDbtNode(s, node.uniqueId, node);
    return asset ? { kind: 'reference', asset, range: r.location.range, node } : { kind: 'dbt-node', node, range: r.location.range };
  }
  for (const r of scanned.sources) {
    // the table literal, or the source-name literal (which leads to the same table)
    const hit = containsPosition(r.location.range, pos)
      ? r.location.range
      : r.sourceNameLocation && containsPosition(r.sourceNameLocation.range, pos)
        ? r.sourceNameLocation.range
        : undefined;
    if (!hit) continue;
    const node = findSourceNode(s, r.target, file);
    if (!node) return undefined;
    const asset = assetForDbtNode(s, node.uniqueId, node);
    return asset ? { kind: 'reference', asset, range: hit, node } : { kind: 'dbt-node', node, range: hit };
  }
  return undefined;
}
