/** What every measurement gets: the running cluster, the shared mock upstream, and how to poll. */
import type { SpawnedOpenAIMock } from '../../test/mocks/index.js';
import type { Progress } from '../lib/index.js';
import type { GatewayCluster } from './gateway-cluster.js';

export interface BenchContext {
  cluster: GatewayCluster;
  /** the fault-injecting OpenAI mock behind provider `up` (separate process, driven over HTTP) */
  mock: SpawnedOpenAIMock;
  /** polling interval of every node while waiting for convergence */
  pollMs: number;
  progress: Progress;
  /** unique per run, so deployment names never repeat across cluster sizes */
  tag: string;
}

/** Provider name of the mock upstream in the generated config (requests use `up/<model>`). */
export const UPSTREAM = 'up';
/** Consecutive failures that open a circuit (routing.breaker.consecutive_failures in the config). */
export const TRIP_FAILURES = 3;
/** The built-in mock provider's model and its price override: "hello there" is 2 input tokens, $1.00 per request. */
export const SPEND_MODEL = 'mock/echo';
export const SPEND_PROMPT = 'hello there';
export const SPEND_USD_PER_REQUEST = 1;

/** The config every node runs with: mock upstream, no retries, a breaker that stays open while we read it. */
export function benchConfig(mockUrl: string): Record<string, unknown> {
  return {
    providers: {
      [UPSTREAM]: { type: 'custom', base_url: mockUrl, api_key: 'bench-upstream-key' },
      mock: { type: 'mock' },
    },
    // No retries: one client request is one upstream call. min_calls high so only the consecutive-failure
    // rule trips; a long cooldown keeps the circuit open while every node is read.
    routing: { retries: 0, breaker: { consecutive_failures: TRIP_FAILURES, min_calls: 1000, cooldown_ms: 120_000 } },
    // $0.50 per input token, output free: the 2-token prompt costs exactly $1.00 (exact in binary floating point).
    pricing: { [SPEND_MODEL]: { input: 500_000, output: 0 } },
  };
}
