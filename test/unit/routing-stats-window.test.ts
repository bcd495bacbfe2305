import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  BUCKET_VECTOR_LENGTH,
  LATENCY_BOUNDS_MS,
  StatsWindow,
  decodeBucket,
  encodeBucket,
  mergeBuckets,
  mergeSummaries,
  summarize,
} from '../../src/routing/index.js';
import { histogramIndex } from '../../src/routing/stats-window.js';

const T0 = 1_700_000_000_000; // epoch-aligned to 1 s

test('vector length matches the documented layout', () => {
  assert.equal(LATENCY_BOUNDS_MS.length, 13);
  assert.equal(BUCKET_VECTOR_LENGTH, 5 + 2 * 13);
});

test('summary of known samples: counts, mean and interpolated percentiles', () => {
  const w = new StatsWindow();
  for (let i = 0; i < 4; i++) w.record(T0 + i, { ok: true, latencyMs: 20, ttftMs: 7 });
  w.record(T0 + 10, { ok: false, latencyMs: 3 });
  const s = w.summary(T0 + 500);
  assert.equal(s.count, 5);
  assert.equal(s.errors, 1);
  assert.equal(s.errorRate, 0.2);
  assert.equal(s.meanLatencyMs, 20); // the failed request's latency is not part of latency stats
  // 4 samples in (10, 25]: p50 rank 2 → 10 + 15 * 2/4; p95 rank 3.8 → 10 + 15 * 0.95
  assert.equal(s.p50Ms, 17.5);
  assert.equal(s.p95Ms, 24.25);
  // 4 TTFT samples in (5, 10]
  assert.equal(s.ttftP50Ms, 7.5);
  assert.equal(s.ttftP95Ms, 9.75);
});

test('empty window has null percentiles and zero rates', () => {
  const s = new StatsWindow().summary(T0);
  assert.deepEqual(
    { count: s.count, errors: s.errors, errorRate: s.errorRate, p50: s.p50Ms, p95: s.p95Ms, t: s.ttftP50Ms, mean: s.meanLatencyMs },
    { count: 0, errors: 0, errorRate: 0, p50: null, p95: null, t: null, mean: null },
  );
});

test('samples beyond the last finite bound report that bound', () => {
  const w = new StatsWindow();
  w.record(T0, { ok: true, latencyMs: 90_000 });
  assert.equal(w.summary(T0).p50Ms, 30_000);
});

function exactQuantile(sorted: number[], q: number): number {
  return sorted[Math.ceil(q * sorted.length) - 1]!;
}

test('property: histogram percentiles lie within the bucket bounds of the exact percentile', () => {
  fc.assert(
    fc.property(fc.array(fc.double({ min: 0, max: 50_000, noNaN: true }), { minLength: 1, maxLength: 300 }), (latencies) => {
      const w = new StatsWindow();
      for (const l of latencies) w.record(T0, { ok: true, latencyMs: l, ttftMs: l / 2 });
      const s = w.summary(T0);
      const sorted = [...latencies].sort((a, b) => a - b);
      const ttftSorted = sorted.map((l) => l / 2);
      const checks: Array<[number | null, number]> = [
        [s.p50Ms, exactQuantile(sorted, 0.5)],
        [s.p95Ms, exactQuantile(sorted, 0.95)],
        [s.ttftP50Ms, exactQuantile(ttftSorted, 0.5)],
        [s.ttftP95Ms, exactQuantile(ttftSorted, 0.95)],
      ];
      for (const [estimate, exact] of checks) {
        const i = histogramIndex(exact);
        const lower = i === 0 ? 0 : LATENCY_BOUNDS_MS[i - 1]!;
        const upper = LATENCY_BOUNDS_MS[i]!;
        assert.ok(estimate !== null && estimate >= lower && estimate <= upper, `estimate ${estimate} for exact ${exact} not in [${lower}, ${upper}]`);
      }
    }),
    { numRuns: 300 },
  );
});

const sampleArb = fc.record({
  offsetMs: fc.integer({ min: 0, max: 59_999 }),
  ok: fc.boolean(),
  latencyMs: fc.integer({ min: 0, max: 40_000 }),
  ttftMs: fc.option(fc.integer({ min: 0, max: 10_000 }), { nil: undefined }),
});

test('property: encode/decode round trip', () => {
  fc.assert(
    fc.property(fc.array(sampleArb, { maxLength: 100 }), (samples) => {
      const w = new StatsWindow();
      for (const s of samples) w.record(T0 + s.offsetMs, s);
      for (const b of w.buckets(T0 + 59_999)) {
        const encoded = encodeBucket(b);
        assert.equal(encoded.length, BUCKET_VECTOR_LENGTH);
        assert.deepEqual(decodeBucket(b.startMs, encoded), b);
      }
    }),
  );
});

test('decodeBucket rejects malformed vectors', () => {
  const ok = new Array<number>(BUCKET_VECTOR_LENGTH).fill(0);
  assert.throws(() => decodeBucket(T0, ok.slice(1)), RangeError);
  assert.throws(() => decodeBucket(T0, [...ok.slice(1), -1]), RangeError);
  assert.throws(() => decodeBucket(T0, [...ok.slice(1), Number.NaN]), RangeError);
  assert.throws(() => decodeBucket(Number.NaN, ok), RangeError);
  assert.equal(decodeBucket(T0, ok).vector.length, BUCKET_VECTOR_LENGTH);
});

test('property: merging two windows by vector sum equals recording every sample in one window', () => {
  fc.assert(
    fc.property(fc.array(sampleArb, { maxLength: 80 }), fc.array(sampleArb, { maxLength: 80 }), (a, b) => {
      const wa = new StatsWindow();
      const wb = new StatsWindow();
      const all = new StatsWindow();
      for (const s of a) (wa.record(T0 + s.offsetMs, s), all.record(T0 + s.offsetMs, s));
      for (const s of b) (wb.record(T0 + s.offsetMs, s), all.record(T0 + s.offsetMs, s));
      const now = T0 + 59_999;
      const merged = mergeBuckets([wa.buckets(now), wb.buckets(now)]);
      const single = all.buckets(now);
      assert.deepEqual(merged.map((x) => [x.startMs, encodeBucket(x)]), single.map((x) => [x.startMs, encodeBucket(x)]));
      const viaSummaries = mergeSummaries([wa.summary(now), wb.summary(now)]);
      assert.deepEqual(viaSummaries, all.summary(now));
      assert.deepEqual(summarize(merged, now, 60_000), all.summary(now));
    }),
  );
});

test('old buckets drop out of the window and their slots are reused', () => {
  const w = new StatsWindow({ bucketMs: 1000, bucketCount: 60 });
  w.record(T0, { ok: false, latencyMs: 1 });
  w.record(T0 + 30_000, { ok: true, latencyMs: 100 });
  assert.equal(w.summary(T0 + 59_999).count, 2);
  assert.equal(w.summary(T0 + 59_999).errors, 1);
  // At T0 + 60 s the bucket starting at T0 is no longer in (now - 60 s, now].
  assert.equal(w.summary(T0 + 60_000).count, 1);
  assert.equal(w.summary(T0 + 60_000).errors, 0);
  // A shorter window sees only the recent bucket.
  assert.equal(w.summary(T0 + 30_500, 1000).count, 1);
  // T0 + 60 s maps to the same slot as T0: the slot is reset, not added to.
  assert.equal(w.record(T0 + 60_000, { ok: true, latencyMs: 5 }), true);
  const buckets = w.buckets(T0 + 60_000);
  assert.deepEqual(buckets.map((b) => [b.startMs, b.vector[0]]), [[T0 + 30_000, 1], [T0 + 60_000, 1]]);
  // A late sample for a slot already holding a newer bucket is refused.
  assert.equal(w.record(T0 + 5, { ok: true, latencyMs: 5 }), false);
  assert.equal(w.summary(T0 + 90_000).count, 1);
  assert.equal(w.summary(T0 + 120_000).count, 0);
});

test('bad latency values are clamped, not propagated as NaN', () => {
  const w = new StatsWindow();
  w.record(T0, { ok: true, latencyMs: Number.NaN });
  w.record(T0, { ok: true, latencyMs: -5 });
  w.record(T0, { ok: true, latencyMs: Number.POSITIVE_INFINITY });
  const s = w.summary(T0);
  assert.equal(s.count, 3);
  assert.equal(s.meanLatencyMs, 86_400_000 / 3);
  assert.equal(s.p50Ms, 3.75); // two samples at 0 in [0, 5]: rank 1.5 of 2 → 5 × 0.75
});

test('StatsWindow rejects invalid geometry', () => {
  assert.throws(() => new StatsWindow({ bucketMs: 0 }), RangeError);
  assert.throws(() => new StatsWindow({ bucketCount: 1.5 }), RangeError);
});
