/**
 * Cluster-wide routing view, computed on the main thread of every node from the merged statistics
 * (every node's observations summed per time bucket). Because the breaker steps below are a function of
 * that merged state and the clock, every node reaches the same circuit decisions without talking about
 * them. Half-open probes are sent by one live node only, chosen by rendezvous hashing.
 *
 * Cluster breaker per deployment:
 *  - closed -> open when the merged window has >= minCalls calls and error rate >= threshold, or when the
 *    last `fastTripMs` hold >= consecutiveFailures errors and no success (the mergeable stand-in for "N
 *    failures in a row");
 *  - open -> half_open once the cooldown elapsed;
 *  - half_open -> closed when buckets after the half-open moment hold >= halfOpenSuccesses successes and no
 *    error; -> open again (longer cooldown) on any error there.
 */
import {
  BUCKET_VECTOR_LENGTH, cooldownFor, decodeBucket, pickOwner, summarize, type BreakerConfig, type Bucket, type WindowSummary,
} from '../routing/index.js';

export interface StatsSource {
  statsKeys(): string[];
  statsWindow(key: string, now?: number): { bucketMs: number; buckets: Array<{ start: number; values: number[] }> };
}

export interface ClusterDeploymentView {
  /** Merged window totals (see routing/stats-window.ts for the layout). */
  totals: number[];
  status: 'closed' | 'open' | 'half_open';
  since: number;
  openUntil: number;
  /** This node is the one that sends half-open probes for the deployment. */
  prober: boolean;
}

export interface ClusterRoutingSnapshot { at: number; deployments: Record<string, ClusterDeploymentView> }

export const STATS_PREFIX = 'd:';
const FAST_TRIP_MS = 2_000;

interface CB { status: ClusterDeploymentView['status']; since: number; openUntil: number; trips: number }

export class ClusterRoutingView {
  private readonly breakers = new Map<string, CB>();

  constructor(private readonly cfg: BreakerConfig, private readonly windowMs: number) {}

  private step(b: CB, buckets: Bucket[], now: number): CB {
    const cfg = this.cfg;
    if (b.status === 'closed') {
      const from = b.since > 0 ? Math.max(now - this.windowMs, b.since) : now - this.windowMs;
      const s = summarize(buckets.filter((x) => x.startMs >= bucketFloor(from, buckets)), now, this.windowMs);
      const fast = summarize(buckets, now, FAST_TRIP_MS);
      const trip = (s.count >= cfg.minCalls && s.errorRate >= cfg.errorRateThreshold)
        || (fast.errors >= cfg.consecutiveFailures && fast.count === fast.errors);
      if (trip) return { status: 'open', since: now, openUntil: now + cooldownFor(b.trips + 1, cfg), trips: b.trips + 1 };
      return b;
    }
    if (b.status === 'open') {
      return now >= b.openUntil ? { ...b, status: 'half_open', since: now } : b;
    }
    // half_open: only buckets that started after the half-open moment count.
    let ok = 0;
    let errors = 0;
    for (const x of buckets) {
      if (x.startMs <= b.since) continue;
      errors += x.vector[1];
      ok += x.vector[0] - x.vector[1];
    }
    if (errors > 0) return { status: 'open', since: now, openUntil: now + cooldownFor(b.trips + 1, cfg), trips: b.trips + 1 };
    if (ok >= cfg.halfOpenSuccesses) return { status: 'closed', since: now, openUntil: 0, trips: 0 };
    return b;
  }

  /** Recomputes every deployment's merged view. `members` = ids of live nodes (self included). */
  update(source: StatsSource, now: number, selfId: string, members: string[]): ClusterRoutingSnapshot {
    const deployments: Record<string, ClusterDeploymentView> = {};
    for (const key of source.statsKeys()) {
      if (!key.startsWith(STATS_PREFIX)) continue;
      const id = key.slice(STATS_PREFIX.length);
      const w = source.statsWindow(key, now);
      const buckets = w.buckets.filter((b) => b.values.length === BUCKET_VECTOR_LENGTH).map((b) => decodeBucket(b.start, b.values));
      const prev = this.breakers.get(id) ?? { status: 'closed' as const, since: 0, openUntil: 0, trips: 0 };
      const b = this.step(prev, buckets, now);
      this.breakers.set(id, b);
      const totals = summarize(buckets, now, this.windowMs).totals as number[];
      deployments[id] = { totals: [...totals], status: b.status, since: b.since, openUntil: b.openUntil, prober: pickOwner(id, members) === selfId };
    }
    return { at: now, deployments };
  }
}

function bucketFloor(t: number, buckets: Bucket[]): number {
  let best = -Infinity;
  for (const b of buckets) if (b.startMs <= t && b.startMs > best) best = b.startMs;
  return best === -Infinity ? t : best;
}

export type { WindowSummary };
