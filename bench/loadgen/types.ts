import type { HistogramSnapshot } from './histogram.js';

export interface LoadTarget {
  /** e.g. http://127.0.0.1:8080 */
  origin: string;
  /** e.g. /v1/chat/completions */
  path: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

/**
 * open: requests are scheduled every 1/rps seconds whatever happens to earlier ones, and latency counts
 * from the scheduled time (coordinated omission corrected: a stall shows up as the queue it causes).
 * closed: `concurrency` clients each send the next request as soon as the previous one finished.
 */
export type LoadMode = { kind: 'open'; rps: number } | { kind: 'closed'; concurrency: number };

export interface LoadSpec {
  target: LoadTarget;
  mode: LoadMode;
  /** measured window */
  durationMs: number;
  /** load applied before the measured window, not recorded (default 0) */
  warmupMs?: number;
  /** upstream connections; default: 256 for open loop, `concurrency` for closed loop */
  connections?: number;
  /** per-request headers and body timeout (default 30 s) */
  timeoutMs?: number;
  /** status that counts as success (default 200) */
  expectStatus?: number;
  /** a numeric response header to collect into its own histogram, e.g. x-switchyard-overhead-us */
  recordHeader?: string;
  /** open loop: requests in flight beyond this are not sent and count as "loadgen_overflow" errors (default 20000) */
  maxInflight?: number;
}

export interface LoadResult {
  mode: LoadMode;
  durationMs: number;
  warmupMs: number;
  /** requests whose (scheduled) start fell in the measured window */
  sent: number;
  ok: number;
  errors: number;
  errorsByKind: Record<string, number>;
  /** successful responses per second of the measured window */
  achievedRps: number;
  /** including warm-up, for per-request CPU accounting */
  totalCompleted: number;
  /** µs from the scheduled (open) or actual (closed) send time to the last response byte, successes only */
  latency: HistogramSnapshot;
  /** µs from the actual dispatch to the last byte (open loop: excludes the generator's own timer lag) */
  service: HistogramSnapshot;
  /** µs from the actual dispatch to the first response body byte (time to first token for streams) */
  ttfb: HistogramSnapshot;
  /** open loop: µs the generator dispatched late versus the schedule (own load, stalls); early sends count as 0 */
  sendLag: HistogramSnapshot;
  /** values of `recordHeader`, if requested and present */
  header: HistogramSnapshot | null;
  bytesReceived: number;
  /** CPU µs the load generator itself used during the run (user + system) */
  loadgenCpuUs: number;
}
