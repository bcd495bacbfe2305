/**
 * The agent without a key runs alone: no sockets, every CRDT API works locally, state persists
 * across restarts (same node id, counters and config restored), expired counters are collected.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClusterAgent, type ClusterOptions } from '../../cluster/index.js';

const opts = (dataDir: string): ClusterOptions => ({ dataDir, node: { version: '0.1.0', httpAddress: 'http://127.0.0.1:8080' } });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('runs alone without a key: no network, CRDT APIs work, change events are coalesced', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-cluster-'));
  const agent = await createClusterAgent(opts(dir));
  try {
    await agent.start();
    assert.equal(agent.networked, false);
    assert.deepEqual(agent.listenAddresses, []);
    assert.match(agent.nodeId, /^12D3KooW/);
    const kinds: string[] = [];
    const off = agent.onChange((k) => kinds.push(k));
    agent.addCounter('spend:vk1', 0.1);
    agent.addCounter('spend:vk1', 0.2);
    agent.addCounter('spend:vk2', 3);
    agent.setConfig('provider:a', { weight: 2 });
    agent.setConfig('provider:b', { weight: 1 });
    agent.setConfig('provider:b', null);
    agent.recordStats('openai/gpt', [1, 0, 120], 10_500);
    agent.recordStats('openai/gpt', [1, 1, 80], 10_900);
    await sleep(0);
    assert.deepEqual(kinds.sort(), ['config', 'counters', 'stats']);
    off();
    assert.equal(agent.counter('spend:vk1'), 0.1 + 0.2);
    assert.equal(agent.counter('missing'), 0);
    assert.deepEqual([...agent.counters('spend:')].sort(), [['spend:vk1', 0.1 + 0.2], ['spend:vk2', 3]]);
    assert.deepEqual(agent.getConfig('provider:a'), { weight: 2 });
    assert.equal(agent.getConfig('provider:b'), undefined);
    assert.deepEqual(agent.configEntries('provider:'), [['provider:a', { weight: 2 }]]);
    assert.deepEqual(agent.statsWindow('openai/gpt', 11_000), { bucketMs: 1000, buckets: [{ start: 10_000, values: [2, 1, 200] }] });
    assert.deepEqual(agent.statsKeys(), ['openai/gpt']);
    agent.setLoad(0.75);
    const [self] = agent.members();
    assert.equal(agent.members().length, 1);
    assert.equal(self!.self, true);
    assert.equal(self!.state, 'alive');
    assert.equal(self!.load, 0.75);
    assert.equal(self!.nodeId, agent.nodeId);
    assert.throws(() => agent.addCounter('spend:vk1', -1), RangeError);
    assert.throws(() => agent.addCounter('', 1), RangeError);
    assert.throws(() => agent.setLoad(Number.NaN), RangeError);
    assert.throws(() => agent.partition([]), /testHooks/);
    assert.deepEqual(agent.metrics().members, { alive: 1, suspect: 0, dead: 0 });
  } finally {
    await agent.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('state and identity survive a restart; stats do not; the peer key is private', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-cluster-'));
  try {
    const first = await createClusterAgent(opts(dir));
    await first.start();
    first.addCounter('spend:vk1', 1.25);
    first.addCounter('tokens:team', 1000);
    first.setConfig('key:1', { budget: 10 });
    first.setConfig('key:2', { budget: 20 });
    first.setConfig('key:2', null);
    first.recordStats('s', [1]);
    const id = first.nodeId;
    await first.stop();
    assert.equal(statSync(join(dir, 'cluster', 'peer.key')).mode & 0o777, 0o600);

    const second = await createClusterAgent(opts(dir));
    await second.start();
    assert.equal(second.nodeId, id);
    assert.equal(second.counter('spend:vk1'), 1.25);
    assert.equal(second.counter('tokens:team'), 1000);
    assert.deepEqual(second.configEntries(), [['key:1', { budget: 10 }]]);
    assert.deepEqual(second.statsKeys(), []);
    // continues its own origin's total rather than starting from zero
    second.addCounter('spend:vk1', 0.75);
    assert.equal(second.counter('spend:vk1'), 2);
    // a later write wins over the persisted one (the clock moved past it)
    second.setConfig('key:1', { budget: 11 });
    assert.deepEqual(second.getConfig('key:1'), { budget: 11 });
    await second.stop();

    const third = await createClusterAgent(opts(dir));
    assert.equal(third.counter('spend:vk1'), 2);
    assert.deepEqual(third.getConfig('key:1'), { budget: 11 });
    await third.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('counters with expiresAt are garbage-collected after expiry, also on disk', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-cluster-'));
  try {
    const agent = await createClusterAgent(opts(dir));
    await agent.start();
    agent.addCounter('spend:2020-01', 5, Date.now() + 200);
    agent.addCounter('spend:forever', 1);
    assert.equal(agent.counter('spend:2020-01'), 5);
    await sleep(1400); // GC runs every second
    assert.equal(agent.counter('spend:2020-01'), 0);
    assert.deepEqual([...agent.counters('spend:')], [['spend:forever', 1]]);
    await agent.stop();
    const again = await createClusterAgent(opts(dir));
    assert.deepEqual([...again.counters('spend:')], [['spend:forever', 1]]);
    await again.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
