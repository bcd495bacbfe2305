/**
 * Property tests of the cluster CRDTs: merge is commutative, associative and idempotent, and any
 * delivery order (with duplicates) of the same deltas converges to the same state.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  GCounterMap,
  HybridClock,
  LwwMap,
  StatsWindows,
  compareHlc,
  fromRecord,
  type CounterRecord,
  type LwwRecord,
  type StatsRecord,
} from '../../cluster/crdt/index.js';

const origin = fc.constantFrom('peerA', 'peerB', 'peerC', 'peerD');
const key = fc.constantFrom('spend:vk1', 'spend:vk2', 'tokens:team1', 'req:x');
const amount = fc.integer({ min: 0, max: 1_000_000 }).map((n) => n / 8);

const counterRecord: fc.Arbitrary<CounterRecord> = fc.tuple(key, origin, amount, fc.constantFrom(0, 5_000, 9_000));
// Values are plain objects, as decoded from the wire: fast-check also makes null-prototype twins, which
// deepStrictEqual tells apart although they are the same value (that made 1 run in ~10^4 fail).
const lwwRecord: fc.Arbitrary<LwwRecord> = fc.tuple(
  fc.constantFrom('provider:a', 'provider:b', 'key:1'),
  fc.oneof(fc.constant(null), fc.integer(), fc.string({ maxLength: 4 }), fc.record({ w: fc.integer({ min: 0, max: 3 }) }, { noNullPrototype: true })),
  fc.integer({ min: 1, max: 5 }),
  fc.integer({ min: 0, max: 3 }),
  origin,
);
const NOW = 1_700_000_000_000;
const stats = () => new StatsWindows(1000, 10);
const statsRecord: fc.Arbitrary<StatsRecord> = fc.tuple(
  origin,
  fc.constantFrom('openai/gpt', 'mock/m'),
  fc.integer({ min: 0, max: 9 }).map((i) => stats().bucketStart(NOW) - i * 1000),
  fc.integer({ min: 1, max: 6 }),
  fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 4 }),
);

interface Crdt<R> {
  build(records: R[]): unknown;
  mergeInto(target: unknown, source: unknown): void;
  state(x: unknown): unknown;
}

const counters: Crdt<CounterRecord> = {
  build(records) {
    const c = new GCounterMap();
    for (const r of records) c.merge(r);
    return c;
  },
  mergeInto(t, s) {
    for (const r of (s as GCounterMap).records()) (t as GCounterMap).merge(r);
  },
  state(x) {
    const c = x as GCounterMap;
    return { records: c.records(), values: [...c.values('')].sort() };
  },
};
const lww: Crdt<LwwRecord> = {
  build(records) {
    const m = new LwwMap();
    for (const r of records) m.merge(...fromRecord(r));
    return m;
  },
  mergeInto(t, s) {
    for (const r of (s as LwwMap).records()) (t as LwwMap).merge(...fromRecord(r));
  },
  state(x) {
    return (x as LwwMap).records();
  },
};
const windows: Crdt<StatsRecord> = {
  build(records) {
    const w = stats();
    for (const r of records) w.merge(r, NOW);
    return w;
  },
  mergeInto(t, s) {
    for (const r of (s as StatsWindows).records()) (t as StatsWindows).merge(r, NOW);
  },
  state(x) {
    const w = x as StatsWindows;
    return { records: w.records(), windows: w.keys().map((k) => w.window(k, NOW)) };
  },
};

function laws<R>(name: string, crdt: Crdt<R>, record: fc.Arbitrary<R>): void {
  const batch = fc.array(record, { maxLength: 25 });
  const merged = (...parts: R[][]) => {
    const target = crdt.build([]);
    for (const p of parts) crdt.mergeInto(target, crdt.build(p));
    return crdt.state(target);
  };
  test(`${name}: merge is commutative`, () => {
    fc.assert(fc.property(batch, batch, (a, b) => assert.deepEqual(merged(a, b), merged(b, a))));
  });
  test(`${name}: merge is associative`, () => {
    fc.assert(
      fc.property(batch, batch, batch, (a, b, c) => {
        const ab = crdt.build(a);
        crdt.mergeInto(ab, crdt.build(b));
        crdt.mergeInto(ab, crdt.build(c));
        const bc = crdt.build(b);
        crdt.mergeInto(bc, crdt.build(c));
        const a_bc = crdt.build(a);
        crdt.mergeInto(a_bc, bc);
        assert.deepEqual(crdt.state(ab), crdt.state(a_bc));
      }),
    );
  });
  test(`${name}: merge is idempotent`, () => {
    fc.assert(
      fc.property(batch, (a) => {
        const x = crdt.build(a);
        const before = crdt.state(x);
        crdt.mergeInto(x, crdt.build(a));
        crdt.mergeInto(x, x);
        assert.deepEqual(crdt.state(x), before);
      }),
    );
  });
  test(`${name}: any delivery order with duplicates converges`, () => {
    fc.assert(
      fc.property(
        batch.chain((deltas) =>
          fc.tuple(
            fc.constant(deltas),
            fc.shuffledSubarray(deltas, { minLength: deltas.length, maxLength: deltas.length }),
            fc.array(fc.integer({ min: 0, max: Math.max(0, deltas.length - 1) }), { maxLength: 10 }),
          ),
        ),
        ([deltas, shuffled, dupIdx]) => {
          const dups = deltas.length ? dupIdx.map((i) => deltas[i]!) : [];
          const reordered = [...shuffled.slice(0, 3), ...dups, ...shuffled.slice(3)];
          assert.deepEqual(crdt.state(crdt.build(reordered)), crdt.state(crdt.build(deltas)));
        },
      ),
    );
  });
}

laws('g-counter', counters, counterRecord);
laws('lww-map', lww, lwwRecord);
laws('stats-window', windows, statsRecord);

test('g-counter: value is the sum of per-origin maxima, deltas are whole totals', () => {
  const a = new GCounterMap();
  const r1 = a.add('A', 'spend', 1.5);
  const r2 = a.add('A', 'spend', 2.25);
  assert.deepEqual(r1, ['spend', 'A', 1.5, 0]);
  assert.deepEqual(r2, ['spend', 'A', 3.75, 0]);
  const b = new GCounterMap();
  b.add('B', 'spend', 10);
  b.merge(r2);
  b.merge(r1); // stale delta: ignored
  assert.equal(b.value('spend'), 13.75);
  assert.equal(b.originValue('spend', 'A'), 3.75);
  assert.throws(() => a.add('A', 'spend', -1), RangeError);
  assert.throws(() => a.add('A', 'spend', Number.NaN), RangeError);
});

test('g-counter: expired keys are garbage-collected, never-expiring keys stay', () => {
  const c = new GCounterMap();
  c.add('A', 'spend:2024-05', 5, 1000);
  c.add('A', 'spend:total', 7);
  assert.deepEqual(c.gc(999), []);
  assert.deepEqual(c.gc(1000), ['spend:2024-05']);
  assert.equal(c.value('spend:2024-05'), 0);
  assert.equal(c.value('spend:total'), 7);
  assert.deepEqual([...c.values('spend:')], [['spend:total', 7]]);
});

test('lww-map: newer clock wins, tombstone deletes, tie broken by node id', () => {
  const m = new LwwMap();
  assert.equal(m.merge('p', { value: { a: 1 }, ts: { wall: 10, logical: 0, node: 'A' } }), true);
  assert.equal(m.merge('p', { value: { a: 0 }, ts: { wall: 9, logical: 5, node: 'Z' } }), false);
  assert.equal(m.merge('p', { value: { a: 2 }, ts: { wall: 10, logical: 0, node: 'B' } }), true);
  assert.deepEqual(m.get('p'), { a: 2 });
  m.merge('p', { value: null, ts: { wall: 11, logical: 0, node: 'A' } });
  assert.equal(m.get('p'), undefined);
  assert.deepEqual(m.live(), []);
  assert.equal(m.records().length, 1);
});

test('hlc: monotonic under a stuck or backwards clock, and moves past observed timestamps', () => {
  let now = 100;
  const clock = new HybridClock('A', () => now);
  const t1 = clock.tick();
  now = 50;
  const t2 = clock.tick();
  assert.deepEqual(t1, { wall: 100, logical: 0, node: 'A' });
  assert.deepEqual(t2, { wall: 100, logical: 1, node: 'A' });
  clock.observe({ wall: 500, logical: 3, node: 'B' });
  const t3 = clock.tick();
  assert.deepEqual(t3, { wall: 500, logical: 4, node: 'A' });
  assert.equal(compareHlc(t3, { wall: 500, logical: 3, node: 'B' }), 1);
});

test('stats-window: sums origins element-wise, keeps the window, prunes old buckets', () => {
  const w = new StatsWindows(1000, 3);
  const t0 = 10_000;
  w.record('A', 'm', [1, 2], t0);
  w.record('A', 'm', [1, 0, 5], t0 + 10);
  const rb = w.record('B', 'm', [10], t0 + 500);
  assert.deepEqual(rb, ['B', 'm', 10_000, 1, [10]]);
  w.record('A', 'm', [3], t0 + 1000);
  assert.deepEqual(w.window('m', t0 + 1000), {
    bucketMs: 1000,
    buckets: [
      { start: 10_000, values: [12, 2, 5] },
      { start: 11_000, values: [3] },
    ],
  });
  assert.deepEqual(w.window('m', t0 + 1000, (o) => o !== 'B').buckets[0], { start: 10_000, values: [2, 2, 5] });
  // 3 buckets later the first bucket is outside the window
  assert.deepEqual(w.window('m', t0 + 3000).buckets, [{ start: 11_000, values: [3] }]);
  w.prune(t0 + 3000);
  assert.deepEqual(w.records(), [['A', 'm', 11_000, 1, [3]]]);
  assert.equal(w.merge(['B', 'm', 10_000, 9, [1]], t0 + 3000), false);
  assert.deepEqual(w.keys(), ['m']);
});
