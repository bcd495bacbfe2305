/** Pure parts of the cluster bench: percentiles, /metrics parsing, and the tables derived from raw samples. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { bandwidthTable, convergenceTable, gossipBytes, percentile, rate, sampleValue, summarize, type SizeRaw } from '../index.js';

test('nearest-rank percentiles of a known sample', () => {
  const xs = [50, 10, 40, 20, 30];
  assert.equal(percentile(xs, 0.5), 30);
  assert.equal(percentile(xs, 0.99), 50);
  assert.equal(percentile(xs, 0), 10);
  assert.equal(percentile([], 0.5), null);
  assert.deepEqual(summarize([3, 1, 2]), { n: 3, p50: 2, p99: 3, min: 1, max: 3 });
  assert.deepEqual(summarize([]), { n: 0, p50: null, p99: null, min: null, max: null });
  assert.throws(() => percentile(xs, 1.5), RangeError);
});

test('property: a percentile is an observed value, monotonic in q, and p99 of < 100 values is the maximum', () => {
  fc.assert(fc.property(fc.array(fc.integer({ min: -1e6, max: 1e6 }), { minLength: 1, maxLength: 99 }), fc.double({ min: 0, max: 1, noNaN: true }), (xs, q) => {
    const v = percentile(xs, q)!;
    assert.ok(xs.includes(v));
    assert.ok(percentile(xs, Math.min(1, q + 0.1))! >= v);
    assert.equal(percentile(xs, 0.99), Math.max(...xs));
    // At least a share q of the values are <= the q-percentile.
    assert.ok(xs.filter((x) => x <= v).length >= q * xs.length);
  }));
});

const EXPOSITION = [
  '# HELP switchyard_cluster_gossip_bytes_in Cluster bytes received (monotonic).',
  '# TYPE switchyard_cluster_gossip_bytes_in gauge',
  'switchyard_cluster_gossip_bytes_in 123456',
  '# HELP switchyard_cluster_gossip_bytes_in_extra a longer name that must not match',
  'switchyard_cluster_gossip_bytes_in_extra 9',
  'switchyard_cluster_gossip_bytes_out{} 7890',
  'switchyard_cluster_members{state="alive"} 3',
].join('\n');

test('gossip byte gauges are read from a Prometheus exposition', () => {
  assert.deepEqual(gossipBytes(EXPOSITION), { bytesIn: 123456, bytesOut: 7890 });
  assert.equal(sampleValue(EXPOSITION, 'switchyard_cluster_gossip_bytes_in_extra'), 9);
  assert.equal(sampleValue(EXPOSITION, 'switchyard_nope'), undefined);
  assert.throws(() => gossipBytes('switchyard_cluster_gossip_bytes_in 1\n'), /gossip_bytes_out/);
  assert.deepEqual(rate({ bytesIn: 1000, bytesOut: 500 }, { bytesIn: 3000, bytesOut: 1500 }, 4000), { inPerS: 500, outPerS: 250 });
  assert.throws(() => rate({ bytesIn: 0, bytesOut: 0 }, { bytesIn: 0, bytesOut: 0 }, 0), RangeError);
});

test('tables: node 0 is the first node, "last node" is the slowest node of each repetition', () => {
  const raw: SizeRaw = {
    size: 3,
    startup: { firstReadyMs: 1000, formedMs: 4000 },
    circuit: [
      { deployment: 'up/a', statuses: [503, 503, 503], decidedMs: [10, 200, 100], observedMs: [20, 210, 120] },
      { deployment: 'up/b', statuses: [503, 503, 503], decidedMs: [30, 50, 400], observedMs: [40, 60, 410] },
    ],
    weights: { samples: [{ deployment: 'up/w', before: [1, 1, 1], after: [0.1, 0.1, 0.1], fromChangeMs: [300, 350, 320], fromSlowDoneMs: [5, 55, 25], burstMs: 295 }], discarded: [] },
    spend: [{ expectedUsd: 1, fromAnswerMs: [25, 80, 60] }],
    bandwidth: [
      { phase: 'idle', seconds: 10, perNode: [{ inPerS: 100, outPerS: 50 }, { inPerS: 200, outPerS: 60 }, { inPerS: 300, outPerS: 70 }] },
      { phase: 'load', seconds: 10, perNode: [{ inPerS: 1000, outPerS: 500 }, { inPerS: 2000, outPerS: 500 }, { inPerS: 3000, outPerS: 500 }], achievedRps: 100, errors: 2 },
    ],
  };
  const conv = convergenceTable([raw], { weightThreshold: 0.5, slowMs: 200, pollMs: 20 });
  assert.deepEqual(conv.rows[0], ['circuit open: decided (since)', 3, 2, 10, 30, 200, 400, 400]);
  assert.deepEqual(conv.rows[3], ['weight < threshold: from last slow answer', 3, 1, 5, 5, 55, 55, 55]);
  assert.deepEqual(conv.rows[4], ['spend total: from the answer', 3, 1, 25, 25, 80, 80, 80]);
  const bw = bandwidthTable([raw]);
  assert.deepEqual(bw.rows[0], [3, 'idle', 0, 0, 200, 300, 60, 70, null]);
  assert.deepEqual(bw.rows[1], [3, 'load', 100, 2, 2000, 3000, 500, 500, 15]);
});
