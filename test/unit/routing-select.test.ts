import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { orderForAttempts, pickWeighted } from '../../src/routing/index.js';

/** Small seeded PRNG (mulberry32) so distribution tests are reproducible. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const fixed = (...values: number[]) => {
  let i = 0;
  return () => values[i++ % values.length]!;
};

test('pickWeighted: exact boundaries of the cumulative weights', () => {
  const c = [
    { id: 'a', effective: 1 },
    { id: 'b', effective: 3 },
  ];
  assert.equal(pickWeighted(c, fixed(0)), 'a');
  assert.equal(pickWeighted(c, fixed(0.2)), 'a'); // 0.8 < 1
  assert.equal(pickWeighted(c, fixed(0.25)), 'b'); // 1.0 is b's first value
  assert.equal(pickWeighted(c, fixed(0.999)), 'b');
  assert.equal(pickWeighted(c, fixed(1)), 'b'); // out-of-contract 1 → last pickable
  assert.equal(pickWeighted(c, fixed(Number.NaN)), 'a');
  assert.equal(pickWeighted([], fixed(0.5)), null);
  assert.equal(pickWeighted([{ id: 'z', effective: 0 }], fixed(0.5)), null);
});

test('pickWeighted skips ineligible, zero, negative and NaN weights', () => {
  const c = [
    { id: 'off', effective: 5, eligible: false },
    { id: 'zero', effective: 0 },
    { id: 'neg', effective: -1 },
    { id: 'nan', effective: Number.NaN },
    { id: 'on', effective: 0.1, eligible: true },
  ];
  for (const r of [0, 0.3, 0.7, 0.9999, 1]) assert.equal(pickWeighted(c, fixed(r)), 'on');
});

test('pickWeighted follows the weights (seeded, 40k draws)', () => {
  const c = [
    { id: 'a', effective: 1 },
    { id: 'b', effective: 2 },
    { id: 'c', effective: 5 },
  ];
  const rand = seeded(42);
  const counts = new Map<string, number>();
  const n = 40_000;
  for (let i = 0; i < n; i++) {
    const id = pickWeighted(c, rand)!;
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  for (const [id, expected] of [['a', 1 / 8], ['b', 2 / 8], ['c', 5 / 8]] as const) {
    assert.ok(Math.abs(counts.get(id)! / n - expected) < 0.01, `${id}: ${counts.get(id)! / n} vs ${expected}`);
  }
});

test('orderForAttempts: exact order with scripted randomness', () => {
  const c = [
    { id: 'a', effective: 1 },
    { id: 'b', effective: 1 },
    { id: 'c', effective: 2 },
  ];
  // total 4: 0.6*4 = 2.4 → c; then a,b total 2: 0.6*2 = 1.2 → b; then a.
  assert.deepEqual(orderForAttempts(c, fixed(0.6)), ['c', 'b', 'a']);
  assert.deepEqual(orderForAttempts(c, fixed(0)), ['a', 'b', 'c']);
  assert.deepEqual(orderForAttempts(c, fixed(0.6), 2), ['c', 'b']);
  assert.deepEqual(orderForAttempts(c, fixed(0.6), 0), []);
});

test('property: orderForAttempts is a permutation of the pickable candidates', () => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ effective: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 100, noNaN: true })), eligible: fc.boolean() }), { maxLength: 8 }),
      fc.integer(),
      (list, seed) => {
        const c = list.map((x, i) => ({ id: `d${i}`, ...x }));
        const order = orderForAttempts(c, seeded(seed));
        const expected = c.filter((x) => x.eligible && x.effective > 0).map((x) => x.id);
        assert.deepEqual([...order].sort(), [...expected].sort());
        assert.equal(new Set(order).size, order.length);
      },
    ),
  );
});

test('orderForAttempts: first attempt follows the weights, retries go elsewhere', () => {
  const c = [
    { id: 'a', effective: 3 },
    { id: 'b', effective: 1 },
  ];
  const rand = seeded(7);
  let aFirst = 0;
  const n = 20_000;
  for (let i = 0; i < n; i++) {
    const order = orderForAttempts(c, rand);
    assert.equal(order.length, 2);
    assert.notEqual(order[0], order[1]);
    if (order[0] === 'a') aFirst++;
  }
  assert.ok(Math.abs(aFirst / n - 0.75) < 0.015, `a first ${aFirst / n}`);
});
