/**
 * A partition that outlasts deadAfterMs while the seed is down: when it heals, the two sides must find
 * each other by dialling the members they had marked dead (heartbeats cannot cross without a connection,
 * and the seed that would have introduced them again is gone). Real libp2p agents over TCP with a pnet key.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClusterAgent, type ClusterAgent } from '../../cluster/index.js';
import { waitFor } from './cluster-harness/spawn-node.js';

const TIMINGS = { heartbeatMs: 100, suspectAfterMs: 500, deadAfterMs: 1500, syncIntervalMs: 300 };

const sees = (observer: ClusterAgent, other: ClusterAgent) => observer.members().find((m) => m.nodeId === other.nodeId)?.state;

test('after a long partition, with the seed gone, the two sides reconnect by dialling members they saw dead', { timeout: 40_000 }, async () => {
  const key = randomBytes(32);
  const dirs = [0, 1, 2].map(() => mkdtempSync(join(tmpdir(), 'sy-cluster-redial-')));
  const base = { host: '127.0.0.1', port: 0, key, testHooks: true, ...TIMINGS, node: { version: 't', httpAddress: 'http://127.0.0.1:1' } };
  const seed = await createClusterAgent({ ...base, dataDir: dirs[0]! });
  const agents: ClusterAgent[] = [seed];
  let seedStopped = false;
  try {
    await seed.start();
    const seeds = [seed.listenAddresses[0]!];
    const b = await createClusterAgent({ ...base, dataDir: dirs[1]!, seeds });
    const c = await createClusterAgent({ ...base, dataDir: dirs[2]!, seeds });
    agents.push(b, c);
    await Promise.all([b.start(), c.start()]);
    await waitFor('all alive everywhere', async () => sees(b, c) === 'alive' && sees(c, b) === 'alive' && sees(seed, b) === 'alive' && sees(seed, c) === 'alive');

    // Cut C off from both others until each side sees the other dead, then lose the seed.
    c.partition([seed.nodeId, b.nodeId]);
    seed.partition([c.nodeId]);
    b.partition([c.nodeId]);
    await waitFor('B and C see each other dead', async () => sees(b, c) === 'dead' && sees(c, b) === 'dead', 10_000);
    await seed.stop();
    seedStopped = true;

    // Heal. C's only seed is down, and each side knows the other only as a dead member.
    b.partition([]);
    c.partition([]);
    b.addCounter('healed', 1);
    c.addCounter('healed', 2);
    const state = () => ({ bSeesC: sees(b, c), cSeesB: sees(c, b), onB: b.counter('healed'), onC: c.counter('healed') });
    const ms = await waitFor('B and C alive to each other, counters merged', async () => {
      const s = state();
      return s.bSeesC === 'alive' && s.cSeesB === 'alive' && s.onB === 3 && s.onC === 3;
    }, 15_000).catch((err: Error) => assert.fail(`${err.message}: ${JSON.stringify(state())}`));
    console.log(`# reconnected ${ms} ms after the heal`);
  } finally {
    for (const agent of agents.reverse()) if (agent !== seed || !seedStopped) await agent.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
});
