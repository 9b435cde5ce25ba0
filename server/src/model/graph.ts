import type { Asset } from './asset';
import type { KeyReference } from './reference';
import { containsPosition, type Position } from './location';

/** A reference after resolution: which asset (if any) it names. */
export interface ResolvedReference extends KeyReference {
  /** key id of the referenced asset, when resolved */
  resolved?: string;
  /** key id the reference would have if it resolved (for messages and did-you-mean) */
  wanted?: string;
}

export interface Edge {
  from: string;
  to: string;
  /** the reference that made this edge, when there is one in source */
  via?: ResolvedReference;
}

export interface LineageNode {
  asset: Asset;
  children: LineageNode[];
  /** the edge that led here from the parent */
  edge?: Edge;
  /** already shown elsewhere in the tree (a diamond) — not expanded again */
  repeated?: boolean;
}

/**
 * The one asset graph of a workspace. Immutable once built: re-indexing
 * builds a new one, so readers never see a half-updated graph.
 */
export class AssetGraph {
  readonly assets = new Map<string, Asset>();
  private readonly up = new Map<string, Edge[]>();
  private readonly upFrom = new Map<string, Set<string>>();
  private readonly down = new Map<string, Edge[]>();
  private readonly refsByFile = new Map<string, ResolvedReference[]>();
  private readonly refsByTarget = new Map<string, ResolvedReference[]>();
  private readonly assetsByFile = new Map<string, Asset[]>();

  addAsset(asset: Asset): void {
    this.assets.set(asset.id, asset);
    // an asset is added once; only its own locations can repeat a file (a def and its extent)
    const files = new Set(asset.locations.map((l) => l.file));
    if (asset.extent) files.add(asset.extent.file);
    for (const file of files) {
      const list = this.assetsByFile.get(file);
      if (list) list.push(asset);
      else this.assetsByFile.set(file, [asset]);
    }
  }

  /** Puts `next` where `old` was (same id), in every per-file list too. */
  replaceAsset(old: Asset, next: Asset): void {
    this.assets.set(next.id, next);
    for (const loc of old.extent ? [...old.locations, old.extent] : old.locations) {
      const list = this.assetsByFile.get(loc.file);
      const i = list ? list.indexOf(old) : -1;
      if (list && i >= 0) list[i] = next;
    }
    for (const loc of next.locations) this.addToFile(loc.file, next);
    if (next.extent) this.addToFile(next.extent.file, next);
  }

  private addToFile(file: string, asset: Asset): void {
    const list = this.assetsByFile.get(file);
    if (!list) this.assetsByFile.set(file, [asset]);
    else if (!list.includes(asset)) list.push(asset);
  }

  addEdge(edge: Edge): void {
    if (edge.from === edge.to) return;
    // one edge per pair, the first reference wins; a set, since fan-in can be in the thousands
    let from = this.upFrom.get(edge.to);
    if (!from) this.upFrom.set(edge.to, (from = new Set()));
    if (from.has(edge.from)) return;
    from.add(edge.from);
    const ups = this.up.get(edge.to) ?? [];
    ups.push(edge);
    this.up.set(edge.to, ups);
    const downs = this.down.get(edge.from) ?? [];
    downs.push(edge);
    this.down.set(edge.from, downs);
  }

  addReference(ref: ResolvedReference): void {
    const list = this.refsByFile.get(ref.location.file) ?? [];
    list.push(ref);
    this.refsByFile.set(ref.location.file, list);
    if (ref.resolved) {
      const t = this.refsByTarget.get(ref.resolved) ?? [];
      t.push(ref);
      this.refsByTarget.set(ref.resolved, t);
    }
  }

  get(id: string): Asset | undefined {
    return this.assets.get(id);
  }

  upstream(id: string): Edge[] {
    return this.up.get(id) ?? [];
  }

  downstream(id: string): Edge[] {
    return this.down.get(id) ?? [];
  }

  references(): Iterable<ResolvedReference> {
    const all: ResolvedReference[] = [];
    for (const list of this.refsByFile.values()) all.push(...list);
    return all;
  }

  referencesIn(file: string): ResolvedReference[] {
    return this.refsByFile.get(file) ?? [];
  }

  referencesTo(id: string): ResolvedReference[] {
    return this.refsByTarget.get(id) ?? [];
  }

  assetsIn(file: string): Asset[] {
    return this.assetsByFile.get(file) ?? [];
  }

  referenceAt(file: string, pos: Position): ResolvedReference | undefined {
    return this.referencesIn(file).find((r) => containsPosition(r.location.range, pos));
  }

  /** The asset whose definition range covers the position (innermost first). */
  assetAt(file: string, pos: Position): Asset | undefined {
    const spans = (a: Asset) => (a.extent ? [a.extent, ...a.locations] : a.locations);
    const hits = this.assetsIn(file).filter((a) => spans(a).some((l) => l.file === file && containsPosition(l.range, pos)));
    // innermost: the smallest covering span
    const size = (a: Asset) =>
      Math.min(...spans(a).filter((l) => l.file === file && containsPosition(l.range, pos)).map((l) => l.range.end.line - l.range.start.line));
    return hits.sort((a, b) => size(a) - size(b))[0];
  }

  /** Sorted key ids. */
  ids(): string[] {
    return [...this.assets.keys()].sort();
  }

  /**
   * Lineage tree from `id`. Each asset is expanded once (later visits are
   * marked `repeated`), so the tree stays linear in the graph size.
   */
  lineage(id: string, direction: 'up' | 'down', depth = Infinity): LineageNode | undefined {
    const root = this.assets.get(id);
    if (!root) return undefined;
    const seen = new Set<string>([id]);
    const build = (asset: Asset, level: number): LineageNode => {
      const node: LineageNode = { asset, children: [] };
      if (level >= depth) return node;
      const edges = direction === 'up' ? this.upstream(asset.id) : this.downstream(asset.id);
      for (const edge of [...edges].sort((a, b) => (direction === 'up' ? a.from.localeCompare(b.from) : a.to.localeCompare(b.to)))) {
        const nextId = direction === 'up' ? edge.from : edge.to;
        const next = this.assets.get(nextId);
        if (!next) continue;
        if (seen.has(nextId)) {
          node.children.push({ asset: next, children: [], edge, repeated: true });
          continue;
        }
        seen.add(nextId);
        const child = build(next, level + 1);
        child.edge = edge;
        node.children.push(child);
      }
      return node;
    };
    return build(root, 0);
  }
}
