/**
 * Three real Switchyard nodes (`switchyard start`, one process each) on 127.0.0.1 form a cluster from one
 * seed, share one upstream outage seen by one node, keep out a node with the wrong cluster key, and take
 * back a restarted node under its old id. The nodes share one fake OpenAI upstream; everything else is real.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startOpenAIMock, type OpenAIMock } from '../mocks/index.js';
import { aliveIds, cliClusterStatus, launchGateway, runGateway, sleep, waitFor, type GatewayNode } from './helpers/gateway.js';
import { killAll } from './helpers/processes.js';

const KEY = randomBytes(32).toString('hex');
const OUTAGE_MODEL = 'outage-model';
const OUTAGE_DEPLOYMENT = `up/${OUTAGE_MODEL}`;

describe('a three-node cluster of real gateway processes', { timeout: 90_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), 'sy-e2e-nodes-'));
  let mock: OpenAIMock;
  const nodes: GatewayNode[] = [];
  let config: Record<string, unknown>;

  before(async () => {
    mock = await startOpenAIMock();
    config = {
      logging: { level: 'warn' },
      providers: { up: { type: 'custom', base_url: mock.url, api_key: 'e2e-upstream-key' } },
      // No retries, so one client request is one upstream call; a long cooldown keeps the circuit open
      // while the test reads every node.
      routing: { retries: 0, breaker: { consecutive_failures: 3, min_calls: 1000, cooldown_ms: 60_000 } },
      cluster: { heartbeat_ms: 200, suspect_after_ms: 800, dead_after_ms: 2000, sync_interval_ms: 1000 },
    };
    const n0 = await launchGateway(root, { name: 'node-0', clusterKey: KEY, config });
    nodes.push(n0);
    // Only node-0 is a seed: the others learn about each other through it.
    nodes.push(...await Promise.all([1, 2].map((i) => launchGateway(root, { name: `node-${i}`, clusterKey: KEY, seeds: [n0.seedAddress], config }))));
  });

  after(async () => {
    await killAll();
    await mock?.close();
    rmSync(root, { recursive: true, force: true });
  });

  test('nodes seeded only with node-0 all see 3 alive members in `switchyard cluster status --json`', async () => {
    const ids = nodes.map((n) => n.nodeId).sort();
    assert.equal(new Set(ids).size, 3);
    const ms = await waitFor('every node sees the same 3 alive members', async () => {
      const views = await Promise.all(nodes.map((n) => n.status()));
      return views.every((v) => aliveIds(v).join() === ids.join());
    }, 15_000);
    console.log(`# cluster of 3 formed ${ms} ms after the last node was ready`);
    for (const n of nodes) {
      const s = await cliClusterStatus(n);
      assert.equal(s.node_id, n.nodeId);
      assert.equal(s.networked, true);
      assert.deepEqual(s.members.map((m) => m.node_id).sort(), ids);
      assert.deepEqual(s.members.map((m) => m.state), ['alive', 'alive', 'alive']);
      assert.deepEqual(s.members.filter((m) => m.self).map((m) => m.node_id), [n.nodeId]);
      assert.equal(s.members.find((m) => m.self)!.http_address, n.url);
    }
  });

  test('an upstream outage seen only by node-0 opens the circuit on every node', async () => {
    const [a] = nodes;
    mock.setFaults([{ match: { model: OUTAGE_MODEL }, status: 503 }]);
    const statuses: number[] = [];
    // Only node-0 sends traffic to the failing deployment; the other nodes learn of it through gossip.
    for (let i = 0; i < 5; i++) {
      const r = await fetch(`${a!.url}/v1/chat/completions`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: OUTAGE_DEPLOYMENT, messages: [{ role: 'user', content: 'are you there?' }] }),
      });
      await r.arrayBuffer();
      statuses.push(r.status);
    }
    const upstreamCalls = mock.requests.filter((r) => r.body?.model === OUTAGE_MODEL);
    assert.ok(upstreamCalls.length >= 3, `only ${upstreamCalls.length} upstream calls reached the mock`);
    assert.ok(statuses.every((s) => s >= 500), `statuses ${statuses.join()}`);
    const firstFailure = upstreamCalls[0]!.receivedAt;

    const seenOpen: number[] = [];
    await waitFor(`circuit of ${OUTAGE_DEPLOYMENT} open on every node`, async () => {
      const views = await Promise.all(nodes.map((n) => n.status()));
      views.forEach((v, i) => { if (v.routing[OUTAGE_DEPLOYMENT]?.circuit === 'open') seenOpen[i] ??= Date.now(); });
      return views.every((v) => v.routing[OUTAGE_DEPLOYMENT]?.circuit === 'open');
    }, 10_000, 20);
    const views = await Promise.all(nodes.map((n) => n.status()));
    const since = views.map((v) => v.routing[OUTAGE_DEPLOYMENT]!.since!);
    for (const v of views) {
      assert.equal(v.routing[OUTAGE_DEPLOYMENT]!.circuit, 'open');
      assert.ok(v.routing[OUTAGE_DEPLOYMENT]!.errors >= 3, `errors ${v.routing[OUTAGE_DEPLOYMENT]!.errors}`);
    }
    const spreadMs = Math.max(...since) - firstFailure;
    console.log(`# circuit open: first failure -> open on node-0 ${since[0]! - firstFailure} ms, on the last node ${spreadMs} ms `
      + `(as polled: ${Math.max(...seenOpen) - firstFailure} ms); goal < 1000 ms`);
    assert.ok(spreadMs < 1000, `the last node opened the circuit ${spreadMs} ms after the first failure`);
    mock.setFaults([]);
  });

  test('a node with the wrong cluster key never appears in the members of the others', async () => {
    const intruder = await launchGateway(root, {
      name: 'intruder', clusterKey: randomBytes(32).toString('hex'), seeds: [nodes[0]!.seedAddress], config,
    });
    // Ten heartbeat periods: long enough for a node with the right key to be seen by everyone.
    await sleep(2000);
    for (const n of nodes) {
      const s = await n.status();
      assert.ok(!s.members.some((m) => m.node_id === intruder.nodeId), `${n.spec.name} lists the intruder`);
      assert.equal(s.members.length, 3);
    }
    const own = await intruder.status();
    assert.deepEqual(own.members.map((m) => m.node_id), [intruder.nodeId]);
    await intruder.stop();
  });

  test('a node stopped and restarted with the same data dir rejoins under the same node id', async () => {
    const old = nodes[2]!;
    const others = nodes.slice(0, 2);
    await old.stop();
    await waitFor('the others see node-2 leave', async () => {
      const views = await Promise.all(others.map((n) => n.status()));
      return views.every((v) => v.members.find((m) => m.node_id === old.nodeId)?.state !== 'alive');
    }, 10_000);
    const back = await runGateway(old.spec);
    nodes[2] = back;
    assert.equal(back.nodeId, old.nodeId);
    const ids = nodes.map((n) => n.nodeId).sort();
    const ms = await waitFor('every node sees node-2 alive again, under its old id', async () => {
      const views = await Promise.all(nodes.map((n) => n.status()));
      return views.every((v) => aliveIds(v).join() === ids.join() && v.members.length === 3);
    }, 15_000);
    console.log(`# restarted node alive everywhere ${ms} ms after it was ready`);
  });
});
