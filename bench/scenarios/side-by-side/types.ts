import type { LoadMode, LoadResult } from '../../loadgen/index.js';
import type { StartedServer } from '../../stack/index.js';

/** One system under test, already running. */
export interface Arm {
  id: string;
  label: string;
  origin: string;
  /** the process whose CPU time is charged to the arm (null when nothing sits between loadgen and upstream) */
  server: StartedServer | null;
  /** a numeric response header with the arm's own measure of its overhead, e.g. x-switchyard-overhead-us */
  overheadHeader?: string;
  /** per-arm request: headers merged over the plan's (a virtual key, Portkey routing), another path or body */
  request?: { path?: string; body?: string; headers?: Record<string, string> };
  /** status that counts as success (default 200; e.g. 401 for a rejection benchmark) */
  expectStatus?: number;
}

export interface Load {
  /** e.g. "open 500 rps", "closed c=4" */
  label: string;
  mode: LoadMode;
}

export interface SideBySidePlan {
  loads: Load[];
  /** rounds per load; every arm runs once per round, in rotated order */
  rounds: number;
  /** measured seconds per arm per round */
  slotS: number;
  /** unrecorded seconds at the start of each slot (reconnects, JIT) */
  slotWarmupS: number;
  /** unrecorded seconds per arm before the first round of each load */
  warmupS: number;
  /**
   * Unrecorded seconds per arm, once, before the first load: a closed loop at concurrency 16, so that every
   * arm's JIT has compiled its hot path (a few thousand requests at 500 RPS leave the optimising compiler's
   * threads busy, and their CPU was counted as the gateway's per-request cost). 0 or absent: none.
   */
  jitWarmupS?: number;
  /** open-loop connections from the load generator (closed loop uses one per client) */
  connections: number;
  timeoutMs: number;
  request: { path: string; body: string; headers?: Record<string, string> };
}

export interface Slot {
  round: number;
  /** position of the arm within its round */
  order: number;
  result: LoadResult;
  /** CPU µs of the arm's server process during the slot (null: none, or not measurable here) */
  serverCpuUs: number | null;
  upstreamCpuUs: number | null;
}

export interface Measurements {
  load: Load;
  /** arm id -> its slots in round order */
  slots: Map<string, Slot[]>;
}

export function loadsFrom(rps: number[], concurrency: number[]): Load[] {
  return [
    ...rps.map((r): Load => ({ label: `open ${r} rps`, mode: { kind: 'open', rps: r } })),
    ...concurrency.map((c): Load => ({ label: `closed c=${c}`, mode: { kind: 'closed', concurrency: c } })),
  ];
}

/** Expected wall time, for the progress display. */
export function expectedMs(p: SideBySidePlan, arms: number): number {
  return (arms * (p.jitWarmupS ?? 0) + p.loads.length * arms * (p.warmupS + p.rounds * (p.slotS + p.slotWarmupS))) * 1000;
}
