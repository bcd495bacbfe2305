/**
 * A log-linear latency histogram in the spirit of HdrHistogram, in integer microseconds:
 * - values below 2048 µs are counted exactly;
 * - above, each power of two is split into 1024 equal buckets, so any reported value is within 1/1024
 *   (< 0.1 %) of a recorded one;
 * - range 0 .. 2^31-1 µs (~35 min); larger values are clamped into the last bucket, min/max/sum stay exact.
 * Fixed bucket boundaries make histograms mergeable (rounds, processes) and cheap to record into
 * (one clz32 and an array increment), which keeps the load generator light.
 */

const SUB_BITS = 11;
const SUB_COUNT = 1 << SUB_BITS; // 2048 exact values
const HALF = SUB_COUNT >> 1; // 1024 buckets per power of two above that
const MAX_BITS = 31;
export const MAX_TRACKABLE_US = 2 ** MAX_BITS - 1;
const BUCKETS = SUB_COUNT + (MAX_BITS - SUB_BITS) * HALF;

/** Bucket index of a (non-negative integer) value. */
export function bucketIndex(v: number): number {
  if (v < SUB_COUNT) return v;
  const shift = 32 - Math.clz32(v) - SUB_BITS; // >= 1
  return SUB_COUNT + (shift - 1) * HALF + ((v >>> shift) - HALF);
}

/** Smallest and largest value that land in bucket `i`. */
export function bucketRange(i: number): [number, number] {
  if (i < SUB_COUNT) return [i, i];
  const k = i - SUB_COUNT;
  const shift = Math.floor(k / HALF) + 1;
  const width = 2 ** shift;
  const low = ((k % HALF) + HALF) * width;
  return [low, low + width - 1];
}

/** The JSON form: sparse [bucket, count] pairs plus exact aggregates. */
export interface HistogramSnapshot {
  count: number;
  min: number;
  max: number;
  sum: number;
  buckets: Array<[number, number]>;
}

/**
 * The form stored in results files: the distribution at 1/128 relative precision (values below 256 µs
 * exact), as "delta:count" pairs where each value is the top of its coarse bucket and deltas are from the
 * previous value. Small enough to commit, precise enough to recompute any percentile within 0.8 %.
 */
export interface CompactHistogram {
  count: number;
  min: number;
  max: number;
  sum: number;
  values: string;
}

const COMPACT_BITS = 8;

/** Top of the 1/128-wide bucket that holds v. */
function compactTop(v: number): number {
  if (v < 1 << COMPACT_BITS) return v;
  const shift = 32 - Math.clz32(v) - COMPACT_BITS;
  const width = 2 ** shift;
  return Math.floor(v / width) * width + width - 1;
}

export interface Percentiles {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

export class Histogram {
  private counts = new Float64Array(BUCKETS);
  count = 0;
  min = Infinity;
  max = 0;
  sum = 0;

  /** Records one value in microseconds (fractions are rounded, negatives count as 0). */
  record(us: number): void {
    const v = us > 0 ? Math.min(Math.round(us), MAX_TRACKABLE_US) : 0;
    this.counts[bucketIndex(v)]++;
    this.count++;
    this.sum += v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }

  /**
   * The value at percentile `p` (0..100) by nearest rank: the smallest recorded value such that at least
   * p % of all values are <= it, reported as the top of its bucket (never below the true value) but not
   * above the exact maximum. 0 when empty.
   */
  percentile(p: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil((p / 100) * this.count));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i];
      if (seen >= rank) return Math.min(bucketRange(i)[1], this.max);
    }
    return this.max;
  }

  summary(): Percentiles {
    return {
      count: this.count,
      min: this.count ? this.min : 0,
      mean: this.count ? Math.round(this.sum / this.count) : 0,
      p50: this.percentile(50),
      p90: this.percentile(90),
      p99: this.percentile(99),
      p999: this.percentile(99.9),
      max: this.max,
    };
  }

  add(other: Histogram): this {
    if (other.count === 0) return this;
    for (let i = 0; i < BUCKETS; i++) this.counts[i] += other.counts[i];
    this.count += other.count;
    this.sum += other.sum;
    this.min = Math.min(this.min, other.min);
    this.max = Math.max(this.max, other.max);
    return this;
  }

  toJSON(): HistogramSnapshot {
    const buckets: Array<[number, number]> = [];
    for (let i = 0; i < BUCKETS; i++) if (this.counts[i]) buckets.push([i, this.counts[i]]);
    return { count: this.count, min: this.count ? this.min : 0, max: this.max, sum: this.sum, buckets };
  }

  toCompact(): CompactHistogram {
    const parts: string[] = [];
    let prev = 0;
    let top = -1;
    let acc = 0;
    const flush = () => {
      if (acc === 0) return;
      parts.push(`${top - prev}:${acc}`);
      prev = top;
    };
    for (let i = 0; i < BUCKETS; i++) {
      const c = this.counts[i];
      if (!c) continue;
      const t = compactTop(bucketRange(i)[1]);
      if (t !== top) {
        flush();
        top = t;
        acc = 0;
      }
      acc += c;
    }
    flush();
    return { count: this.count, min: this.count ? this.min : 0, max: this.max, sum: this.sum, values: parts.join(',') };
  }

  static fromCompact(s: CompactHistogram): Histogram {
    const h = new Histogram();
    let v = 0;
    for (const pair of s.values ? s.values.split(',') : []) {
      const [d, c] = pair.split(':').map(Number);
      v += d;
      if (!Number.isInteger(v) || v < 0 || v > MAX_TRACKABLE_US || !(c > 0)) throw new Error(`compact histogram: bad pair "${pair}"`);
      h.counts[bucketIndex(v)] += c;
    }
    h.count = s.count;
    h.min = s.count ? s.min : Infinity;
    h.max = s.max;
    h.sum = s.sum;
    return h;
  }

  static from(s: HistogramSnapshot): Histogram {
    const h = new Histogram();
    for (const [i, c] of s.buckets) {
      if (!Number.isInteger(i) || i < 0 || i >= BUCKETS) throw new Error(`histogram bucket ${i} out of range`);
      h.counts[i] += c;
    }
    h.count = s.count;
    h.min = s.count ? s.min : Infinity;
    h.max = s.max;
    h.sum = s.sum;
    return h;
  }

  static merge(hs: Iterable<Histogram>): Histogram {
    const out = new Histogram();
    for (const h of hs) out.add(h);
    return out;
  }
}
