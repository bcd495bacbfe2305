/**
 * Summaries of small samples (tens of repetitions): nearest-rank percentiles, so a reported p99 is always a
 * value that was actually observed and never below the true one.
 */
export interface Summary {
  n: number;
  p50: number | null;
  p99: number | null;
  min: number | null;
  max: number | null;
}

/** Nearest-rank percentile (q in 0..1) of `values`; null for an empty sample. */
export function percentile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  if (!(q >= 0 && q <= 1)) throw new RangeError(`percentile q must be in 0..1, got ${q}`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1]!;
}

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) return { n: 0, p50: null, p99: null, min: null, max: null };
  return {
    n: values.length,
    p50: percentile(values, 0.5),
    p99: percentile(values, 0.99),
    min: Math.min(...values),
    max: Math.max(...values),
  };
}
