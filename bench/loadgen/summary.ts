import { Histogram, type HistogramSnapshot, type Percentiles } from './histogram.js';

/** Percentiles of one or more histogram snapshots (merged). */
export function percentilesOf(...snaps: HistogramSnapshot[]): Percentiles {
  return Histogram.merge(snaps.map((s) => Histogram.from(s))).summary();
}
