/**
 * A bounded map that forgets the least recently used entries once it holds `max` entries, or,
 * with a `weigh` function, once their total weight passes `maxWeight` (e.g. bytes).
 */
export class Lru<K, V> {
  private readonly map = new Map<K, V>();
  private weight = 0;

  constructor(
    readonly max: number,
    private readonly options: { maxWeight?: number; weigh?: (value: V) => number } = {},
  ) {
    if (!Number.isInteger(max) || max < 1) throw new Error('Lru: max must be a positive integer');
  }

  get(key: K): V | undefined {
    const value = this.map.get(key);
    if (value === undefined) return undefined;
    // Re-inserting moves the key to the end: Map keeps insertion order, so the first key is the oldest.
    this.map.delete(key);
    this.map.set(key, value);
    return value;
  }

  set(key: K, value: V): void {
    this.delete(key);
    this.map.set(key, value);
    this.weight += this.weigh(value);
    const maxWeight = this.options.maxWeight ?? Infinity;
    while (this.map.size > this.max || (this.weight > maxWeight && this.map.size > 1)) {
      this.delete(this.map.keys().next().value as K);
    }
  }

  delete(key: K): void {
    const old = this.map.get(key);
    if (old === undefined) return;
    this.weight -= this.weigh(old);
    this.map.delete(key);
  }

  /** Forgets every entry. */
  clear(): void {
    this.map.clear();
    this.weight = 0;
  }

  get size(): number {
    return this.map.size;
  }

  /** The total weight of the entries held (0 without a `weigh` function). */
  get weightNow(): number {
    return this.weight;
  }

  /** The values, least recently used first (reading them does not change the order). */
  values(): IterableIterator<V> {
    return this.map.values();
  }

  private weigh(value: V): number {
    return this.options.weigh ? this.options.weigh(value) : 0;
  }
}
