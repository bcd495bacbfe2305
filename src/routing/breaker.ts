/**
 * Circuit breaker as a pure state machine: every function takes a state and returns a new
 * one (never mutates), plus the transition that happened, if any, so callers can log it and
 * count it in metrics.
 *
 *   closed ──(window error rate ≥ errorRateThreshold with ≥ minCalls calls,
 *             or consecutiveFailures failures in a row)──▶ open
 *   open ──(cooldown elapsed; noticed by allowRequest or evaluate)──▶ half_open
 *   half_open ──(halfOpenSuccesses probe successes)──▶ closed
 *   half_open ──(any probe failure)──▶ open, with cooldown × cooldownMultiplier (capped)
 *
 * There is no closed → half_open edge. In half_open at most halfOpenMaxProbes probes are in
 * flight; a probe that never reports back frees its slot after probeTimeoutMs so a lost probe
 * cannot wedge the breaker.
 *
 * `evaluate` is the window-driven part: a deterministic function of (state, merged window
 * summary, now, cfg), so every node fed the same merged statistics reaches the same state.
 * After a breaker closes, its window still holds the errors that opened it; summarize only
 * the time since the close (see evaluationWindowMs) or it trips again at once.
 *
 * Defaults (DEFAULT_BREAKER_CONFIG): errorRateThreshold 0.5, minCalls 20,
 * consecutiveFailures 5, cooldownMs 30 s, cooldownMultiplier 2, maxCooldownMs 5 min,
 * halfOpenMaxProbes 1, halfOpenSuccesses 2, probeTimeoutMs 2 min.
 */
import type { WindowSummary } from './stats-window.js';

export type BreakerStatus = 'closed' | 'open' | 'half_open';

export interface BreakerConfig {
  /** Window error rate (0..1) at or above which the circuit opens. */
  errorRateThreshold: number;
  /** The window trip needs at least this many calls in the window. */
  minCalls: number;
  /** Failures in a row (local outcomes) that open the circuit regardless of the window. */
  consecutiveFailures: number;
  /** First cooldown before half-open. */
  cooldownMs: number;
  /** Cooldown growth for each re-open without a successful close in between (1 = constant). */
  cooldownMultiplier: number;
  maxCooldownMs: number;
  halfOpenMaxProbes: number;
  /** Probe successes needed to close. */
  halfOpenSuccesses: number;
  /** A probe slot taken longer ago than this is considered lost and freed. */
  probeTimeoutMs: number;
}

export const DEFAULT_BREAKER_CONFIG: Readonly<BreakerConfig> = Object.freeze({
  errorRateThreshold: 0.5,
  minCalls: 20,
  consecutiveFailures: 5,
  cooldownMs: 30_000,
  cooldownMultiplier: 2,
  maxCooldownMs: 300_000,
  halfOpenMaxProbes: 1,
  halfOpenSuccesses: 2,
  probeTimeoutMs: 120_000,
});

export interface BreakerState {
  readonly status: BreakerStatus;
  /** Time of the last transition (ms); 0 for a breaker that never moved. */
  readonly since: number;
  readonly consecutiveFailures: number;
  /** When open: the time half-open becomes possible. */
  readonly openUntil: number;
  /** Opens since the last close; drives the exponential cooldown. */
  readonly trips: number;
  readonly probesInFlight: number;
  readonly probeSuccesses: number;
  /** Time the most recent probe slot was handed out. */
  readonly lastProbeAt: number;
}

export type TransitionReason =
  | 'error_rate'
  | 'consecutive_failures'
  | 'cooldown_elapsed'
  | 'probe_failed'
  | 'probes_succeeded';

export interface Transition {
  from: BreakerStatus;
  to: BreakerStatus;
  reason: TransitionReason;
  at: number;
}

export interface BreakerResult {
  state: BreakerState;
  transition: Transition | null;
}

export interface AllowResult extends BreakerResult {
  allowed: boolean;
  /** The request is a half-open probe: report its outcome with `probe: true`. */
  probe: boolean;
}

export interface Outcome {
  /** 'neutral' = says nothing about upstream health (client abort, request rejected as invalid). */
  result: 'success' | 'failure' | 'neutral';
  /** Copy of AllowResult.probe for the request this outcome belongs to. */
  probe?: boolean;
}

export function initialBreaker(): BreakerState {
  return {
    status: 'closed',
    since: 0,
    consecutiveFailures: 0,
    openUntil: 0,
    trips: 0,
    probesInFlight: 0,
    probeSuccesses: 0,
    lastProbeAt: 0,
  };
}

export function cooldownFor(trips: number, cfg: BreakerConfig): number {
  const growth = Math.pow(Math.max(cfg.cooldownMultiplier, 1), Math.max(trips - 1, 0));
  return Math.min(cfg.cooldownMs * growth, cfg.maxCooldownMs);
}

function open(state: BreakerState, now: number, reason: TransitionReason, cfg: BreakerConfig): BreakerResult {
  const trips = state.trips + 1;
  return {
    state: {
      status: 'open',
      since: now,
      consecutiveFailures: 0,
      openUntil: now + cooldownFor(trips, cfg),
      trips,
      probesInFlight: 0,
      probeSuccesses: 0,
      lastProbeAt: 0,
    },
    transition: { from: state.status, to: 'open', reason, at: now },
  };
}

function toHalfOpen(state: BreakerState, now: number): BreakerResult {
  return {
    state: { ...state, status: 'half_open', since: now, probesInFlight: 0, probeSuccesses: 0, lastProbeAt: 0 },
    transition: { from: 'open', to: 'half_open', reason: 'cooldown_elapsed', at: now },
  };
}

function close(state: BreakerState, now: number): BreakerResult {
  return {
    state: { ...initialBreaker(), since: now },
    transition: { from: state.status, to: 'closed', reason: 'probes_succeeded', at: now },
  };
}

/** The status as of `now`: an open breaker whose cooldown elapsed counts as half-open. */
export function statusAt(state: BreakerState, now: number): BreakerStatus {
  return state.status === 'open' && now >= state.openUntil ? 'half_open' : state.status;
}

/** Feed the outcome of one finished request. */
export function onOutcome(state: BreakerState, outcome: Outcome, now: number, cfg: BreakerConfig = DEFAULT_BREAKER_CONFIG): BreakerResult {
  switch (state.status) {
    case 'closed': {
      if (outcome.result === 'success') {
        return { state: state.consecutiveFailures === 0 ? state : { ...state, consecutiveFailures: 0 }, transition: null };
      }
      if (outcome.result === 'neutral') return { state, transition: null };
      const failures = state.consecutiveFailures + 1;
      if (failures >= cfg.consecutiveFailures) return open(state, now, 'consecutive_failures', cfg);
      return { state: { ...state, consecutiveFailures: failures }, transition: null };
    }
    case 'open':
      // Late results of requests sent before the trip say nothing new.
      return { state, transition: null };
    case 'half_open': {
      // Only probes count; stragglers from the closed era are ignored.
      if (!outcome.probe) return { state, transition: null };
      const inFlight = Math.max(state.probesInFlight - 1, 0);
      if (outcome.result === 'failure') return open(state, now, 'probe_failed', cfg);
      if (outcome.result === 'neutral') return { state: { ...state, probesInFlight: inFlight }, transition: null };
      const successes = state.probeSuccesses + 1;
      if (successes >= cfg.halfOpenSuccesses) return close(state, now);
      return { state: { ...state, probesInFlight: inFlight, probeSuccesses: successes }, transition: null };
    }
  }
}

/**
 * Window-driven transitions: closed → open on the error rate (only with ≥ minCalls calls),
 * open → half_open once the cooldown has elapsed. Half-open is left to the probes.
 */
export function evaluate(state: BreakerState, summary: WindowSummary, now: number, cfg: BreakerConfig = DEFAULT_BREAKER_CONFIG): BreakerResult {
  if (state.status === 'closed') {
    if (summary.count >= cfg.minCalls && summary.count > 0 && summary.errorRate >= cfg.errorRateThreshold) {
      return open(state, now, 'error_rate', cfg);
    }
    return { state, transition: null };
  }
  if (state.status === 'open' && now >= state.openUntil) return toHalfOpen(state, now);
  return { state, transition: null };
}

/**
 * How far back the window that feeds `evaluate` should reach: never before the breaker last
 * closed, so the errors that opened it do not trip it again the moment it closes.
 */
export function evaluationWindowMs(state: BreakerState, now: number, windowMs: number): number {
  if (state.status !== 'closed' || state.since <= 0) return windowMs;
  return Math.max(0, Math.min(windowMs, now - state.since));
}

/** May a request go to this deployment now? Half-open admits a limited number of probes. */
export function allowRequest(state: BreakerState, now: number, cfg: BreakerConfig = DEFAULT_BREAKER_CONFIG): AllowResult {
  let current = state;
  let transition: Transition | null = null;
  if (current.status === 'closed') return { allowed: true, probe: false, state: current, transition };
  if (current.status === 'open') {
    if (now < current.openUntil) return { allowed: false, probe: false, state: current, transition };
    ({ state: current, transition } = toHalfOpen(current, now));
  }
  let inFlight = current.probesInFlight;
  if (inFlight >= cfg.halfOpenMaxProbes && inFlight > 0 && now - current.lastProbeAt >= cfg.probeTimeoutMs) {
    inFlight = 0; // the probes we were waiting for are lost
  }
  if (inFlight >= cfg.halfOpenMaxProbes) {
    return { allowed: false, probe: false, state: current, transition };
  }
  return {
    allowed: true,
    probe: true,
    state: { ...current, probesInFlight: inFlight + 1, lastProbeAt: now },
    transition,
  };
}
