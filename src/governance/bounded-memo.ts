/**
 * A memo of values derived from names that come from config and traffic (key and team ids, models): few
 * in practice, but never allowed to grow without bound, so it starts over when it holds `limit` entries.
 */
export class BoundedMemo<V> {
  private readonly map = new Map<string, V>();

  constructor(private readonly limit = 10_000) {}

  get(key: string): V | undefined {
    return this.map.get(key);
  }

  /** Stores and returns `value`. */
  set(key: string, value: V): V {
    if (this.map.size >= this.limit && !this.map.has(key)) this.map.clear();
    this.map.set(key, value);
    return value;
  }
}
