/**
 * Spend through real gateway nodes: a virtual key created on one node works on every node, spend recorded
 * on different nodes converges to the same total everywhere, a partition leaves both sides serving and
 * heals to one total, and a late joiner and a restarted node converge to it with nothing lost.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { aliveIds, launchGateway, runGateway, waitFor, type GatewayNode } from './helpers/gateway.js';
import { killAll } from './helpers/processes.js';

const KEY = randomBytes(32).toString('hex');
// Pricing override: "spend me" = 2 prompt tokens at $0.01 each = $0.02 per request, exactly.
const COST = 0.02;

describe('cluster-wide spend through real gateway nodes', { timeout: 120_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), 'sy-e2e-spend-'));
  const nodes: GatewayNode[] = [];
  let vk = '';
  let keyId = '';
  let sent = 0;
  const config = {
    logging: { level: 'warn' },
    pricing: { 'mock/echo': { input: 10_000, output: 0 } },
    cluster: { heartbeat_ms: 200, suspect_after_ms: 800, dead_after_ms: 2000, sync_interval_ms: 500 },
  };
  const env = { SWITCHYARD_TEST_HOOKS: '1' };

  const admin = (n: GatewayNode, path: string, init: RequestInit = {}) =>
    fetch(`${n.url}${path}`, { ...init, headers: { 'content-type': 'application/json', authorization: `Bearer ${n.spec.adminToken}`, ...(init.headers as object) } });

  async function spend(n: GatewayNode, count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      const r = await fetch(`${n.url}/v1/chat/completions`, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${vk}` },
        body: JSON.stringify({ model: 'mock/echo', messages: [{ role: 'user', content: 'spend me' }] }),
      });
      assert.equal(r.status, 200, await r.text());
      sent++;
    }
  }

  async function spentOn(n: GatewayNode): Promise<number> {
    const r = await admin(n, '/api/usage?group_by=key&granularity=day');
    const body = (await r.json()) as { data: Array<{ key: string; spend_usd: number }> };
    return body.data.filter((x) => x.key === keyId).reduce((s, x) => s + x.spend_usd, 0);
  }

  /** For a convergence failure: each node's member view and its last cluster log lines. */
  async function clusterViews(on: GatewayNode[]): Promise<string> {
    const views = await Promise.all(on.map(async (n) => {
      const members = await n.status().then((s) => s.members.map((m) => `${m.node_id.slice(-6)}:${m.state}`).join(' '), (e: Error) => e.message);
      const log = n.output().split('\n').filter((l) => l.includes('"component":"cluster"')).slice(-15).join('\n');
      return `--- ${n.spec.name} (${n.nodeId.slice(-6)}) sees ${members}\n${log}`;
    }));
    return views.join('\n');
  }

  async function converged(on: GatewayNode[], label: string): Promise<number> {
    const want = sent * COST;
    let last: number[] = [];
    try {
      return await waitFor(label, async () => {
        last = await Promise.all(on.map(spentOn));
        return last.every((x) => Math.abs(x - want) < 1e-9);
      }, 30_000, 100);
    } catch (err) {
      throw new Error(`${(err as Error).message}: want $${want.toFixed(2)}, nodes have ${last.map((x) => `$${x.toFixed(2)}`).join(', ')}\n${await clusterViews(on)}`);
    }
  }

  before(async () => {
    const n0 = await launchGateway(root, { name: 'node-0', clusterKey: KEY, config, env });
    nodes.push(n0);
    nodes.push(...await Promise.all([1, 2].map((i) => launchGateway(root, { name: `node-${i}`, clusterKey: KEY, seeds: [n0.seedAddress], config, env }))));
    const ids = nodes.map((n) => n.nodeId).sort();
    await waitFor('3 alive everywhere', async () => (await Promise.all(nodes.map((n) => n.status()))).every((s) => aliveIds(s).join() === ids.join()), 15_000);
    const created = await admin(n0, '/api/keys', { method: 'POST', body: JSON.stringify({ name: 'spender', budgets: [{ amountUsd: 100, period: '1d' }] }) });
    const body = (await created.json()) as { key: string; id: string };
    vk = body.key;
    keyId = body.id;
  });

  after(async () => {
    await killAll();
    rmSync(root, { recursive: true, force: true });
  });

  test('a key made on one node works everywhere; spend on different nodes converges to one total', async () => {
    // The key reaches the other nodes through the replicated config.
    await waitFor('key known on every node', async () => {
      const r = await Promise.all(nodes.map((n) => fetch(`${n.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${vk}` }, body: JSON.stringify({ model: 'mock/echo', messages: [{ role: 'user', content: 'spend me' }] }) })));
      sent += r.filter((x) => x.status === 200).length;
      return r.every((x) => x.status === 200);
    }, 10_000, 100);
    await spend(nodes[0]!, 5);
    await spend(nodes[1]!, 3);
    await spend(nodes[2]!, 2);
    const ms = await converged(nodes, 'spend converged on 3 nodes');
    console.log(`# spend of ${sent} requests on 3 nodes converged everywhere ${ms} ms after the last request`);
  });

  test('a partition leaves both sides serving; after healing all nodes agree', async () => {
    const [a, b, c] = nodes as [GatewayNode, GatewayNode, GatewayNode];
    const cut = async (n: GatewayNode, ids: string[]) => { const r = await fetch(`${n.url}/__test/partition`, { method: 'POST', body: JSON.stringify({ nodeIds: ids }) }); assert.equal(r.status, 200); };
    await cut(a, [c.nodeId]);
    await cut(b, [c.nodeId]);
    await cut(c, [a.nodeId, b.nodeId]);
    await spend(a, 4);
    await spend(c, 6);
    // Each side sees only its own spend while cut off.
    await new Promise((r) => setTimeout(r, 1500));
    const [sa, sc] = [await spentOn(a), await spentOn(c)];
    assert.ok(sa < sent * COST - 1e-9 && sc < sent * COST - 1e-9, `both sides already agree: ${sa} ${sc}`);
    await cut(a, []);
    await cut(b, []);
    await cut(c, []);
    const ms = await converged(nodes, 'spend converged after healing');
    console.log(`# after the partition healed all 3 nodes agreed on $${(sent * COST).toFixed(2)} within ${ms} ms`);
  });

  test('a late joiner and a restarted node converge to the same total, nothing lost', async () => {
    const [a, b] = nodes as [GatewayNode, GatewayNode];
    await b.stop('SIGTERM');
    await spend(a, 3);
    const late = await launchGateway(root, { name: 'node-3', clusterKey: KEY, seeds: [a.seedAddress], config, env });
    nodes.push(late);
    const restarted = await runGateway(b.spec);
    nodes[1] = restarted;
    assert.equal(restarted.nodeId, b.nodeId);
    await spend(restarted, 2);
    const ms = await converged(nodes, 'late joiner and restarted node converged');
    console.log(`# late joiner + restarted node: all 4 nodes agree on $${(sent * COST).toFixed(2)} (${sent} requests) within ${ms} ms`);
  });
});
