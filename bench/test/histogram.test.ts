import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { bucketIndex, bucketRange, Histogram, MAX_TRACKABLE_US } from '../loadgen/index.js';

/** Nearest-rank percentile on the exact values: the reference the histogram must match within 1/1024. */
function exactPercentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1];
}

const latencies = fc.array(fc.oneof(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 0, max: 50_000_000 })), { minLength: 1, maxLength: 400 });

test('values below 2048 µs are exact', () => {
  const h = new Histogram();
  for (const v of [0, 1, 2, 100, 999, 2047]) h.record(v);
  assert.deepEqual([h.percentile(0), h.percentile(20), h.percentile(50), h.percentile(100)], [0, 1, 2, 2047]);
  assert.deepEqual(h.summary(), { count: 6, min: 0, mean: 525, p50: 2, p90: 2047, p99: 2047, p999: 2047, max: 2047 });
});

test('every value lies inside its own bucket, buckets are contiguous and no wider than 1/1024 of their start', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: MAX_TRACKABLE_US }), (v) => {
    const i = bucketIndex(v);
    const [lo, hi] = bucketRange(i);
    assert.ok(lo <= v && v <= hi, `${v} not in [${lo}, ${hi}]`);
    assert.ok(hi - lo + 1 <= Math.max(1, lo / 1024), `bucket ${i} too wide: [${lo}, ${hi}]`);
    if (i > 0) assert.equal(bucketRange(i - 1)[1], lo - 1);
  }), { numRuns: 2000 });
  assert.equal(bucketRange(bucketIndex(MAX_TRACKABLE_US))[1], MAX_TRACKABLE_US);
});

test('percentiles are never below the exact value and at most 1/1024 above it', () => {
  fc.assert(fc.property(latencies, fc.constantFrom(0, 1, 50, 90, 99, 99.9, 100), (values, p) => {
    const h = new Histogram();
    for (const v of values) h.record(v);
    const exact = exactPercentile(values, p);
    const got = h.percentile(p);
    assert.ok(got >= exact && got <= exact + exact / 1024, `p${p}: got ${got}, exact ${exact}`);
    assert.equal(h.max, Math.max(...values));
    assert.equal(h.min, Math.min(...values));
    assert.equal(h.count, values.length);
  }), { numRuns: 300 });
});

test('merging equals recording everything into one histogram; JSON round-trips exactly', () => {
  fc.assert(fc.property(latencies, latencies, (a, b) => {
    const ha = new Histogram();
    const hb = new Histogram();
    const all = new Histogram();
    for (const v of a) { ha.record(v); all.record(v); }
    for (const v of b) { hb.record(v); all.record(v); }
    const merged = Histogram.merge([Histogram.from(JSON.parse(JSON.stringify(ha))), Histogram.from(hb.toJSON())]);
    assert.deepEqual(merged.toJSON(), all.toJSON());
    assert.deepEqual(merged.summary(), all.summary());
  }), { numRuns: 200 });
});

test('out-of-range input is clamped, not lost; fractions round; an empty histogram reports zeros', () => {
  const h = new Histogram();
  h.record(-5);
  h.record(1.6);
  h.record(1e12);
  assert.equal(h.count, 3);
  assert.equal(h.min, 0);
  assert.equal(h.max, MAX_TRACKABLE_US);
  assert.equal(h.percentile(50), 2);
  assert.deepEqual(new Histogram().summary(), { count: 0, min: 0, mean: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 });
  assert.throws(() => Histogram.from({ count: 1, min: 1, max: 1, sum: 1, buckets: [[999_999, 1]] }), /out of range/);
});

test('the compact form for results files keeps every percentile within 1/128 and all aggregates exactly', () => {
  fc.assert(fc.property(latencies, fc.constantFrom(1, 50, 90, 99, 99.9, 100), (values, p) => {
    const h = new Histogram();
    for (const v of values) h.record(v);
    const back = Histogram.fromCompact(JSON.parse(JSON.stringify(h.toCompact())));
    const exact = exactPercentile(values, p);
    const got = back.percentile(p);
    assert.ok(got >= exact && got <= exact + exact / 128, `p${p}: got ${got}, exact ${exact}`);
    assert.deepEqual([back.count, back.min, back.max, back.sum], [h.count, h.min, h.max, h.sum]);
  }), { numRuns: 300 });
  const h = new Histogram();
  for (const v of [5, 5, 130, 131, 5000]) h.record(v);
  assert.equal(h.toCompact().values, '5:2,125:1,1:1,4892:1'); // 5 x2, 130, 131 exact; 5000 -> [4992, 5023]
  assert.throws(() => Histogram.fromCompact({ count: 1, min: 1, max: 1, sum: 1, values: '-3:1' }), /bad pair/);
});
