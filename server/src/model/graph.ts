import type { Asset } from './asset';
import type { KeyReference } from './reference';
import { containsPosition, type Position } from './location';
import { LayeredMap } from './layeredMap';

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

/** Fan-in from which an asset's upstream sources are also kept as a set (see addEdge). */
const FAN_IN_SET = 16;

/**
 * The one asset graph of a workspace. Immutable once published: a re-index
 * builds a new one (or a `derive()`d copy it then patches), so readers never
 * see a half-updated graph.
 */
export class AssetGraph {
  readonly assets: LayeredMap<string, Asset>;
  private readonly up: LayeredMap<string, Edge[]>;
  /** the sources of `up`, as a set, for assets with a fan-in of FAN_IN_SET or more */
  private readonly upFrom: LayeredMap<string, Set<string>>;
  private readonly down: LayeredMap<string, Edge[]>;
  private readonly refsByFile: LayeredMap<string, ResolvedReference[]>;
  private readonly refsByTarget: LayeredMap<string, ResolvedReference[]>;
  private readonly assetsByFile: LayeredMap<string, Asset[]>;
  /**
   * In a derived graph, the lists and sets it created itself; every other one
   * is still shared with the graph it came from and is copied before a write.
   * Undefined in a graph built from scratch: it owns everything.
   */
  private readonly owned?: WeakSet<object>;

  constructor(from?: AssetGraph) {
    this.assets = new LayeredMap(from?.assets);
    this.up = new LayeredMap(from?.up);
    this.upFrom = new LayeredMap(from?.upFrom);
    this.down = new LayeredMap(from?.down);
    this.refsByFile = new LayeredMap(from?.refsByFile);
    this.refsByTarget = new LayeredMap(from?.refsByTarget);
    this.assetsByFile = new LayeredMap(from?.assetsByFile);
    if (from) this.owned = new WeakSet();
  }

  /**
   * A copy to patch (one file re-linked) while this graph stays as it is:
   * the maps are layered over this graph's (LayeredMap), the lists in them
   * are copied only when the patch writes to them.
   */
  derive(): AssetGraph {
    return new AssetGraph(this);
  }

  /** The list or set under `key`, safe to write: a shared one is replaced by a copy first. */
  private writable<K, C extends unknown[] | Set<unknown>>(map: LayeredMap<K, C>, key: K, make: () => C): C {
    const found = map.get(key);
    if (!found) {
      const created = make();
      map.set(key, created);
      this.owned?.add(created);
      return created;
    }
    if (!this.owned || this.owned.has(found)) return found;
    const copy = (Array.isArray(found) ? [...found] : new Set(found)) as C;
    this.owned.add(copy);
    map.set(key, copy);
    return copy;
  }

  /** Keeps in the list under `key` what `keep` accepts (in a new list, never the shared one); an emptied list goes. */
  private filterList<K, T>(map: LayeredMap<K, T[]>, key: K, keep: (item: T) => boolean): void {
    const list = map.get(key);
    if (!list) return;
    const rest = list.filter(keep);
    if (rest.length === list.length) return;
    if (rest.length) {
      map.set(key, rest);
      this.owned?.add(rest);
    } else map.delete(key);
  }

  addAsset(asset: Asset): void {
    this.assets.set(asset.id, asset);
    // an asset is added once; only its own locations can repeat a file (a def and its extent)
    const files = new Set(asset.locations.map((l) => l.file));
    if (asset.extent) files.add(asset.extent.file);
    for (const file of files) this.writable(this.assetsByFile, file, () => [] as Asset[]).push(asset);
  }

  /** Puts `next` where `old` was (same id), in every per-file list too. */
  replaceAsset(old: Asset, next: Asset): void {
    this.assets.set(next.id, next);
    for (const loc of old.extent ? [...old.locations, old.extent] : old.locations) {
      if (!this.assetsByFile.get(loc.file)?.includes(old)) continue;
      const list = this.writable(this.assetsByFile, loc.file, () => [] as Asset[]);
      list[list.indexOf(old)] = next;
    }
    for (const loc of next.locations) this.addToFile(loc.file, next);
    if (next.extent) this.addToFile(next.extent.file, next);
  }

  /** Removes an asset: from the id map, its files' lists, and every edge into or out of it. */
  removeAsset(asset: Asset): void {
    this.assets.delete(asset.id);
    for (const loc of asset.extent ? [...asset.locations, asset.extent] : asset.locations) this.filterList(this.assetsByFile, loc.file, (a) => a !== asset);
    this.removeEdgesInto(asset.id);
    for (const e of this.down.get(asset.id) ?? []) {
      this.filterList(this.up, e.to, (u) => u !== e);
      if (this.upFrom.has(e.to)) this.writable(this.upFrom, e.to, () => new Set<string>()).delete(asset.id);
    }
    this.down.delete(asset.id);
  }

  /** Puts the assets of `file` in this order (the order of the file's definitions). */
  orderAssetsIn(file: string, order: Asset[]): void {
    const list = this.assetsByFile.get(file) ?? [];
    const rank = new Map(order.map((a, i) => [a, i]));
    const sorted = [...list].sort((a, b) => (rank.get(a) ?? -1) - (rank.get(b) ?? -1));
    this.assetsByFile.set(file, sorted);
    this.owned?.add(sorted);
  }

  private addToFile(file: string, asset: Asset): void {
    if (!this.assetsByFile.get(file)?.includes(asset)) this.writable(this.assetsByFile, file, () => [] as Asset[]).push(asset);
  }

  addEdge(edge: Edge): void {
    if (edge.from === edge.to) return;
    // One edge per pair, the first reference wins. Most assets have a few
    // upstreams, searched in place; a set of sources is kept only from
    // FAN_IN_SET on, where fan-in in the thousands would make this quadratic.
    const ups = this.up.get(edge.to);
    if (ups && ups.length >= FAN_IN_SET) {
      if (!this.upFrom.has(edge.to)) {
        const sources = new Set(ups.map((e) => e.from));
        this.upFrom.set(edge.to, sources);
        this.owned?.add(sources);
      }
      if (this.upFrom.get(edge.to)!.has(edge.from)) return;
      this.writable(this.upFrom, edge.to, () => new Set<string>()).add(edge.from);
    } else if (ups?.some((e) => e.from === edge.from)) return;
    this.writable(this.up, edge.to, () => [] as Edge[]).push(edge);
    this.writable(this.down, edge.from, () => [] as Edge[]).push(edge);
  }

  /** Removes every edge into `to` (and each from its source's downstream list). */
  removeEdgesInto(to: string): void {
    const edges = this.up.get(to);
    if (!edges) return;
    for (const e of edges) this.filterList(this.down, e.from, (d) => d !== e);
    this.up.delete(to);
    this.upFrom.delete(to);
  }

  addReference(ref: ResolvedReference): void {
    this.writable(this.refsByFile, ref.location.file, () => [] as ResolvedReference[]).push(ref);
    if (ref.resolved) this.writable(this.refsByTarget, ref.resolved, () => [] as ResolvedReference[]).push(ref);
  }

  /** Removes every reference located in `file` (and from the per-target lists). */
  removeReferencesIn(file: string): void {
    const refs = this.refsByFile.get(file);
    if (!refs) return;
    const gone = new Set<ResolvedReference>(refs);
    const targets = new Set<string>();
    for (const r of refs) if (r.resolved) targets.add(r.resolved);
    for (const t of targets) this.filterList(this.refsByTarget, t, (r) => !gone.has(r));
    this.refsByFile.delete(file);
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
