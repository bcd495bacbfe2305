import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  BUCKET_VECTOR_LENGTH,
  DEFAULT_BREAKER_CONFIG as CFG,
  allowRequest,
  cooldownFor,
  evaluate,
  evaluationWindowMs,
  initialBreaker,
  onOutcome,
  statusAt,
  summarizeVector,
  type BreakerState,
  type BreakerStatus,
  type Transition,
  type WindowSummary,
} from '../../src/routing/index.js';

const T0 = 1_700_000_000_000;

function windowWith(count: number, errors: number): WindowSummary {
  const v = new Array<number>(BUCKET_VECTOR_LENGTH).fill(0);
  v[0] = count;
  v[1] = errors;
  return summarizeVector(v);
}

function fail(s: BreakerState, now: number, probe = false) {
  return onOutcome(s, { result: 'failure', probe }, now);
}
function succeed(s: BreakerState, now: number, probe = false) {
  return onOutcome(s, { result: 'success', probe }, now);
}
function openAt(now: number): BreakerState {
  const r = evaluate(initialBreaker(), windowWith(CFG.minCalls, CFG.minCalls), now);
  assert.equal(r.state.status, 'open');
  return r.state;
}

test('defaults are the documented ones', () => {
  assert.deepEqual(
    { ...CFG },
    {
      errorRateThreshold: 0.5,
      minCalls: 20,
      consecutiveFailures: 5,
      cooldownMs: 30_000,
      cooldownMultiplier: 2,
      maxCooldownMs: 300_000,
      halfOpenMaxProbes: 1,
      halfOpenSuccesses: 2,
      probeTimeoutMs: 120_000,
    },
  );
});

test('closed: consecutive failures trip at exactly N; a success resets the run; neutral changes nothing', () => {
  let s = initialBreaker();
  for (let i = 0; i < CFG.consecutiveFailures - 1; i++) {
    const r = fail(s, T0 + i);
    assert.equal(r.transition, null);
    s = r.state;
  }
  assert.equal(s.consecutiveFailures, CFG.consecutiveFailures - 1);
  assert.equal(onOutcome(s, { result: 'neutral' }, T0).state, s);
  const reset = succeed(s, T0 + 10);
  assert.equal(reset.state.consecutiveFailures, 0);
  assert.equal(reset.state.status, 'closed');
  const r = fail(s, T0 + 20);
  assert.deepEqual(r.transition, { from: 'closed', to: 'open', reason: 'consecutive_failures', at: T0 + 20 });
  assert.equal(r.state.openUntil, T0 + 20 + CFG.cooldownMs);
  assert.equal(r.state.trips, 1);
});

test('closed: window trip needs minCalls and the threshold', () => {
  const s = initialBreaker();
  assert.equal(evaluate(s, windowWith(CFG.minCalls - 1, CFG.minCalls - 1), T0).transition, null);
  assert.equal(evaluate(s, windowWith(100, 49), T0).transition, null); // 0.49 < 0.5
  assert.equal(evaluate(s, windowWith(0, 0), T0).transition, null);
  const r = evaluate(s, windowWith(CFG.minCalls, CFG.minCalls / 2), T0); // exactly 0.5 with exactly minCalls
  assert.deepEqual(r.transition, { from: 'closed', to: 'open', reason: 'error_rate', at: T0 });
  assert.equal(r.state.openUntil, T0 + 30_000);
});

test('open: refuses until the cooldown elapses, then admits one probe (half-open)', () => {
  const s = openAt(T0);
  const early = allowRequest(s, T0 + CFG.cooldownMs - 1);
  assert.deepEqual({ allowed: early.allowed, probe: early.probe, transition: early.transition }, { allowed: false, probe: false, transition: null });
  assert.equal(statusAt(s, T0 + CFG.cooldownMs - 1), 'open');
  assert.equal(statusAt(s, T0 + CFG.cooldownMs), 'half_open');
  const first = allowRequest(s, T0 + CFG.cooldownMs);
  assert.equal(first.allowed, true);
  assert.equal(first.probe, true);
  assert.deepEqual(first.transition, { from: 'open', to: 'half_open', reason: 'cooldown_elapsed', at: T0 + CFG.cooldownMs });
  assert.equal(first.state.probesInFlight, 1);
  const second = allowRequest(first.state, T0 + CFG.cooldownMs + 1);
  assert.deepEqual({ allowed: second.allowed, probe: second.probe, transition: second.transition }, { allowed: false, probe: false, transition: null });
  assert.equal(second.state, first.state);
});

test('half-open: probe limit is configurable', () => {
  const cfg = { ...CFG, halfOpenMaxProbes: 3 };
  let s = openAt(T0);
  const at = T0 + CFG.cooldownMs;
  const allowed: boolean[] = [];
  for (let i = 0; i < 5; i++) {
    const r = allowRequest(s, at + i, cfg);
    allowed.push(r.allowed);
    s = r.state;
  }
  assert.deepEqual(allowed, [true, true, true, false, false]);
  assert.equal(s.probesInFlight, 3);
});

test('half-open: closes after halfOpenSuccesses probe successes', () => {
  const at = T0 + CFG.cooldownMs;
  let s = allowRequest(openAt(T0), at).state;
  const r1 = succeed(s, at + 100, true);
  assert.equal(r1.transition, null);
  assert.equal(r1.state.status, 'half_open');
  assert.equal(r1.state.probeSuccesses, 1);
  assert.equal(r1.state.probesInFlight, 0);
  s = allowRequest(r1.state, at + 200).state; // slot freed: next probe admitted
  assert.equal(s.probesInFlight, 1);
  const r2 = succeed(s, at + 300, true);
  assert.deepEqual(r2.transition, { from: 'half_open', to: 'closed', reason: 'probes_succeeded', at: at + 300 });
  assert.deepEqual(r2.state, { ...initialBreaker(), since: at + 300 });
});

test('half-open: a probe failure re-opens with exponential cooldown, capped, reset by a close', () => {
  let s = openAt(T0);
  let now = T0;
  const cooldowns: number[] = [s.openUntil - now];
  for (let i = 0; i < 6; i++) {
    now = s.openUntil;
    s = allowRequest(s, now).state;
    const r = fail(s, now + 1, true);
    assert.deepEqual(r.transition, { from: 'half_open', to: 'open', reason: 'probe_failed', at: now + 1 });
    s = r.state;
    now += 1;
    cooldowns.push(s.openUntil - now);
  }
  assert.deepEqual(cooldowns, [30_000, 60_000, 120_000, 240_000, 300_000, 300_000, 300_000]);
  // Recover, then trip again: back to the base cooldown.
  now = s.openUntil;
  for (let i = 0; i < CFG.halfOpenSuccesses; i++) s = succeed(allowRequest(s, now).state, now, true).state;
  assert.equal(s.status, 'closed');
  s = openAt(now);
  assert.equal(s.openUntil - now, 30_000);
  assert.equal(cooldownFor(1, { ...CFG, cooldownMultiplier: 1 }), 30_000);
  assert.equal(cooldownFor(4, { ...CFG, cooldownMultiplier: 1 }), 30_000);
});

test('stale outcomes: ignored while open, non-probe outcomes ignored while half-open', () => {
  const s = openAt(T0);
  assert.equal(fail(s, T0 + 1).state, s);
  assert.equal(succeed(s, T0 + 1).state, s);
  const h = allowRequest(s, s.openUntil).state;
  assert.equal(fail(h, s.openUntil + 1, false).state, h);
  assert.equal(succeed(h, s.openUntil + 1, false).state, h);
  // A neutral probe outcome (client went away) frees the slot without a verdict.
  const n = onOutcome(h, { result: 'neutral', probe: true }, s.openUntil + 1);
  assert.equal(n.transition, null);
  assert.equal(n.state.status, 'half_open');
  assert.equal(n.state.probesInFlight, 0);
});

test('half-open: a probe lost for probeTimeoutMs frees its slot', () => {
  const s = openAt(T0);
  const at = s.openUntil;
  const h = allowRequest(s, at).state;
  assert.equal(allowRequest(h, at + CFG.probeTimeoutMs - 1).allowed, false);
  const again = allowRequest(h, at + CFG.probeTimeoutMs);
  assert.equal(again.allowed, true);
  assert.equal(again.probe, true);
  assert.equal(again.state.probesInFlight, 1);
});

test('evaluate: open → half_open after the cooldown; half-open ignores the window', () => {
  const s = openAt(T0);
  assert.equal(evaluate(s, windowWith(0, 0), T0 + CFG.cooldownMs - 1).transition, null);
  const r = evaluate(s, windowWith(100, 100), T0 + CFG.cooldownMs);
  assert.deepEqual(r.transition, { from: 'open', to: 'half_open', reason: 'cooldown_elapsed', at: T0 + CFG.cooldownMs });
  assert.equal(evaluate(r.state, windowWith(100, 100), T0 + CFG.cooldownMs + 1).transition, null);
});

test('evaluationWindowMs never reaches back before the last close', () => {
  assert.equal(evaluationWindowMs(initialBreaker(), T0, 60_000), 60_000);
  const closed = { ...initialBreaker(), since: T0 };
  assert.equal(evaluationWindowMs(closed, T0 + 10_000, 60_000), 10_000);
  assert.equal(evaluationWindowMs(closed, T0 + 90_000, 60_000), 60_000);
  assert.equal(evaluationWindowMs(openAt(T0), T0 + 10_000, 60_000), 60_000);
});

// Edges of the state machine (plus staying put).
const ALLOWED = new Set(['closed>open', 'open>half_open', 'half_open>open', 'half_open>closed']);

type Op =
  | { op: 'outcome'; result: 'success' | 'failure' | 'neutral'; probe: boolean; dt: number }
  | { op: 'evaluate'; count: number; errors: number; dt: number }
  | { op: 'allow'; dt: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('outcome' as const), result: fc.constantFrom('success' as const, 'failure' as const, 'neutral' as const), probe: fc.boolean(), dt: fc.integer({ min: 0, max: 40_000 }) }),
  fc.record({ op: fc.constant('evaluate' as const), count: fc.integer({ min: 0, max: 60 }), errors: fc.integer({ min: 0, max: 60 }), dt: fc.integer({ min: 0, max: 40_000 }) }).map((o) => ({ ...o, errors: Math.min(o.errors, o.count) })),
  fc.record({ op: fc.constant('allow' as const), dt: fc.integer({ min: 0, max: 200_000 }) }),
);

test('property: only the documented edges occur (never closed → half_open); probes stay within the limit', () => {
  fc.assert(
    fc.property(fc.array(opArb, { maxLength: 120 }), fc.integer({ min: 1, max: 3 }), (ops, maxProbes) => {
      const cfg = { ...CFG, halfOpenMaxProbes: maxProbes };
      let s = initialBreaker();
      let now = T0;
      for (const o of ops) {
        now += o.dt;
        const before: BreakerStatus = s.status;
        let t: Transition | null;
        if (o.op === 'outcome') ({ state: s, transition: t } = onOutcome(s, { result: o.result, probe: o.probe }, now, cfg));
        else if (o.op === 'evaluate') ({ state: s, transition: t } = evaluate(s, windowWith(o.count, o.errors), now, cfg));
        else ({ state: s, transition: t } = allowRequest(s, now, cfg));
        if (t === null) assert.equal(s.status, before);
        else {
          assert.ok(ALLOWED.has(`${t.from}>${t.to}`), `${t.from} → ${t.to}`);
          assert.equal(t.from, before);
          assert.equal(t.to, s.status);
          assert.equal(t.at, now);
        }
        assert.ok(s.probesInFlight >= 0 && s.probesInFlight <= maxProbes);
        if (s.status === 'open') assert.ok(s.openUntil > s.since && s.openUntil - s.since <= cfg.maxCooldownMs);
      }
    }),
    { numRuns: 300 },
  );
});

test('property: evaluate is deterministic and does not mutate its input', () => {
  fc.assert(
    fc.property(fc.array(opArb, { maxLength: 40 }), fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 400_000 }), (ops, count, errors, dt) => {
      let s = initialBreaker();
      let now = T0;
      for (const o of ops) {
        now += o.dt;
        s = o.op === 'allow' ? allowRequest(s, now).state : o.op === 'evaluate' ? evaluate(s, windowWith(o.count, o.errors), now).state : onOutcome(s, o, now).state;
      }
      const frozen = Object.freeze({ ...s });
      const w = windowWith(count, Math.min(errors, count));
      const a = evaluate(frozen, w, now + dt);
      const b = evaluate({ ...s }, summarizeVector(w.totals), now + dt);
      assert.deepEqual(a, b);
    }),
  );
});
