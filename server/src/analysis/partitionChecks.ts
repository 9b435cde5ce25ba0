import type { Asset, Diagnostic, Location, PartitionsDef } from '../model';
import type { LayeredMap } from '../model/layeredMap';
import { AssetGraph, isTimeShape, partitionsBadge, samePartitions, summarizePartitions, timeWindows } from '../model';
import type { PartitionsOrigins } from './buildGraph';

/** Assets run together: one job, one `materialize` call, one selection. */
export interface SelectionGroup {
  id: string;
  name?: string;
  location: Location;
  members: Set<string>;
}

function describe(def: PartitionsDef | undefined, now: number): string {
  if (!def) return 'unpartitioned';
  const s = summarizePartitions(def, now);
  const name = def.name ? `${def.name}: ` : '';
  if (!s) return 'unpartitioned';
  const range = s.start ? ` ${s.start}..${s.end ?? 'now'}` : '';
  return `${name}${s.type}${s.count !== null ? ` ·${s.count}` : ''}${range}`;
}

/**
 * Dagster refuses to build a job whose assets have different partitions
 * definitions ("Selected assets must have the same partitions definitions");
 * unpartitioned assets may ride along.
 */
export function checkSelections(groups: SelectionGroup[], graph: AssetGraph, origins: PartitionsOrigins, now = Date.now()): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const g of groups) {
    const partitioned = [...g.members].map((id) => graph.get(id)!).filter((a) => a && a.partitions);
    const distinct: typeof partitioned = [];
    for (const a of partitioned) if (!distinct.some((d) => samePartitions(d.partitions, a.partitions))) distinct.push(a);
    if (distinct.length < 2) continue;
    const what = g.name ? `Job "${g.name}"` : 'This selection';
    out.push({
      location: g.location,
      severity: 'error',
      code: 'mixed-partitions',
      message: `${what} mixes assets with different partitions definitions (${distinct
        .map((a) => `${a.id}: ${describe(a.partitions, now)}`)
        .join('; ')}). Dagster rejects it: "Selected assets must have the same partitions definitions".`,
      related: distinct.map((a) => ({
        location: origins.get(a.id) ?? a.locations[0],
        message: `${a.id} is ${partitionsBadge(a.partitions, now) || 'partitioned'}`,
      })),
    });
  }
  return out;
}

/** The edge problems of one asset's upstream edges. */
export interface EdgeCheck {
  diagnostics: Diagnostic[];
  /** `${from}->${to}` → message */
  problems: [string, string][];
}

/**
 * The edge checks again after a patch (relinkCodeFile, relinkDbtProject): of
 * the edges into the assets `around` and into those downstream of them (an
 * edge's messages name both ends and their places).
 */
export function recheckEdges(graph: AssetGraph, around: Iterable<string>, origins: PartitionsOrigins, edgeChecks: LayeredMap<string, EdgeCheck>, now: number): void {
  const ids = new Set(around);
  for (const id of [...ids]) for (const e of graph.downstream(id)) ids.add(e.to);
  for (const id of ids) {
    const asset = graph.get(id);
    const found = asset && checkEdgesInto(graph, asset, origins, now);
    if (found) edgeChecks.set(id, found);
    else edgeChecks.delete(id);
  }
}

/**
 * Edge checks of the edges into one asset. Time-partitioned dependencies map
 * by time window, so the only problem is a downstream window with no upstream
 * data (ranges that don't overlap). Any other pair of different partitions
 * definitions needs an explicit partition mapping. Undefined when all is fine.
 */
export function checkEdgesInto(graph: AssetGraph, down: Asset, origins: PartitionsOrigins, now: number): EdgeCheck | undefined {
  const out: Diagnostic[] = [];
  const problems: [string, string][] = [];
  const dp = down.partitions;
  if (!dp) return undefined;
  for (const edge of graph.upstream(down.id)) {
    const up = graph.get(edge.from);
    const upp = up?.partitions;
    if (!up || !upp || samePartitions(upp, dp)) continue;
    if (edge.via?.hasPartitionMapping) continue;
    const location = edge.via?.location ?? origins.get(down.id) ?? down.locations[0];
    if (!location) continue;
    const related = [
      { location: origins.get(up.id) ?? up.locations[0], message: `${up.id} is ${describe(upp, now)}` },
      { location: origins.get(down.id) ?? down.locations[0], message: `${down.id} is ${describe(dp, now)}` },
    ].filter((r) => r.location);
    if (isTimeShape(upp.shape) && isTimeShape(dp.shape)) {
      const uw = timeWindows(upp.shape, now);
      const dw = timeWindows(dp.shape, now);
      if (!uw || !dw || dw.count === 0) continue;
      const before = dw.first < uw.first;
      const after = dw.last > uw.last;
      if (!before && !after) continue;
      const fmt = (t: number) => new Date(t).toISOString().slice(0, 10);
      const gap = [before ? `before ${fmt(uw.first)}` : '', after ? `after ${fmt(uw.last)}` : ''].filter(Boolean).join(' and ');
      const message = `${down.id} (${describe(dp, now)}) depends on ${up.id} (${describe(upp, now)}): its partitions ${gap} have no upstream partition.`;
      problems.push([`${up.id}->${down.id}`, message]);
      out.push({ location, severity: 'warning', code: 'partition-range', message, related });
    } else {
      const message = `${down.id} (${describe(dp, now)}) depends on ${up.id} (${describe(upp, now)}) with different partitions definitions and no partition_mapping; Dagster cannot map between them by default.`;
      problems.push([`${up.id}->${down.id}`, message]);
      out.push({ location, severity: 'warning', code: 'partition-mapping', message, related });
    }
  }
  return out.length ? { diagnostics: out, problems } : undefined;
}
