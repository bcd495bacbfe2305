/** Load generation: an open-loop (fixed rate, coordinated-omission corrected) and closed-loop generator in its own process. */
export { startLoadgen, type Loadgen } from './client.js';
export { runLoad } from './run.js';
export { Histogram, bucketIndex, bucketRange, MAX_TRACKABLE_US, type CompactHistogram, type HistogramSnapshot, type Percentiles } from './histogram.js';
export { percentilesOf } from './summary.js';
export type { LoadMode, LoadResult, LoadSpec, LoadTarget } from './types.js';
