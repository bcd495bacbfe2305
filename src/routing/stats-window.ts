/**
 * Sliding window of per-deployment request statistics, built from fixed time buckets.
 *
 * Every bucket is a flat vector of numbers whose only merge operation is element-wise SUM.
 * That is what lets the cluster layer keep one vector per (origin node, bucket start) and
 * add them up: the histograms use FIXED bounds (LATENCY_BOUNDS_MS), so summing two
 * histograms is exactly the histogram of the union of their samples.
 *
 * Bucket starts are aligned to the Unix epoch (start = floor(now / bucketMs) * bucketMs), so
 * buckets recorded on different nodes line up without coordination.
 *
 * Vector layout (BUCKET_VECTOR_LENGTH numbers):
 *   [0] request count          [1] error count
 *   [2] sum of latency (ms)    [3] sum of TTFT (ms)     [4] TTFT sample count
 *   [5 .. 5+B)      latency histogram, B = LATENCY_BOUNDS_MS.length
 *   [5+B .. 5+2B)   TTFT histogram
 * Latency is recorded for successful requests only: a failing upstream often fails fast, and
 * counting its 2 ms 500s would make the broken deployment look like the quickest one. Errors
 * are accounted for by the error rate instead. The latency sample count is therefore the
 * sum of the latency histogram, not [0].
 */

/** Upper bounds (inclusive, Prometheus `le` style) of the latency and TTFT histogram buckets. */
export const LATENCY_BOUNDS_MS: readonly number[] = Object.freeze([
  5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, Number.POSITIVE_INFINITY,
]);

const B = LATENCY_BOUNDS_MS.length;

export const IDX_COUNT = 0;
export const IDX_ERRORS = 1;
export const IDX_LATENCY_SUM = 2;
export const IDX_TTFT_SUM = 3;
export const IDX_TTFT_COUNT = 4;
export const IDX_LATENCY_HIST = 5;
export const IDX_TTFT_HIST = 5 + B;

/** Length of the flat vector that encodes one bucket. */
export const BUCKET_VECTOR_LENGTH = 5 + 2 * B;

/** Samples above this are clamped so one absurd value cannot dominate the sums. */
const MAX_RECORDED_MS = 86_400_000;

export interface Bucket {
  /** Epoch-aligned start of the bucket, in ms. */
  readonly startMs: number;
  /** BUCKET_VECTOR_LENGTH numbers, layout above. */
  readonly vector: Float64Array;
}

export interface Sample {
  ok: boolean;
  latencyMs: number;
  /** Time to first token (streaming only). */
  ttftMs?: number;
}

export interface WindowSummary {
  count: number;
  errors: number;
  /** errors / count, 0 when there were no requests. */
  errorRate: number;
  /** null when there is no latency sample in the window. */
  p50Ms: number | null;
  p95Ms: number | null;
  ttftP50Ms: number | null;
  ttftP95Ms: number | null;
  meanLatencyMs: number | null;
  /** The summed vector the figures above were computed from; mergeSummaries adds these. */
  totals: readonly number[];
}

export interface StatsWindowOptions {
  bucketMs?: number;
  bucketCount?: number;
}

export const DEFAULT_BUCKET_MS = 1000;
export const DEFAULT_BUCKET_COUNT = 60;

function clampMs(x: number): number {
  // NaN and negatives become 0 (NaN > 0 is false).
  return x > 0 ? Math.min(x, MAX_RECORDED_MS) : 0;
}

/** Index of the histogram bucket a value falls into (first bound >= value). */
export function histogramIndex(valueMs: number): number {
  for (let i = 0; i < B - 1; i++) {
    if (valueMs <= LATENCY_BOUNDS_MS[i]!) return i;
  }
  return B - 1;
}

/** Add one sample into a bucket vector stored at `offset` of `target`. O(1), no allocation. */
export function addSample(target: Float64Array, offset: number, sample: Sample): void {
  target[offset + IDX_COUNT] += 1;
  if (!sample.ok) {
    target[offset + IDX_ERRORS] += 1;
    return;
  }
  const latency = clampMs(sample.latencyMs);
  target[offset + IDX_LATENCY_SUM] += latency;
  target[offset + IDX_LATENCY_HIST + histogramIndex(latency)] += 1;
  if (sample.ttftMs !== undefined) {
    const ttft = clampMs(sample.ttftMs);
    target[offset + IDX_TTFT_SUM] += ttft;
    target[offset + IDX_TTFT_COUNT] += 1;
    target[offset + IDX_TTFT_HIST + histogramIndex(ttft)] += 1;
  }
}

/** The flat vector for one bucket (what the cluster layer stores and sums). */
export function encodeBucket(bucket: Bucket): number[] {
  return Array.from(bucket.vector);
}

/** Inverse of encodeBucket; rejects vectors of the wrong length or with invalid numbers. */
export function decodeBucket(startMs: number, vector: readonly number[]): Bucket {
  if (!Number.isFinite(startMs)) throw new RangeError('bucket start must be a finite number');
  if (vector.length !== BUCKET_VECTOR_LENGTH) {
    throw new RangeError(`bucket vector must have ${BUCKET_VECTOR_LENGTH} elements, got ${vector.length}`);
  }
  const out = new Float64Array(BUCKET_VECTOR_LENGTH);
  for (let i = 0; i < BUCKET_VECTOR_LENGTH; i++) {
    const v = vector[i]!;
    if (!Number.isFinite(v) || v < 0) throw new RangeError(`bucket vector element ${i} is not a non-negative number`);
    out[i] = v;
  }
  return { startMs, vector: out };
}

/** Element-wise sum of vectors (the merge operation of the cluster layer). */
export function sumVectors(vectors: Iterable<ArrayLike<number>>): number[] {
  const out = new Array<number>(BUCKET_VECTOR_LENGTH).fill(0);
  for (const v of vectors) {
    for (let i = 0; i < BUCKET_VECTOR_LENGTH; i++) out[i] += v[i] ?? 0;
  }
  return out;
}

/**
 * Merge bucket lists from several origins: buckets with the same start are summed.
 * Result is sorted by start.
 */
export function mergeBuckets(lists: Iterable<readonly Bucket[]>): Bucket[] {
  const byStart = new Map<number, Float64Array>();
  for (const list of lists) {
    for (const b of list) {
      let acc = byStart.get(b.startMs);
      if (!acc) {
        acc = new Float64Array(BUCKET_VECTOR_LENGTH);
        byStart.set(b.startMs, acc);
      }
      for (let i = 0; i < BUCKET_VECTOR_LENGTH; i++) acc[i] += b.vector[i] ?? 0;
    }
  }
  return [...byStart.entries()].sort((a, b) => a[0] - b[0]).map(([startMs, vector]) => ({ startMs, vector }));
}

/**
 * Quantile estimate from a histogram stored at `offset` of `vec` (Prometheus
 * histogram_quantile style): find the bucket holding rank q*n and interpolate linearly
 * between its lower and upper bound. The +Inf bucket has no upper bound, so a quantile
 * landing there reports the highest finite bound.
 */
export function histogramQuantile(vec: ArrayLike<number>, offset: number, q: number): number | null {
  let total = 0;
  for (let i = 0; i < B; i++) total += vec[offset + i]!;
  if (total <= 0) return null;
  const rank = Math.min(Math.max(q, 0), 1) * total;
  let cumulative = 0;
  for (let i = 0; i < B; i++) {
    const inBucket = vec[offset + i]!;
    if (inBucket > 0 && cumulative + inBucket >= rank) {
      const lower = i === 0 ? 0 : LATENCY_BOUNDS_MS[i - 1]!;
      const upper = LATENCY_BOUNDS_MS[i]!;
      if (upper === Number.POSITIVE_INFINITY) return lower;
      const fraction = Math.min(Math.max((rank - cumulative) / inBucket, 0), 1);
      return lower + (upper - lower) * fraction;
    }
    cumulative += inBucket;
  }
  return LATENCY_BOUNDS_MS[B - 2]!;
}

/** Turn a summed vector into the figures routing decisions use. */
export function summarizeVector(totals: ArrayLike<number>): WindowSummary {
  const count = totals[IDX_COUNT]!;
  const errors = totals[IDX_ERRORS]!;
  let latencySamples = 0;
  for (let i = 0; i < B; i++) latencySamples += totals[IDX_LATENCY_HIST + i]!;
  return {
    count,
    errors,
    errorRate: count > 0 ? Math.min(errors / count, 1) : 0,
    p50Ms: histogramQuantile(totals, IDX_LATENCY_HIST, 0.5),
    p95Ms: histogramQuantile(totals, IDX_LATENCY_HIST, 0.95),
    ttftP50Ms: histogramQuantile(totals, IDX_TTFT_HIST, 0.5),
    ttftP95Ms: histogramQuantile(totals, IDX_TTFT_HIST, 0.95),
    meanLatencyMs: latencySamples > 0 ? totals[IDX_LATENCY_SUM]! / latencySamples : null,
    totals: Array.from(totals),
  };
}

/** Whether a bucket starting at `startMs` is inside the window (now - windowMs, now]. */
export function inWindow(startMs: number, now: number, windowMs: number): boolean {
  return startMs > now - windowMs && startMs <= now;
}

/** Summary of the buckets whose start lies in (now - windowMs, now]. */
export function summarize(buckets: readonly Bucket[], now: number, windowMs: number): WindowSummary {
  return summarizeVector(sumVectors(buckets.filter((b) => inWindow(b.startMs, now, windowMs)).map((b) => b.vector)));
}

/**
 * Merge summaries of the same window from several origins by summing their vectors.
 * Percentiles are recomputed from the summed histograms, never averaged.
 */
export function mergeSummaries(summaries: Iterable<WindowSummary>): WindowSummary {
  return summarizeVector(sumVectors([...summaries].map((s) => s.totals)));
}

export const EMPTY_SUMMARY: WindowSummary = Object.freeze(summarizeVector(new Array<number>(BUCKET_VECTOR_LENGTH).fill(0)));

/**
 * The local, mutable ring of buckets for one deployment. One Float64Array holds every slot;
 * a slot is lazily zeroed when the clock moves into a new bucket, so record() is O(1) and
 * allocation-free.
 */
export class StatsWindow {
  readonly bucketMs: number;
  readonly bucketCount: number;
  private readonly data: Float64Array;
  /** Epoch index (floor(now / bucketMs)) each slot currently holds; -1 = never used. */
  private readonly slotEpoch: Float64Array;

  constructor(options: StatsWindowOptions = {}) {
    this.bucketMs = options.bucketMs ?? DEFAULT_BUCKET_MS;
    this.bucketCount = options.bucketCount ?? DEFAULT_BUCKET_COUNT;
    if (!(this.bucketMs > 0) || !Number.isInteger(this.bucketMs)) throw new RangeError('bucketMs must be a positive integer');
    if (!(this.bucketCount > 0) || !Number.isInteger(this.bucketCount)) throw new RangeError('bucketCount must be a positive integer');
    this.data = new Float64Array(this.bucketCount * BUCKET_VECTOR_LENGTH);
    this.slotEpoch = new Float64Array(this.bucketCount).fill(-1);
  }

  /** Length of the window the ring covers, in ms. */
  get windowMs(): number {
    return this.bucketMs * this.bucketCount;
  }

  /**
   * Record one finished request at time `now`. Returns false (and records nothing) when the
   * sample is older than the oldest bucket the ring still holds for its slot.
   */
  record(now: number, sample: Sample): boolean {
    const epoch = Math.floor(now / this.bucketMs);
    const slot = ((epoch % this.bucketCount) + this.bucketCount) % this.bucketCount;
    const held = this.slotEpoch[slot]!;
    if (held > epoch) return false;
    const offset = slot * BUCKET_VECTOR_LENGTH;
    if (held !== epoch) {
      this.data.fill(0, offset, offset + BUCKET_VECTOR_LENGTH);
      this.slotEpoch[slot] = epoch;
    }
    addSample(this.data, offset, sample);
    return true;
  }

  /** Copies of the buckets inside the ring's window at `now`, oldest first. */
  buckets(now: number): Bucket[] {
    const out: Bucket[] = [];
    const windowMs = this.windowMs;
    for (let slot = 0; slot < this.bucketCount; slot++) {
      const epoch = this.slotEpoch[slot]!;
      if (epoch < 0) continue;
      const startMs = epoch * this.bucketMs;
      if (!inWindow(startMs, now, windowMs)) continue;
      const offset = slot * BUCKET_VECTOR_LENGTH;
      out.push({ startMs, vector: this.data.slice(offset, offset + BUCKET_VECTOR_LENGTH) });
    }
    return out.sort((a, b) => a.startMs - b.startMs);
  }

  /** Summary over the last `windowMs` (default: the whole ring). */
  summary(now: number, windowMs: number = this.windowMs): WindowSummary {
    return summarize(this.buckets(now), now, windowMs);
  }
}
