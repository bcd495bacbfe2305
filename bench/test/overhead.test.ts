import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Histogram } from '../loadgen/index.js';
import { runOverhead, type OverheadOptions } from '../scenarios/overhead/index.js';
import { switchyardBuilt } from '../stack/index.js';

const tiny: OverheadOptions = {
  rps: [200], concurrency: [1, 4], arms: ['direct', 'bare-proxy'], rounds: 2, slotS: 0.3, slotWarmupS: 0.05, warmupS: 0.1, jitWarmupS: 0.2,
  latencyMs: 0, connections: 32, quick: true,
};

test('overhead: direct and bare proxy side by side, alternating rounds, consistent tables and raw figures', async () => {
  const r = await runOverhead(tiny);
  assert.equal(r.scenario, 'overhead-quick');
  assert.deepEqual(r.raw.skipped, []);
  assert.deepEqual(r.raw.loads.map((l) => l.load), ['open 200 rps', 'closed c=1', 'closed c=4']);
  const [added, detail] = r.tables;
  assert.equal(added.rows.length, 6);
  assert.equal(detail.rows.length, 6);

  const open = r.raw.loads[0];
  const [direct, bare] = open.arms;
  assert.deepEqual([direct.arm, bare.arm], ['direct', 'bare-proxy']);
  // 200 rps x 0.3 s x 2 rounds, every one answered.
  assert.deepEqual([direct.ok, direct.errors, bare.ok, bare.errors], [120, 0, 120, 0]);
  assert.equal(Histogram.fromCompact(bare.latencyHistogram).count, 120);
  assert.equal(Histogram.fromCompact(bare.latencyHistogram).percentile(50), compactTopOf(bare.latency.p50));
  // Rounds alternate: round 1 starts with direct, round 2 with the bare proxy.
  assert.deepEqual(direct.rounds.map((x) => [x.round, x.order]), [[0, 0], [1, 1]]);
  assert.deepEqual(bare.rounds.map((x) => [x.round, x.order]), [[0, 1], [1, 0]]);

  // The table is computed from the same figures.
  const row = added.rows.find((x) => x[0] === 'open 200 rps' && x[1] === bare.label)!;
  assert.deepEqual(row.slice(2, 6), [bare.latency.p50, bare.latency.p99, bare.latency.p50 - direct.latency.p50, bare.latency.p99 - direct.latency.p99]);
  assert.deepEqual(added.rows.find((x) => x[1] === direct.label)!.slice(4, 7), [0, 0, '-']);
  assert.equal(bare.addedP50ByRound!.length, 2);
  // Going through a proxy costs CPU in the proxy; the direct arm has no proxy to charge.
  assert.equal(direct.serverCpuUsPerRequest, null);
  if (process.platform === 'linux') assert.ok(bare.serverCpuUsPerRequest! > 0);
  assert.ok(r.machine.cpus >= 1);
});

test('overhead: switchyard arms carry the gateway-reported overhead', { skip: switchyardBuilt().ok ? false : 'gateway not built' }, async () => {
  const r = await runOverhead({ ...tiny, rps: [], concurrency: [2], arms: ['direct', 'switchyard-1'] });
  const sy = r.raw.loads[0].arms.find((a) => a.arm === 'switchyard-1')!;
  assert.equal(sy.errors, 0);
  assert.ok(sy.ok > 0);
  // Every successful answer carried x-switchyard-overhead-us.
  assert.equal(sy.selfReported!.count, sy.ok);
  assert.ok(sy.selfReported!.p50 > 0);
});

/** p50 read back from the compact form is the top of the 1/128-wide bucket of the exact p50. */
function compactTopOf(v: number): number {
  if (v < 256) return v;
  const width = 2 ** (32 - Math.clz32(v) - 8);
  return Math.floor(v / width) * width + width - 1;
}
