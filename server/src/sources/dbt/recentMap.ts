/**
 * A map that keeps its most recently used entries, at most `capacity`: the
 * one used longest ago goes when a new one would pass it. For results worth
 * keeping a while (a file's scan, a settings text's parse) but not forever.
 */
export class RecentMap<K, V> {
  // a Map iterates in insertion order: re-inserting on use keeps the oldest first
  private readonly entries = new Map<K, V>();

  constructor(private readonly capacity: number) {}

  get(key: K): V | undefined {
    const had = this.entries.get(key);
    if (had === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, had);
    return had;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }
}
