import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  BUCKET_VECTOR_LENGTH,
  DEFAULT_BREAKER_CONFIG,
  DEFAULT_HEALTH_CONFIG,
  EMPTY_SUMMARY,
  LATENCY_BOUNDS_MS,
  StatsWindow,
  effectiveWeights,
  healthFactor,
  initialBreaker,
  onOutcome,
  orderForAttempts,
  pickWeighted,
  successFactor,
  summarizeVector,
  type BreakerState,
  type WindowSummary,
} from '../../src/routing/index.js';
import { IDX_LATENCY_HIST, IDX_TTFT_COUNT, IDX_TTFT_HIST } from '../../src/routing/stats-window.js';

const T0 = 1_700_000_000_000;
const FLOOR = DEFAULT_HEALTH_CONFIG.explorationFloor;

function windowOf(ok: number, failed: number, latencyMs: number): WindowSummary {
  const w = new StatsWindow();
  for (let i = 0; i < ok; i++) w.record(T0, { ok: true, latencyMs });
  for (let i = 0; i < failed; i++) w.record(T0, { ok: false, latencyMs });
  return w.summary(T0);
}

/** A summary straight from vector fields: `ok` successes in latency bucket `lat`, ttft in bucket `ttft`. */
function vectorSummary(count: number, errors: number, lat: number, ttft: number | null): WindowSummary {
  const v = new Array<number>(BUCKET_VECTOR_LENGTH).fill(0);
  v[0] = count;
  v[1] = errors;
  const ok = count - errors;
  v[IDX_LATENCY_HIST + lat] = ok;
  if (ttft !== null) {
    v[IDX_TTFT_COUNT] = ok;
    v[IDX_TTFT_HIST + ttft] = ok;
  }
  return summarizeVector(v);
}

const summaryArb = fc
  .record({
    count: fc.integer({ min: 0, max: 400 }),
    errorFraction: fc.double({ min: 0, max: 1, noNaN: true }),
    lat: fc.integer({ min: 0, max: LATENCY_BOUNDS_MS.length - 1 }),
    ttft: fc.option(fc.integer({ min: 0, max: LATENCY_BOUNDS_MS.length - 1 }), { nil: null }),
  })
  .map(({ count, errorFraction, lat, ttft }) => vectorSummary(count, Math.floor(count * errorFraction), lat, ttft));

function tripped(now: number): BreakerState {
  let s = initialBreaker();
  for (let i = 0; i < DEFAULT_BREAKER_CONFIG.consecutiveFailures; i++) s = onOutcome(s, { result: 'failure' }, now).state;
  assert.equal(s.status, 'open');
  return s;
}

function shareOf(rows: { id: string; effective: number }[], id: string): number {
  const total = rows.reduce((a, r) => a + r.effective, 0);
  return rows.find((r) => r.id === id)!.effective / total;
}

test('health formula: exact values', () => {
  assert.equal(healthFactor(EMPTY_SUMMARY, []), 1); // no data: full weight (exploration)
  // 5 of 10 failed, prior of 10 successes: (15/20)^3. 5 latency samples < minSamples: neutral latency.
  assert.equal(successFactor(windowOf(5, 5, 100)), 0.421875);
  assert.equal(healthFactor(windowOf(5, 5, 100), [windowOf(20, 0, 10)]), 0.421875);
  const fast = windowOf(20, 0, 100); // p50 75, p95 97.5
  const slow = windowOf(20, 0, 1000); // p50 750, p95 975
  assert.equal(fast.p50Ms, 75);
  assert.equal(slow.p95Ms, 975);
  assert.equal(healthFactor(fast, [fast, slow]), 1);
  const expected = ((75 + 50) / (750 + 50)) * Math.pow((97.5 + 50) / (975 + 50), 0.5);
  assert.equal(healthFactor(slow, [fast, slow]), expected);
  assert.equal(Math.round(expected * 1e6), 59273);
});

test('effectiveWeights: floor, open, half-open and zero weight', () => {
  const fast = windowOf(20, 0, 100);
  const slow = windowOf(20, 0, 1000);
  const halfOpenAt = T0 + DEFAULT_BREAKER_CONFIG.cooldownMs;
  const rows = effectiveWeights(
    [
      { id: 'fast', weight: 2 },
      { id: 'slow', weight: 1 },
      { id: 'dead', weight: 1 },
      { id: 'zero', weight: 0 },
      { id: 'bad', weight: 1 },
      { id: 'probing', weight: 1 },
    ],
    new Map([
      ['fast', fast],
      ['slow', slow],
      ['dead', windowOf(20, 0, 5)],
      ['bad', windowOf(0, 400, 100)],
    ]),
    new Map([
      ['dead', tripped(halfOpenAt - 1)], // opened 1 ms before: still open
      ['probing', tripped(T0)], // cooldown elapsed: half-open
    ]),
    halfOpenAt,
  );
  const slowHealth = ((75 + 50) / (750 + 50)) * Math.pow((97.5 + 50) / (975 + 50), 0.5);
  const badHealth = Math.pow(10 / 410, 3);
  assert.deepEqual(rows, [
    { id: 'fast', weight: 2, health: 1, effective: 2, eligible: true, probeOnly: false, status: 'closed' },
    { id: 'slow', weight: 1, health: slowHealth, effective: slowHealth, eligible: true, probeOnly: false, status: 'closed' },
    // An open deployment's 5 ms latency does not set the bar for the others.
    { id: 'dead', weight: 1, health: 1, effective: 0, eligible: false, probeOnly: false, status: 'open' },
    { id: 'zero', weight: 0, health: 1, effective: 0, eligible: false, probeOnly: false, status: 'closed' },
    { id: 'bad', weight: 1, health: badHealth, effective: FLOOR, eligible: true, probeOnly: false, status: 'closed' },
    { id: 'probing', weight: 1, health: 1, effective: 0, eligible: false, probeOnly: true, status: 'half_open' },
  ]);
});

test('negative and non-finite weights are treated as 0', () => {
  const rows = effectiveWeights(
    [
      { id: 'a', weight: -3 },
      { id: 'b', weight: Number.NaN },
      { id: 'c', weight: Number.POSITIVE_INFINITY },
    ],
    new Map(),
    new Map(),
    T0,
  );
  assert.deepEqual(rows.map((r) => [r.weight, r.effective, r.eligible]), [[0, 0, false], [0, 0, false], [0, 0, false]]);
});

test('property: health and share are non-increasing in the error rate', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 400 }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.integer({ min: 0, max: LATENCY_BOUNDS_MS.length - 1 }),
      fc.array(summaryArb, { maxLength: 4 }),
      (count, f1, f2, lat, peers) => {
        const [lo, hi] = f1 <= f2 ? [f1, f2] : [f2, f1];
        const e1 = Math.floor(count * lo);
        const e2 = Math.floor(count * hi);
        // Same latency data for both, so only the error count differs.
        const ok = count - e2;
        const mk = (e: number) => {
          const v = [...vectorSummary(count, e2, lat, null).totals];
          v[0] = ok + e;
          v[1] = e;
          return summarizeVector(v);
        };
        const better = mk(e1);
        const worse = mk(e2);
        assert.ok(better.errorRate <= worse.errorRate);
        assert.ok(healthFactor(better, [better, ...peers]) >= healthFactor(worse, [worse, ...peers]));
        const deps = [{ id: 'x', weight: 1 }, ...peers.map((_, i) => ({ id: `p${i}`, weight: 1 }))];
        const rowsFor = (own: WindowSummary) =>
          effectiveWeights(deps, new Map([['x', own], ...peers.map((p, i): [string, WindowSummary] => [`p${i}`, p])]), new Map(), T0);
        assert.ok(shareOf(rowsFor(better), 'x') >= shareOf(rowsFor(worse), 'x') - 1e-12);
      },
    ),
    { numRuns: 300 },
  );
});

test('property: health and share are non-increasing in latency', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 400 }),
      fc.integer({ min: 0, max: LATENCY_BOUNDS_MS.length - 1 }),
      fc.integer({ min: 0, max: LATENCY_BOUNDS_MS.length - 1 }),
      fc.boolean(),
      fc.array(summaryArb, { maxLength: 4 }),
      (count, l1, l2, withTtft, peers) => {
        const [lo, hi] = l1 <= l2 ? [l1, l2] : [l2, l1];
        const fast = vectorSummary(count, 0, lo, withTtft ? lo : null);
        const slow = vectorSummary(count, 0, hi, withTtft ? hi : null);
        assert.ok(healthFactor(fast, [fast, ...peers]) >= healthFactor(slow, [slow, ...peers]));
        const deps = [{ id: 'x', weight: 3 }, ...peers.map((_, i) => ({ id: `p${i}`, weight: 1 + i }))];
        const rowsFor = (own: WindowSummary) =>
          effectiveWeights(deps, new Map([['x', own], ...peers.map((p, i): [string, WindowSummary] => [`p${i}`, p])]), new Map(), T0);
        assert.ok(shareOf(rowsFor(fast), 'x') >= shareOf(rowsFor(slow), 'x') - 1e-12);
      },
    ),
    { numRuns: 300 },
  );
});

test('property: no eligible deployment is starved; a healthy one keeps at least its configured share', () => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ weight: fc.integer({ min: 1, max: 100 }), summary: summaryArb }), { minLength: 1, maxLength: 6 }),
      (list) => {
        const deps = list.map((d, i) => ({ id: `d${i}`, weight: d.weight }));
        const rows = effectiveWeights(deps, new Map(list.map((d, i) => [`d${i}`, d.summary])), new Map(), T0);
        const totalWeight = deps.reduce((a, d) => a + d.weight, 0);
        const totalEffective = rows.reduce((a, r) => a + r.effective, 0);
        for (const r of rows) {
          assert.ok(r.effective >= r.weight * FLOOR);
          assert.ok(r.effective / totalEffective >= (FLOOR * r.weight) / totalWeight - 1e-12);
          if (r.health === 1) assert.ok(r.effective / totalEffective >= r.weight / totalWeight - 1e-12);
        }
      },
    ),
  );
});

test('property: equal inputs give equal weights regardless of map insertion order', () => {
  fc.assert(
    fc.property(fc.array(summaryArb, { minLength: 1, maxLength: 6 }), fc.integer({ min: 0, max: 5 }), (summaries, openIndex) => {
      const deps = summaries.map((_, i) => ({ id: `d${i}`, weight: i + 1 }));
      const entries = summaries.map((s, i): [string, WindowSummary] => [`d${i}`, s]);
      const breakers = new Map([[`d${openIndex}`, tripped(T0)]]);
      const a = effectiveWeights(deps, new Map(entries), breakers, T0 + 1);
      const b = effectiveWeights(deps, new Map([...entries].reverse()), new Map(breakers), T0 + 1);
      assert.deepEqual(a, b);
      // And a structurally equal copy of the summaries (as after a cluster merge) gives the same.
      const copies = new Map(entries.map(([id, s]): [string, WindowSummary] => [id, summarizeVector(s.totals)]));
      assert.deepEqual(effectiveWeights(deps, copies, breakers, T0 + 1), a);
    }),
  );
});

test('property: selection never picks weight-0 or open deployments', () => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ weight: fc.integer({ min: 0, max: 5 }), open: fc.boolean(), summary: summaryArb }), { minLength: 1, maxLength: 6 }),
      fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 1, maxLength: 20 }),
      (list, randoms) => {
        const deps = list.map((d, i) => ({ id: `d${i}`, weight: d.weight }));
        const breakers = new Map(list.flatMap((d, i): [string, BreakerState][] => (d.open ? [[`d${i}`, tripped(T0)]] : [])));
        const rows = effectiveWeights(deps, new Map(list.map((d, i) => [`d${i}`, d.summary])), breakers, T0 + 1);
        const forbidden = new Set(list.flatMap((d, i) => (d.weight === 0 || d.open ? [`d${i}`] : [])));
        let k = 0;
        const rand = () => randoms[k++ % randoms.length]!;
        const picked = pickWeighted(rows, rand);
        if (forbidden.size === list.length) assert.equal(picked, null);
        else assert.ok(picked !== null && !forbidden.has(picked));
        const order = orderForAttempts(rows, rand);
        assert.equal(order.length, list.length - forbidden.size);
        for (const id of order) assert.ok(!forbidden.has(id));
      },
    ),
  );
});
