import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  ConcurrencyLimiter,
  checkRateLimits,
  formatResetDuration,
  rateCounterKey,
  rateIncrements,
  rateLimitedError,
  slidingEstimate,
  waitForCapacity,
  type RateScope,
} from '../../src/governance/index.js';

const M = 28_000_000; // a minute index
const T = M * 60_000; // start of that minute

function counters(entries: [string, number][]) {
  const m = new Map(entries);
  return (k: string) => m.get(k) ?? 0;
}

test('sliding estimate: prev * (1 - elapsed) + current', () => {
  assert.equal(slidingEstimate(60, 10, T), 70);
  assert.equal(slidingEstimate(60, 10, T + 15_000), 55);
  assert.equal(slidingEstimate(60, 10, T + 30_000), 40);
  assert.equal(slidingEstimate(60, 10, T + 59_999), 10.001);
});

test('rpm: allowed with OpenAI headers; denied when the estimate would pass the limit', () => {
  const scopes: RateScope[] = [{ level: 'key', id: 'k1', limits: { rpm: 10 } }];
  const lookup = counters([
    [rateCounterKey('key', 'k1', 'requests', M - 1), 10],
    [rateCounterKey('key', 'k1', 'requests', M), 4],
  ]);
  // at +30s: 10 * 0.5 + 4 = 9, plus this request = 10 <= 10
  assert.deepEqual(checkRateLimits(scopes, lookup, T + 30_000), {
    allowed: true,
    headers: { 'x-ratelimit-limit-requests': '10', 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '1m30s' },
  });
  // at +24s: 10 * 0.6 + 4 + 1 = 11 > 10; fits when 10 * (1 - f) <= 5, i.e. f = 0.5 -> wait 6 s
  const d = checkRateLimits(scopes, lookup, T + 24_000);
  assert.deepEqual(d, {
    allowed: false,
    level: 'key',
    id: 'k1',
    metric: 'requests',
    limit: 10,
    neverFits: false,
    retryAfterSeconds: 6,
    headers: { 'x-ratelimit-limit-requests': '10', 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '1m36s' },
  });
  const e = rateLimitedError(d as Extract<typeof d, { allowed: false }>);
  assert.equal(e.status, 429);
  assert.equal(e.retryAfter, 6);
  assert.equal(e.message, "Rate limit reached for key 'k1': 10 requests per minute. Retry after 6s");
});

test('current minute full: wait spills into the next minute', () => {
  // current = 10 of 10 at +50s; next minute: 10 * (1 - f) + 1 <= 10 -> f = 0.1 -> 10 s + 6 s into next minute
  assert.equal(waitForCapacity(0, 10, 1, 10, T + 50_000), 16_000);
  assert.equal(waitForCapacity(0, 0, 11, 10, T), Infinity);
  assert.equal(waitForCapacity(5, 5, 0, 10, T + 1), 0);
});

test('tpm: team scope with lowest remaining drives the headers; a request over the TPM never fits', () => {
  const scopes: RateScope[] = [
    { level: 'key', id: 'k1', limits: { rpm: 100, tpm: 10_000 } },
    { level: 'team', id: 'eng', limits: { tpm: 5_000 } },
  ];
  const lookup = counters([
    [rateCounterKey('key', 'k1', 'tokens', M), 1_000],
    [rateCounterKey('team', 'eng', 'tokens', M), 4_000],
  ]);
  const ok = checkRateLimits(scopes, lookup, T, { tokens: 500 });
  assert.deepEqual(ok, {
    allowed: true,
    headers: {
      'x-ratelimit-limit-requests': '100',
      'x-ratelimit-remaining-requests': '99',
      'x-ratelimit-reset-requests': '2m0s', // this request itself is counted in the current minute
      'x-ratelimit-limit-tokens': '5000',
      'x-ratelimit-remaining-tokens': '500',
      'x-ratelimit-reset-tokens': '2m0s',
    },
  });
  const denied = checkRateLimits(scopes, lookup, T, { tokens: 1_500 });
  assert.equal(denied.allowed, false);
  assert.equal(!denied.allowed && denied.level, 'team');
  // next minute: 4000 * (1 - f) + 1500 <= 5000 -> f = 0.125 -> 60 s + 7.5 s
  assert.equal(!denied.allowed && denied.retryAfterSeconds, 68);
  const huge = checkRateLimits(scopes, lookup, T, { tokens: 6_000 });
  assert.equal(!huge.allowed && huge.neverFits, true);
  assert.equal(!huge.allowed && huge.retryAfterSeconds, 60);
  assert.equal(!huge.allowed && rateLimitedError(huge).code, 'request_exceeds_rate_limit');
});

test('no limits: allowed, no headers; increments only for limited metrics', () => {
  assert.deepEqual(checkRateLimits([{ level: 'key', id: 'k', limits: {} }], () => 1e9, T), { allowed: true, headers: {} });
  assert.deepEqual(
    rateIncrements([{ level: 'key', id: 'k:1', limits: { rpm: 1, tpm: 10 } }, { level: 'team', id: 't', limits: { rpm: 5 } }], T + 1, { requests: 1, tokens: 7 }),
    [
      { key: `rl:key:k%3A1:requests:${M}`, amount: 1 },
      { key: `rl:key:k%3A1:tokens:${M}`, amount: 7 },
      { key: `rl:team:t:requests:${M}`, amount: 1 },
    ],
  );
});

test('formatResetDuration uses Go-style durations', () => {
  assert.deepEqual([0, 6, 999, 1000, 1001, 59_000, 60_000, 360_000, 3_723_000].map(formatResetDuration), ['0s', '6ms', '999ms', '1s', '2s', '59s', '1m0s', '6m0s', '1h2m3s']);
});

test('property: after waiting retryAfter (no new traffic) the same request is allowed', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 1000 }),
      fc.integer({ min: 0, max: 2000 }),
      fc.integer({ min: 0, max: 2000 }),
      fc.integer({ min: 0, max: 59_999 }),
      fc.integer({ min: 1, max: 1000 }),
      (limit, prev, cur, offset, cost) => {
        fc.pre(cost <= limit);
        const now = T + offset;
        const w = waitForCapacity(prev, cur, cost, limit, now);
        const estimateAt = (t: number) => {
          const m = Math.floor(t / 60_000);
          const [p, c] = m === M ? [prev, cur] : m === M + 1 ? [cur, 0] : [0, 0];
          return slidingEstimate(p, c, t) + cost;
        };
        if (w === 0) assert.ok(estimateAt(now) <= limit + 1e-9);
        else {
          assert.ok(estimateAt(now) > limit);
          assert.ok(estimateAt(now + w) <= limit + 1e-9, `wait ${w}`);
          if (w > 1) assert.ok(estimateAt(now + w - 2) > limit - 1e-9, `wait ${w} not minimal`);
        }
      },
    ),
    { numRuns: 3000 },
  );
});

test('concurrency: all-or-nothing across scopes, idempotent release', () => {
  const c = new ConcurrencyLimiter();
  const scopes: RateScope[] = [
    { level: 'key', id: 'k1', limits: { maxConcurrent: 2 } },
    { level: 'team', id: 'eng', limits: { maxConcurrent: 3 } },
  ];
  const other: RateScope[] = [{ level: 'key', id: 'k2', limits: {} }, { level: 'team', id: 'eng', limits: { maxConcurrent: 3 } }];
  const r1 = c.tryAcquire(scopes)!;
  const r2 = c.tryAcquire(scopes)!;
  assert.equal(c.tryAcquire(scopes), null); // key full
  const r3 = c.tryAcquire(other)!;
  assert.equal(c.tryAcquire(other), null); // team full
  assert.equal(c.inFlight('team', 'eng'), 3);
  assert.equal(c.inFlight('key', 'k1'), 2);
  r1();
  r1();
  assert.equal(c.inFlight('key', 'k1'), 1);
  assert.equal(c.inFlight('team', 'eng'), 2);
  r2();
  r3();
  assert.equal(c.inFlight('team', 'eng'), 0);
  assert.notEqual(c.tryAcquire([{ level: 'key', id: 'x', limits: {} }]), null); // unlimited always passes
});

test('rate counter keys encode ids (so ":" cannot forge one), the same on every call and past the memo size', () => {
  const k = rateCounterKey('team', 'a:b*c', 'tokens', 7);
  assert.equal(k, 'rl:team:a%3Ab%2Ac:tokens:7');
  for (let i = 0; i < 10_050; i++) rateCounterKey('key', `k${i}`, 'requests', 7);
  assert.equal(rateCounterKey('team', 'a:b*c', 'tokens', 7), k);
  assert.equal(rateCounterKey('key', 'k1', 'requests', 8), 'rl:key:k1:requests:8');
});
