/**
 * The routing state of one worker: a stats window, a circuit breaker and a concurrency limiter per
 * deployment, and key cooldowns. Decisions come from the pure functions in src/routing, so the cluster
 * layer can later feed the same functions merged statistics.
 */
import type { RoutingConfig } from '../config/index.js';
import {
  DEFAULT_BREAKER_CONFIG, DEFAULT_HEALTH_CONFIG, StatsWindow, allowRequest, coolDown, effectiveWeights, evaluate,
  evaluationWindowMs, isCoolingDown, onOutcome, orderForAttempts, pickWeighted, initialBreaker, statusAt,
  NO_COOLDOWNS, summarizeVector, type BreakerConfig, type BreakerState, type KeyCooldowns, type Transition, type WeightedDeployment, type WindowSummary,
} from '../routing/index.js';
import type { ClusterDeploymentView, ClusterRoutingSnapshot } from './cluster-view.js';
import type { Deployment, KeyRef } from './deployments.js';
import { ConcurrencyLimiter } from './limiter.js';

const SUMMARY_TTL_MS = 100;

export interface TransitionEvent extends Transition { deployment: string }

/** One upstream outcome as sent to the main thread: [deployment, ok 1/0, latency ms, ttft ms or -1]. */
export type Observation = [string, number, number, number];
const MAX_OUTBOX = 10_000;

interface ClusterEntry { view: ClusterDeploymentView; summary: WindowSummary; breaker: BreakerState }

interface DeploymentState {
  window: StatsWindow;
  breaker: BreakerState;
  limiter: ConcurrencyLimiter;
  summary?: { at: number; value: WindowSummary };
}

export class RouterState {
  private readonly states = new Map<string, DeploymentState>();
  private cooldowns: KeyCooldowns = NO_COOLDOWNS;
  readonly breakerCfg: BreakerConfig;
  readonly healthCfg: typeof DEFAULT_HEALTH_CONFIG;
  onTransition?: (e: TransitionEvent) => void;
  /** Observations not yet sent to the main thread (which merges them cluster-wide). */
  outbox: Observation[] = [];
  private cluster = new Map<string, ClusterEntry>();
  private clusterProbes = new Set<string>();

  constructor(readonly cfg: RoutingConfig, private readonly rand: () => number = Math.random) {
    const b = Object.fromEntries(Object.entries(cfg.breaker).filter(([, v]) => v !== undefined));
    this.breakerCfg = { ...DEFAULT_BREAKER_CONFIG, ...b };
    this.healthCfg = { ...DEFAULT_HEALTH_CONFIG, ...(cfg.explorationFloor !== undefined ? { explorationFloor: cfg.explorationFloor } : {}) };
  }

  private state(id: string): DeploymentState {
    let s = this.states.get(id);
    if (!s) {
      s = {
        window: new StatsWindow({ bucketMs: this.cfg.windowBucketMs, bucketCount: this.cfg.windowBuckets }),
        breaker: initialBreaker(),
        limiter: new ConcurrencyLimiter(id, this.cfg.maxConcurrency, this.cfg.queueSize, this.cfg.queueTimeoutMs),
      };
      this.states.set(id, s);
    }
    return s;
  }

  /** Replaces the cluster-wide view (merged statistics and circuit states) pushed by the main thread. */
  applyCluster(snap: ClusterRoutingSnapshot): void {
    const next = new Map<string, ClusterEntry>();
    for (const [id, view] of Object.entries(snap.deployments)) {
      const breaker: BreakerState = { ...initialBreaker(), status: view.status, since: view.since, openUntil: view.openUntil };
      next.set(id, { view, summary: summarizeVector(view.totals), breaker });
      if (view.status !== 'half_open') this.clusterProbes.delete(id);
    }
    this.cluster = next;
  }

  summary(id: string, now: number): WindowSummary {
    const c = this.cluster.get(id);
    if (c && c.summary.count > 0) return c.summary;
    const s = this.state(id);
    if (s.summary && now - s.summary.at < SUMMARY_TTL_MS) return s.summary.value;
    const value = s.window.summary(now, evaluationWindowMs(s.breaker, now, s.window.windowMs));
    s.summary = { at: now, value };
    return value;
  }

  weights(deployments: readonly Deployment[], now: number): WeightedDeployment[] {
    const summaries = new Map<string, WindowSummary>();
    const breakers = new Map<string, BreakerState>();
    for (const d of deployments) {
      summaries.set(d.id, this.summary(d.id, now));
      const c = this.cluster.get(d.id);
      const local = this.state(d.id).breaker;
      breakers.set(d.id, c && c.view.status !== 'closed' && local.status === 'closed' ? c.breaker : local);
    }
    return effectiveWeights(deployments.map((d) => ({ id: d.id, weight: d.weight })), summaries, breakers, now, this.healthCfg);
  }

  /**
   * The order in which a group's deployments are tried: half-open ones first (as probes, within the
   * breaker's probe budget), then weighted sampling without replacement over the eligible ones.
   */
  order(deployments: readonly Deployment[], now: number): Deployment[] {
    if (deployments.length === 1) return deployments.slice();
    const w = this.weights(deployments, now);
    const ids = orderForAttempts(w, this.rand);
    const byId = new Map(deployments.map((d) => [d.id, d]));
    const out = ids.map((id) => byId.get(id)!);
    // Half-open deployments go first: the breaker hands out at most its probe budget, and a failed probe
    // falls through to the healthy deployments behind it, so the client never pays for the probe.
    for (const x of w) if (x.probeOnly) out.unshift(byId.get(x.id)!);
    return out;
  }

  /** Asks the breaker; returns whether to send and whether it is a half-open probe. */
  admit(d: Deployment, now: number): { allowed: boolean; probe: boolean } {
    const c = this.cluster.get(d.id)?.view;
    if (c && c.status === 'open' && now < c.openUntil) return { allowed: false, probe: false };
    if (c && c.status === 'half_open') {
      // Only the rendezvous-chosen node probes, one probe at a time.
      if (!c.prober || this.clusterProbes.has(d.id)) return { allowed: false, probe: false };
      this.clusterProbes.add(d.id);
      return { allowed: true, probe: true };
    }
    const s = this.state(d.id);
    const r = allowRequest(s.breaker, now, this.breakerCfg);
    this.setBreaker(d.id, s, r.state, r.transition);
    return { allowed: r.allowed, probe: r.probe };
  }

  limiter(d: Deployment): ConcurrencyLimiter {
    return this.state(d.id).limiter;
  }

  /** Records an upstream outcome: stats window (success/failure only), breaker (all). */
  record(d: Deployment, now: number, result: 'success' | 'failure' | 'neutral', probe: boolean, latencyMs: number, ttftMs?: number): void {
    const s = this.state(d.id);
    if (result !== 'neutral') {
      s.window.record(now, { ok: result === 'success', latencyMs, ttftMs });
      s.summary = undefined;
      if (this.outbox.length < MAX_OUTBOX) this.outbox.push([d.id, result === 'success' ? 1 : 0, latencyMs, ttftMs ?? -1]);
    }
    if (probe && this.clusterProbes.has(d.id)) {
      this.clusterProbes.delete(d.id);
      return;
    }
    const r = onOutcome(s.breaker, { result, probe }, now, this.breakerCfg);
    this.setBreaker(d.id, s, r.state, r.transition);
    if (result === 'failure' && s.breaker.status === 'closed') {
      const e = evaluate(s.breaker, this.summary(d.id, now), now, this.breakerCfg);
      this.setBreaker(d.id, s, e.state, e.transition);
    }
  }

  private setBreaker(id: string, s: DeploymentState, next: BreakerState, t: Transition | null): void {
    s.breaker = next;
    if (t) {
      s.summary = undefined;
      this.onTransition?.({ ...t, deployment: id });
    }
  }

  pickKey(d: Deployment, now: number): KeyRef | undefined {
    const usable = d.keys.filter((k) => !isCoolingDown(this.cooldowns, keyId(d, k), now));
    if (usable.length <= 1) return usable[0];
    const id = pickWeighted(usable.map((k) => ({ id: k.id, effective: k.weight })), this.rand);
    return usable.find((k) => k.id === id) ?? usable[0];
  }

  coolDownKey(d: Deployment, k: KeyRef, now: number): void {
    this.cooldowns = coolDown(this.cooldowns, keyId(d, k), now + this.cfg.keyCooldownMs);
  }

  snapshot(deployments: readonly Deployment[], now: number) {
    const weights = new Map(this.weights(deployments, now).map((w) => [w.id, w]));
    return deployments.map((d) => {
      const s = this.state(d.id);
      const c = this.cluster.get(d.id)?.view;
      const w = weights.get(d.id)!;
      const sum = this.summary(d.id, now);
      return {
        id: d.id, provider: d.providerName, model: d.model, tags: d.tags, keys: d.keys.map((k) => k.id),
        weight: d.weight, health: round(w.health), effective_weight: round(w.effective), eligible: w.eligible,
        cluster_circuit: c ? { state: c.status, since: c.since || null, open_until: c.status === 'open' ? c.openUntil : null, prober: c.prober } : null,
        circuit: { state: c && c.status !== 'closed' && s.breaker.status === 'closed' ? c.status : statusAt(s.breaker, now), since: s.breaker.since || null, open_until: s.breaker.status === 'open' ? s.breaker.openUntil : null, consecutive_failures: s.breaker.consecutiveFailures, trips: s.breaker.trips },
        window: { requests: sum.count, errors: sum.errors, error_rate: round(sum.errorRate), p50_ms: sum.p50Ms, p95_ms: sum.p95Ms, ttft_p50_ms: sum.ttftP50Ms, mean_latency_ms: sum.meanLatencyMs && round(sum.meanLatencyMs) },
        in_flight: s.limiter.active, queued: s.limiter.queued,
      };
    });
  }
}

const keyId = (d: Deployment, k: KeyRef) => `${d.providerName}#${k.id}`;
const round = (x: number) => Math.round(x * 1000) / 1000;
