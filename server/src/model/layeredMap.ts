const DELETED: unique symbol = Symbol('deleted');

/**
 * A Map that a derived copy can change without copying it: the copy shares
 * the original's entries (the base) and keeps its own changes in a small
 * delta on top. A graph patched after every save is derived from the last
 * one; copying its maps whole cost more than the patch (≈20 ms for 20k
 * assets). When the delta has grown to a sixteenth of the base, a derived
 * copy starts from a flattened base again, so lookups stay two probes.
 *
 * Iteration is in the base's insertion order, a changed value in its old
 * place, new keys after (over a merged copy made once per version); a map
 * built from scratch (no base to share) is a plain Map underneath.
 */
export class LayeredMap<K, V> implements ReadonlyMap<K, V> {
  private readonly base: Map<K, V>;
  /** changes over a shared base; undefined when the base is this map's own */
  private readonly delta?: Map<K, V | typeof DELETED>;
  private count: number;
  /** the merged entries, made on the first iteration after a change (iterating base + delta is slow) */
  private flat?: Map<K, V>;

  constructor(from?: LayeredMap<K, V>) {
    if (!from) {
      this.base = new Map();
      this.count = 0;
      return;
    }
    this.count = from.size;
    if (from.flat || (from.delta && from.delta.size > Math.max(64, from.base.size >> 4))) {
      this.base = from.flattened();
      this.delta = new Map();
    } else {
      this.base = from.base;
      this.delta = new Map(from.delta);
    }
  }

  get size(): number {
    return this.delta ? this.count : this.base.size;
  }

  get(key: K): V | undefined {
    if (this.delta?.size) {
      const d = this.delta.get(key);
      if (d !== undefined || this.delta.has(key)) return d === DELETED ? undefined : (d as V);
    }
    return this.base.get(key);
  }

  has(key: K): boolean {
    if (this.delta?.size) {
      const d = this.delta.get(key);
      if (d !== undefined || this.delta.has(key)) return d !== DELETED;
    }
    return this.base.has(key);
  }

  set(key: K, value: V): this {
    this.flat = undefined;
    if (!this.delta) {
      this.base.set(key, value);
      return this;
    }
    if (!this.has(key)) this.count++;
    this.delta.set(key, value);
    return this;
  }

  delete(key: K): boolean {
    this.flat = undefined;
    if (!this.delta) return this.base.delete(key);
    if (!this.has(key)) return false;
    this.count--;
    this.delta.set(key, DELETED);
    return true;
  }

  /** The entries as one Map (never written to: a derived map may take it as its base). */
  private flattened(): Map<K, V> {
    if (!this.delta?.size) return this.base;
    if (this.flat) return this.flat;
    const delta = this.delta;
    const flat = new Map<K, V>();
    for (const [k, v] of this.base) {
      if (!delta.has(k)) flat.set(k, v);
      else {
        const d = delta.get(k)!;
        if (d !== DELETED) flat.set(k, d as V);
      }
    }
    for (const [k, d] of delta) if (d !== DELETED && !this.base.has(k)) flat.set(k, d as V);
    return (this.flat = flat);
  }

  entries(): IterableIterator<[K, V]> {
    return this.flattened().entries();
  }

  keys(): IterableIterator<K> {
    return this.flattened().keys();
  }

  values(): IterableIterator<V> {
    return this.flattened().values();
  }

  forEach(fn: (value: V, key: K, map: ReadonlyMap<K, V>) => void, thisArg?: unknown): void {
    for (const [k, v] of this.entries()) fn.call(thisArg, v, k, this);
  }

  [Symbol.iterator](): IterableIterator<[K, V]> {
    return this.entries();
  }
}
