/**
 * Health factor and effective routing weights.
 *
 * For a deployment d with window summary S, among the candidate deployments P of the same
 * alias (in effectiveWeights: those whose circuit is closed):
 *
 *   success(d) = ((S.count − S.errors + priorCalls) / (S.count + priorCalls)) ^ successExponent
 *       Laplace-style smoothing: priorCalls pseudo-successes, so 1 error out of 2 calls does not
 *       condemn a deployment, and a deployment without data scores 1.
 *
 *   ratio_M(d) = (best_M + latencySlackMs) / (M(d) + latencySlackMs)   for M in {p50, p95, ttftP50}
 *       best_M = the lowest M among candidates with ≥ minSamples samples of M. The ratio is 1
 *       (neutral) when d itself has fewer than minSamples samples of M. The additive slack
 *       keeps 20 ms vs 40 ms from looking like a 2× difference.
 *
 *   latency(d) = ratio_p50 ^ p50Exponent × ratio_p95 ^ p95Exponent × ratio_ttftP50 ^ ttftExponent
 *
 *   health(d) = clamp(success(d) × latency(d), 0, 1)
 *
 *   effective(d) = weight(d) × max(health(d), explorationFloor)   if the circuit is closed
 *                = 0                                              if open or half-open
 *
 * The exploration floor means every eligible deployment keeps at least explorationFloor × its
 * configured weight, so a deployment that is recovering (its window still full of old errors)
 * or slow keeps receiving some traffic and can earn its share back as new buckets replace old
 * ones. A deployment with no data has health 1: it gets its full configured weight until the
 * window says otherwise. Health is non-increasing in the error rate and in each latency figure.
 *
 * Half-open deployments get no regular traffic (effective 0) and are flagged probeOnly: the
 * caller sends them probe requests as the breaker allows. Open ones are ineligible.
 *
 * Every function here is a pure function of its arguments; feeding the same merged summaries
 * and breaker states in the same deployment order gives bit-identical results on every node.
 */
import { statusAt, type BreakerState, type BreakerStatus } from './breaker.js';
import { IDX_LATENCY_HIST, IDX_TTFT_COUNT, LATENCY_BOUNDS_MS, EMPTY_SUMMARY, type WindowSummary } from './stats-window.js';

export interface HealthConfig {
  priorCalls: number;
  successExponent: number;
  /** Latency figures with fewer samples than this are ignored (neutral). */
  minSamples: number;
  latencySlackMs: number;
  p50Exponent: number;
  p95Exponent: number;
  ttftExponent: number;
  /** Minimum health multiplier of an eligible deployment (0..1). */
  explorationFloor: number;
}

export const DEFAULT_HEALTH_CONFIG: Readonly<HealthConfig> = Object.freeze({
  priorCalls: 10,
  successExponent: 3,
  minSamples: 10,
  latencySlackMs: 50,
  p50Exponent: 1,
  p95Exponent: 0.5,
  ttftExponent: 0.5,
  explorationFloor: 0.05,
});

export interface DeploymentWeight {
  id: string;
  weight: number;
}

export interface WeightedDeployment {
  id: string;
  /** Configured weight (sanitised: negative or non-finite becomes 0). */
  weight: number;
  /** health(d), 0..1. */
  health: number;
  /** What selection uses; 0 when not eligible. */
  effective: number;
  /** Closed circuit and weight > 0: may receive regular traffic. */
  eligible: boolean;
  /** Half-open: may receive probe requests only. */
  probeOnly: boolean;
  status: BreakerStatus;
}

function latencySamples(s: WindowSummary): number {
  let n = 0;
  for (let i = 0; i < LATENCY_BOUNDS_MS.length; i++) n += s.totals[IDX_LATENCY_HIST + i] ?? 0;
  return n;
}

function ttftSamples(s: WindowSummary): number {
  return s.totals[IDX_TTFT_COUNT] ?? 0;
}

type Metric = { value: (s: WindowSummary) => number | null; samples: (s: WindowSummary) => number };

const P50: Metric = { value: (s) => s.p50Ms, samples: latencySamples };
const P95: Metric = { value: (s) => s.p95Ms, samples: latencySamples };
const TTFT: Metric = { value: (s) => s.ttftP50Ms, samples: ttftSamples };

function usable(s: WindowSummary, m: Metric, cfg: HealthConfig): number | null {
  const v = m.value(s);
  return v !== null && Number.isFinite(v) && m.samples(s) >= cfg.minSamples ? v : null;
}

function ratio(own: WindowSummary, peers: readonly WindowSummary[], m: Metric, cfg: HealthConfig): number {
  const mine = usable(own, m, cfg);
  if (mine === null) return 1;
  let best = mine;
  for (const p of peers) {
    const v = usable(p, m, cfg);
    if (v !== null && v < best) best = v;
  }
  const slack = Math.max(cfg.latencySlackMs, 1e-9);
  return (best + slack) / (mine + slack);
}

export function successFactor(summary: WindowSummary, cfg: HealthConfig = DEFAULT_HEALTH_CONFIG): number {
  const count = Math.max(summary.count, 0);
  const ok = Math.min(Math.max(count - summary.errors, 0), count);
  const prior = Math.max(cfg.priorCalls, 0);
  if (count + prior === 0) return 1;
  return Math.pow((ok + prior) / (count + prior), cfg.successExponent);
}

/** health(d) in 0..1 (formula in the file header). `peers` are the alias' candidates; d may be among them. */
export function healthFactor(summary: WindowSummary, peers: readonly WindowSummary[], cfg: HealthConfig = DEFAULT_HEALTH_CONFIG): number {
  const latency =
    Math.pow(ratio(summary, peers, P50, cfg), cfg.p50Exponent) *
    Math.pow(ratio(summary, peers, P95, cfg), cfg.p95Exponent) *
    Math.pow(ratio(summary, peers, TTFT, cfg), cfg.ttftExponent);
  const h = successFactor(summary, cfg) * latency;
  return Number.isFinite(h) ? Math.min(Math.max(h, 0), 1) : 0;
}

function sanitizeWeight(w: number): number {
  return Number.isFinite(w) && w > 0 ? w : 0;
}

/**
 * Effective weights of one alias' deployments. Missing summaries count as "no data", missing
 * breakers as closed. Latency comparisons are made among the deployments whose circuit is
 * closed, so a dead deployment does not set the bar for the living.
 */
export function effectiveWeights(
  deployments: readonly DeploymentWeight[],
  summaries: ReadonlyMap<string, WindowSummary>,
  breakers: ReadonlyMap<string, BreakerState>,
  now: number,
  config: Partial<HealthConfig> = {},
): WeightedDeployment[] {
  const cfg: HealthConfig = { ...DEFAULT_HEALTH_CONFIG, ...config };
  const floor = Math.min(Math.max(cfg.explorationFloor, 0), 1);
  const statuses = deployments.map((d): BreakerStatus => {
    const b = breakers.get(d.id);
    return b ? statusAt(b, now) : 'closed';
  });
  const own = deployments.map((d) => summaries.get(d.id) ?? EMPTY_SUMMARY);
  const peers = own.filter((_, i) => statuses[i] === 'closed');
  return deployments.map((d, i) => {
    const status = statuses[i]!;
    const weight = sanitizeWeight(d.weight);
    const health = healthFactor(own[i]!, peers, cfg);
    const eligible = status === 'closed' && weight > 0;
    return {
      id: d.id,
      weight,
      health,
      effective: eligible ? weight * Math.max(health, floor) : 0,
      eligible,
      probeOnly: status === 'half_open' && weight > 0,
      status,
    };
  });
}
