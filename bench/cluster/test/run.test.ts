/**
 * The whole cluster bench, shrunk: two real gateway processes, two repetitions of each measurement, short
 * bandwidth windows. Needs the gateway built (`npm run build`); skipped otherwise.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { Progress } from '../../lib/index.js';
import { switchyardBuilt } from '../../stack/index.js';
import { QUICK, runClusterBench } from '../index.js';

const built = switchyardBuilt();

test('a 2-node run measures every convergence and both bandwidth phases', { skip: built.ok ? false : built.reason, timeout: 50_000 }, async () => {
  const quiet = new Writable({ write: (_c, _e, cb) => cb() }) as unknown as NodeJS.WriteStream;
  const r = await runClusterBench({
    ...QUICK, sizes: [2], circuitReps: 2, weightsReps: 2, spendReps: 2, idleS: 1, loadS: 1, loadWarmupS: 0.5, loadRps: 50,
  }, new Progress(1, quiet));
  assert.equal(r.scenario, 'cluster-quick');
  assert.equal(r.tables.length, 3);
  const [s] = r.raw.sizes;
  assert.equal(r.raw.sizes.length, 1);
  assert.equal(s!.size, 2);

  assert.equal(s!.circuit.length, 2);
  for (const c of s!.circuit) {
    // No retries: each of the 3 failing calls is answered with the upstream's 503.
    assert.deepEqual(c.statuses, [503, 503, 503]);
    assert.equal(c.decidedMs.length, 2);
    // A node cannot decide before the first failure, and gossip on one machine takes well under 5 s.
    for (const ms of c.decidedMs) assert.ok(ms >= 0 && ms < 5000, `decided after ${ms} ms`);
    for (const [i, ms] of c.observedMs.entries()) assert.ok(ms >= c.decidedMs[i]!, `node-${i} seen at ${ms} before its decision at ${c.decidedMs[i]}`);
  }

  assert.equal(s!.weights.samples.length, 2);
  for (const w of s!.weights.samples) {
    for (const b of w.before) assert.ok(b > QUICK.weightThreshold, `weight before ${b}`);
    for (const a of w.after) assert.ok(a < QUICK.weightThreshold, `weight after ${a}`);
    assert.ok(w.burstMs >= 200, `slow burst took ${w.burstMs} ms`);
  }

  // $1.00 per request, cumulative on one key: every node must show exactly 1 then 2.
  assert.deepEqual(s!.spend.map((x) => x.expectedUsd), [1, 2]);
  for (const x of s!.spend) for (const ms of x.fromAnswerMs) assert.ok(ms >= 0 && ms < 5000, `spend seen after ${ms} ms`);

  const [idle, load] = s!.bandwidth;
  assert.equal(idle!.phase, 'idle');
  assert.equal(load!.phase, 'load');
  assert.equal(idle!.perNode.length, 2);
  assert.equal(load!.errors, 0);
  assert.ok(load!.achievedRps! > 25, `achieved ${load!.achievedRps} req/s`);
  // Under load each node gossips its stats and counters, so both directions carry bytes on every node.
  for (const n of load!.perNode) assert.ok(n.outPerS > 0 && n.inPerS > 0, JSON.stringify(n));
});
