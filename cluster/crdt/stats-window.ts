/**
 * Per-origin sliding windows of fixed-length time buckets holding number vectors
 * (counts, error counts, latency histogram buckets, ...).
 *
 * Only the origin writes into its own buckets, and a bucket only grows, so each (origin, key, start)
 * bucket carries a version (the number of writes into it): merge keeps the higher version, and ties
 * (which only forged input can produce) are broken by comparing the vectors. Reading a window sums the
 * buckets of all origins element-wise. Buckets older than the window are pruned, which is how a dead
 * origin's stats age out.
 */

/** [origin, key, bucketStart, version, values] — one origin's bucket on the wire. */
export type StatsRecord = [origin: string, key: string, start: number, version: number, values: number[]];

interface Bucket {
  version: number;
  values: number[];
}

export interface StatsWindowView {
  bucketMs: number;
  buckets: Array<{ start: number; values: number[] }>;
}

function compareVectors(a: number[], b: number[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return a.length - b.length;
}

export class StatsWindows {
  /** origin -> key -> bucket start -> bucket */
  private readonly origins = new Map<string, Map<string, Map<number, Bucket>>>();

  constructor(
    readonly bucketMs: number,
    readonly bucketCount: number,
  ) {}

  bucketStart(now: number): number {
    return Math.floor(now / this.bucketMs) * this.bucketMs;
  }

  /** The oldest bucket start still inside the window at `now`. */
  windowStart(now: number): number {
    return this.bucketStart(now) - (this.bucketCount - 1) * this.bucketMs;
  }

  /** Adds `values` element-wise into `origin`'s current bucket for `key`; returns the updated record. */
  record(origin: string, key: string, values: ArrayLike<number>, now: number): StatsRecord {
    const start = this.bucketStart(now);
    const buckets = this.bucketsOf(origin, key);
    let bucket = buckets.get(start);
    if (!bucket) {
      bucket = { version: 0, values: [] };
      buckets.set(start, bucket);
    }
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (!Number.isFinite(v)) throw new RangeError(`stats value at index ${i} is not finite`);
      bucket.values[i] = (bucket.values[i] ?? 0) + v;
    }
    for (let i = 0; i < bucket.values.length; i++) bucket.values[i] ??= 0;
    bucket.version++;
    return [origin, key, start, bucket.version, bucket.values.slice()];
  }

  /** Merges one record; returns true if it changed the state. Records older than the window are ignored. */
  merge([origin, key, start, version, values]: StatsRecord, now: number): boolean {
    if (start < this.windowStart(now)) return false;
    const buckets = this.bucketsOf(origin, key);
    const current = buckets.get(start);
    if (current) {
      if (version < current.version) return false;
      if (version === current.version && compareVectors(values, current.values) <= 0) return false;
    }
    buckets.set(start, { version, values: values.slice() });
    return true;
  }

  /** Element-wise sum over origins of every bucket inside the window, oldest first (sparse: empty buckets omitted). */
  window(key: string, now: number, includeOrigin: (origin: string) => boolean = () => true): StatsWindowView {
    const from = this.windowStart(now);
    const to = this.bucketStart(now);
    const sums = new Map<number, number[]>();
    for (const origin of [...this.origins.keys()].sort()) {
      if (!includeOrigin(origin)) continue;
      const buckets = this.origins.get(origin)!.get(key);
      if (!buckets) continue;
      for (const [start, bucket] of buckets) {
        if (start < from || start > to) continue;
        const sum = sums.get(start) ?? [];
        for (let i = 0; i < bucket.values.length; i++) sum[i] = (sum[i] ?? 0) + bucket.values[i]!;
        for (let i = 0; i < sum.length; i++) sum[i] ??= 0;
        sums.set(start, sum);
      }
    }
    const buckets = [...sums.entries()].sort(([a], [b]) => a - b).map(([start, values]) => ({ start, values }));
    return { bucketMs: this.bucketMs, buckets };
  }

  keys(): string[] {
    const keys = new Set<string>();
    for (const byKey of this.origins.values()) for (const key of byKey.keys()) keys.add(key);
    return [...keys].sort();
  }

  /** All records (optionally of one origin), sorted, for digests and snapshots. */
  records(origin?: string): StatsRecord[] {
    const out: StatsRecord[] = [];
    const origins = origin === undefined ? [...this.origins.keys()].sort() : [origin];
    for (const o of origins) {
      const byKey = this.origins.get(o);
      if (!byKey) continue;
      for (const key of [...byKey.keys()].sort()) {
        const buckets = byKey.get(key)!;
        for (const start of [...buckets.keys()].sort((a, b) => a - b)) {
          const b = buckets.get(start)!;
          out.push([o, key, start, b.version, b.values.slice()]);
        }
      }
    }
    return out;
  }

  originIds(): string[] {
    return [...this.origins.keys()].sort();
  }

  /** Drops buckets that fell out of the window, and origins/keys left empty. */
  prune(now: number): void {
    const from = this.windowStart(now);
    for (const [origin, byKey] of this.origins) {
      for (const [key, buckets] of byKey) {
        for (const start of buckets.keys()) if (start < from) buckets.delete(start);
        if (buckets.size === 0) byKey.delete(key);
      }
      if (byKey.size === 0) this.origins.delete(origin);
    }
  }

  private bucketsOf(origin: string, key: string): Map<number, Bucket> {
    let byKey = this.origins.get(origin);
    if (!byKey) {
      byKey = new Map();
      this.origins.set(origin, byKey);
    }
    let buckets = byKey.get(key);
    if (!buckets) {
      buckets = new Map();
      byKey.set(key, buckets);
    }
    return buckets;
  }
}
