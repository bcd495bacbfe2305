/**
 * Requests-per-minute and tokens-per-minute limits per key and per team, from per-minute counters.
 * The rate is a sliding estimate over the current and the previous minute:
 *     estimate = previous * (1 - elapsedFractionOfCurrentMinute) + current
 * (the Cloudflare/nginx "sliding window counter"), which needs two counters per metric instead of a log of
 * timestamps and merges across nodes like any other counter. Concurrency is counted per process.
 * Headers follow OpenAI's names: x-ratelimit-{limit,remaining,reset}-{requests,tokens}.
 */
import { GatewayError } from '../core/errors.js';
import type { Limits } from './model.js';
import { BoundedMemo } from './bounded-memo.js';
import { encodeKeyPart, MINUTE_MS } from './periods.js';

export type RateLevel = 'key' | 'team';
export type RateMetric = 'requests' | 'tokens';

export interface RateScope {
  level: RateLevel;
  id: string;
  limits: Limits;
}

export type CounterLookup = (counterKey: string) => number;

export function minuteIndex(now: number): number {
  return Math.floor(now / MINUTE_MS);
}

/** Encoded ids, remembered: every request builds several rate keys for the same key and team ids. */
const encodedIds = new BoundedMemo<string>();
const encodedId = (id: string): string => encodedIds.get(id) ?? encodedIds.set(id, encodeKeyPart(id));

/** e.g. `rl:key:k1:requests:28333333`. */
export function rateCounterKey(level: RateLevel, id: string, metric: RateMetric, minute: number): string {
  return `rl:${level}:${encodedId(id)}:${metric}:${minute}`;
}

export function slidingEstimate(previous: number, current: number, now: number): number {
  const elapsed = (now - minuteIndex(now) * MINUTE_MS) / MINUTE_MS;
  return previous * (1 - elapsed) + current;
}

/** What this request counts for. Tokens at admission are an estimate (prompt + max_tokens) or 0 if unknown. */
export interface RateCost {
  requests?: number;
  tokens?: number;
}

export interface MetricState {
  level: RateLevel;
  id: string;
  metric: RateMetric;
  limit: number;
  /** Estimate including this request's cost. */
  used: number;
  remaining: number;
  /** ms until the estimate falls back to 0 with no further traffic (OpenAI's "reset"). */
  resetMs: number;
  /** ms until this request would fit, 0 if it fits now, Infinity if it can never fit (cost > limit). */
  waitMs: number;
}

export type RateHeaders = Record<string, string>;

export type RateDecision =
  | { allowed: true; headers: RateHeaders }
  | {
      allowed: false;
      level: RateLevel;
      id: string;
      metric: RateMetric;
      limit: number;
      /** Whole seconds to wait (at least 1). When the request can never fit, 60. */
      retryAfterSeconds: number;
      /** The request alone exceeds the limit (e.g. more tokens than the TPM allows): retrying will not help. */
      neverFits: boolean;
      headers: RateHeaders;
    };

/**
 * Smallest wait (ms) after which previous*(1-f)+current+cost <= limit, assuming no other traffic.
 * Within the current minute the previous minute's weight decays linearly; in the next minute the current
 * count becomes "previous" and decays the same way; after that everything has expired.
 */
export function waitForCapacity(previous: number, current: number, cost: number, limit: number, now: number): number {
  if (cost > limit) return Infinity;
  const minuteStart = minuteIndex(now) * MINUTE_MS;
  const f = (now - minuteStart) / MINUTE_MS;
  if (previous * (1 - f) + current + cost <= limit) return 0;
  const room = limit - current - cost;
  if (room >= 0 && previous > 0) {
    const fNeeded = 1 - room / previous; // in (f, 1]
    return Math.max(1, Math.ceil(minuteStart + fNeeded * MINUTE_MS - now));
  }
  const nextStart = minuteStart + MINUTE_MS;
  if (current <= 0) return nextStart - now; // unreachable when cost <= limit, kept for safety
  const fNext = Math.max(0, 1 - (limit - cost) / current);
  return Math.max(1, Math.ceil(nextStart + fNext * MINUTE_MS - now));
}

function resetMs(previous: number, current: number, now: number): number {
  const toNext = (minuteIndex(now) + 1) * MINUTE_MS - now;
  if (current > 0) return toNext + MINUTE_MS;
  if (previous > 0) return toNext;
  return 0;
}

function metricState(scope: RateScope, metric: RateMetric, limit: number, lookup: CounterLookup, cost: number, now: number): MetricState {
  const m = minuteIndex(now);
  const prev = lookup(rateCounterKey(scope.level, scope.id, metric, m - 1));
  const cur = lookup(rateCounterKey(scope.level, scope.id, metric, m));
  const used = slidingEstimate(prev, cur, now) + cost;
  return {
    level: scope.level,
    id: scope.id,
    metric,
    limit,
    used,
    remaining: Math.max(0, Math.floor(limit - used)),
    resetMs: resetMs(prev, cur + cost, now),
    waitMs: waitForCapacity(prev, cur, cost, limit, now),
  };
}

/** Every limited metric of every scope, evaluated for a request of `cost` at `now`. */
export function rateStates(scopes: readonly RateScope[], lookup: CounterLookup, now: number, cost: RateCost = {}): MetricState[] {
  const out: MetricState[] = [];
  for (const s of scopes) {
    if (s.limits.rpm !== undefined) out.push(metricState(s, 'requests', s.limits.rpm, lookup, cost.requests ?? 1, now));
    if (s.limits.tpm !== undefined) out.push(metricState(s, 'tokens', s.limits.tpm, lookup, cost.tokens ?? 0, now));
  }
  return out;
}

/** "1s", "6m0s", "250ms" — the Go-style durations OpenAI puts in x-ratelimit-reset-*. */
export function formatResetDuration(ms: number): string {
  if (ms <= 0) return '0s';
  if (ms < 1000) return `${Math.ceil(ms)}ms`;
  const totalS = Math.ceil(ms / 1000);
  const h = Math.floor(totalS / 3600);
  const m = Math.floor((totalS % 3600) / 60);
  const s = totalS % 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}

/** Headers from the most constrained scope per metric (fewest remaining; ties go to the first scope, the key). */
export function rateHeaders(states: readonly MetricState[]): RateHeaders {
  const h: RateHeaders = {};
  for (const metric of ['requests', 'tokens'] as const) {
    let pick: MetricState | undefined;
    for (const s of states) if (s.metric === metric && (!pick || s.remaining < pick.remaining)) pick = s;
    if (!pick) continue;
    h[`x-ratelimit-limit-${metric}`] = String(pick.limit);
    h[`x-ratelimit-remaining-${metric}`] = String(pick.remaining);
    h[`x-ratelimit-reset-${metric}`] = formatResetDuration(pick.resetMs);
  }
  return h;
}

/** Allow or deny a request. Denied when any scope's metric would go over its limit. */
export function checkRateLimits(scopes: readonly RateScope[], lookup: CounterLookup, now: number, cost: RateCost = {}): RateDecision {
  const states = rateStates(scopes, lookup, now, cost);
  const headers = rateHeaders(states);
  let worst: MetricState | undefined;
  for (const s of states) if (s.waitMs > 0 && (!worst || s.waitMs > worst.waitMs)) worst = s;
  if (!worst) return { allowed: true, headers };
  const neverFits = worst.waitMs === Infinity;
  return {
    allowed: false,
    level: worst.level,
    id: worst.id,
    metric: worst.metric,
    limit: worst.limit,
    neverFits,
    retryAfterSeconds: neverFits ? 60 : Math.max(1, Math.ceil(worst.waitMs / 1000)),
    headers,
  };
}

/** Counter increments to apply for a request at `now` (admission: requests; completion: actual tokens). */
export function rateIncrements(scopes: readonly RateScope[], now: number, cost: RateCost): { key: string; amount: number }[] {
  const m = minuteIndex(now);
  const out: { key: string; amount: number }[] = [];
  for (const s of scopes) {
    if (cost.requests && s.limits.rpm !== undefined) out.push({ key: rateCounterKey(s.level, s.id, 'requests', m), amount: cost.requests });
    if (cost.tokens && s.limits.tpm !== undefined) out.push({ key: rateCounterKey(s.level, s.id, 'tokens', m), amount: cost.tokens });
  }
  return out;
}

/** The 429 the client sees; the caller also sets the x-ratelimit-* headers from the decision. */
export function rateLimitedError(d: Extract<RateDecision, { allowed: false }>): GatewayError {
  const unit = d.metric === 'requests' ? 'requests per minute' : 'tokens per minute';
  return new GatewayError({
    status: 429,
    type: 'rate_limit_error',
    code: d.neverFits ? 'request_exceeds_rate_limit' : 'rate_limit_exceeded',
    param: d.level,
    retryAfter: d.retryAfterSeconds,
    message: d.neverFits
      ? `Request is larger than the ${d.level} limit of ${d.limit} ${unit}`
      : `Rate limit reached for ${d.level} '${d.id}': ${d.limit} ${unit}. Retry after ${d.retryAfterSeconds}s`,
  });
}

/** In-flight request counts per scope, for maxConcurrent. Local to one process (concurrency is not gossiped). */
export class ConcurrencyLimiter {
  private readonly counts = new Map<string, number>();

  /** Takes one slot in every limited scope, or none (all-or-nothing). Returns a release function or null. */
  tryAcquire(scopes: readonly RateScope[]): (() => void) | null {
    const ids: string[] = [];
    for (const s of scopes) {
      const max = s.limits.maxConcurrent;
      if (max === undefined) continue;
      const id = `${s.level}:${s.id}`;
      if ((this.counts.get(id) ?? 0) >= max) return null;
      ids.push(id);
    }
    for (const id of ids) this.counts.set(id, (this.counts.get(id) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return; // idempotent: a double release must not free someone else's slot
      released = true;
      for (const id of ids) {
        const n = (this.counts.get(id) ?? 1) - 1;
        if (n <= 0) this.counts.delete(id);
        else this.counts.set(id, n);
      }
    };
  }

  inFlight(level: RateLevel, id: string): number {
    return this.counts.get(`${level}:${id}`) ?? 0;
  }
}
