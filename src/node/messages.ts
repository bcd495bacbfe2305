/** Messages between the main thread (control plane) and worker threads (data plane). */
/** One worker registry's getMetricsAsJSON() output. */
type metric = object;
import type { ResolvedConfig } from '../config/index.js';

export interface WorkerData { config: ResolvedConfig; index: number }

export type ToWorker =
  | { type: 'drain'; timeoutMs: number }
  | { type: 'collect'; id: number }
  | { type: 'scrape-result'; id: number; text: string; ok: boolean };

export type FromWorker =
  | { type: 'listening' }
  | { type: 'listen-failed'; error: string }
  | { type: 'metrics'; id: number; data: metric[] }
  | { type: 'scrape'; id: number }
  | { type: 'drained'; inFlight: number };
