/** Messages between the main thread (control plane) and worker threads (data plane). */
/** One worker registry's getMetricsAsJSON() output. */
type metric = object;
import type { ResolvedConfig } from '../config/index.js';
import type { GovernanceSnapshot, UsageBatch } from '../governance/index.js';
import type { ClusterRoutingSnapshot, Observation } from '../router/index.js';

/** `concurrency`: node-wide in-flight counters shared by all workers (governance maxConcurrent). */
export interface WorkerData { config: ResolvedConfig; index: number; concurrency: SharedArrayBuffer }

export type ToWorker =
  /** Sent after the welcome snapshots: start accepting connections. */
  | { type: 'listen' }
  | { type: 'drain'; timeoutMs: number }
  /** Every worker listens: the node is ready (readiness probes turn 200). */
  | { type: 'node-ready' }
  | { type: 'collect'; id: number }
  | { type: 'scrape-result'; id: number; text: string; ok: boolean }
  | { type: 'cluster-view'; snapshot: ClusterRoutingSnapshot }
  | { type: 'governance'; snapshot: GovernanceSnapshot }
  | { type: 'rpc-result'; id: number; ok: boolean; value?: unknown; error?: { status: number; message: string; code?: string | null; type?: string; param?: string | null } };

export type FromWorker =
  | { type: 'listening' }
  | { type: 'listen-failed'; error: string }
  | { type: 'metrics'; id: number; data: metric[] }
  | { type: 'scrape'; id: number }
  | { type: 'drained'; inFlight: number }
  /** Upstream outcomes, batched; the main thread merges them into the cluster's statistics. */
  | { type: 'obs'; items: Observation[] }
  /** Finished requests for spend, rate-limit and usage accounting. */
  | { type: 'usage'; batch: UsageBatch }
  /** A control-plane call (admin API, cluster status) answered by the main thread. */
  | { type: 'rpc'; id: number; method: string; args?: unknown };
