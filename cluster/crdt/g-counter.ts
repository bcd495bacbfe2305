/**
 * A map of grow-only counters. Each origin (node) only ever raises its own total for a key, so
 * the merge of two replicas is the per-origin maximum and the value is the sum over origins.
 * Shipping an origin's whole total (not the increment) makes every delta idempotent: duplicated
 * or reordered deliveries cannot double-count.
 *
 * `expiresAt` (epoch ms, 0 = never) lets old budget periods be dropped; it merges as a maximum
 * where 0 counts as infinity, so the merge stays a semilattice.
 */

/** One origin's contribution to one key: [key, origin, total, expiresAt]. */
export type CounterRecord = [key: string, origin: string, value: number, expiresAt: number];

interface CounterEntry {
  origins: Map<string, number>;
  expiresAt: number;
}

export function mergeExpiry(a: number, b: number): number {
  if (a === 0 || b === 0) return 0;
  return Math.max(a, b);
}

export class GCounterMap {
  private readonly entries = new Map<string, CounterEntry>();

  /** Adds `delta` to `origin`'s total for `key`; returns the record to ship to peers. */
  add(origin: string, key: string, delta: number, expiresAt = 0): CounterRecord {
    if (!(delta >= 0) || !Number.isFinite(delta)) throw new RangeError(`counter delta must be a finite number >= 0, got ${delta}`);
    const entry = this.entry(key, expiresAt);
    entry.expiresAt = mergeExpiry(entry.expiresAt, expiresAt);
    const value = (entry.origins.get(origin) ?? 0) + delta;
    entry.origins.set(origin, value);
    return [key, origin, value, entry.expiresAt];
  }

  /** Merges one record; returns true if the state changed. */
  merge([key, origin, value, expiresAt]: CounterRecord): boolean {
    const existing = this.entries.get(key);
    const entry = existing ?? this.entry(key, expiresAt);
    let changed = existing === undefined;
    const mergedExpiry = mergeExpiry(entry.expiresAt, expiresAt);
    if (mergedExpiry !== entry.expiresAt) {
      entry.expiresAt = mergedExpiry;
      changed = true;
    }
    const current = entry.origins.get(origin);
    if (current === undefined || value > current) {
      entry.origins.set(origin, value);
      changed = true;
    }
    return changed;
  }

  /** Cluster-wide value: sum over origins in sorted order, so float sums are identical on every node. */
  value(key: string): number {
    const entry = this.entries.get(key);
    if (!entry) return 0;
    let sum = 0;
    for (const origin of [...entry.origins.keys()].sort()) sum += entry.origins.get(origin)!;
    return sum;
  }

  originValue(key: string, origin: string): number {
    return this.entries.get(key)?.origins.get(origin) ?? 0;
  }

  values(prefix: string): Map<string, number> {
    const out = new Map<string, number>();
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) out.set(key, this.value(key));
    return out;
  }

  keys(): IterableIterator<string> {
    return this.entries.keys();
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Every record of one key (for persistence). */
  recordsOf(key: string): CounterRecord[] {
    const entry = this.entries.get(key);
    if (!entry) return [];
    return [...entry.origins].map(([origin, value]) => [key, origin, value, entry.expiresAt]);
  }

  /** The whole state as records, sorted for deterministic digests. */
  records(): CounterRecord[] {
    const out: CounterRecord[] = [];
    for (const key of [...this.entries.keys()].sort()) {
      const entry = this.entries.get(key)!;
      for (const origin of [...entry.origins.keys()].sort()) out.push([key, origin, entry.origins.get(origin)!, entry.expiresAt]);
    }
    return out;
  }

  /** Drops keys whose expiry has passed; returns the dropped keys. */
  gc(now: number): string[] {
    const dropped: string[] = [];
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt !== 0 && entry.expiresAt <= now) {
        this.entries.delete(key);
        dropped.push(key);
      }
    }
    return dropped;
  }

  get size(): number {
    return this.entries.size;
  }

  private entry(key: string, expiresAt: number): CounterEntry {
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { origins: new Map(), expiresAt };
      this.entries.set(key, entry);
    }
    return entry;
  }
}
