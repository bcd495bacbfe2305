export type ArmId = 'direct' | 'bare-proxy' | 'switchyard-1' | 'switchyard-default' | 'switchyard-full' | 'portkey';
export const ALL_ARMS: ArmId[] = ['direct', 'bare-proxy', 'switchyard-1', 'switchyard-default', 'switchyard-full', 'portkey'];

export interface OverheadOptions {
  /** open-loop rates, requests per second */
  rps: number[];
  /** closed-loop concurrencies */
  concurrency: number[];
  arms: ArmId[];
  rounds: number;
  slotS: number;
  slotWarmupS: number;
  warmupS: number;
  /** closed-loop seconds per arm before the first load, for the JIT (see SideBySidePlan.jitWarmupS) */
  jitWarmupS: number;
  /** mock upstream latency, ms */
  latencyMs: number;
  /** open-loop connections from the load generator */
  connections: number;
  quick: boolean;
  /** progress display to report into (the suite passes its own); default: a new one */
  progress?: import('../../lib/index.js').Progress;
}

type Timing = Pick<OverheadOptions, 'rounds' | 'slotS' | 'slotWarmupS' | 'warmupS' | 'jitWarmupS'>;
/** 6 arms x 3 s + 4 loads x 6 arms x (3 + 5 x 3.5) s ≈ 8.5 min */
export const FULL: Timing = { rounds: 5, slotS: 3, slotWarmupS: 0.5, warmupS: 3, jitWarmupS: 3 };
/** 4 loads x 6 arms x (0.5 + 2 x 1.2) s ≈ 70 s */
export const QUICK: Timing = { rounds: 2, slotS: 1, slotWarmupS: 0.2, warmupS: 0.5, jitWarmupS: 0 };
