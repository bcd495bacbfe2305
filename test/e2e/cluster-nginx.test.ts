/**
 * Three real Switchyard nodes behind a real nginx configured from deploy/nginx/switchyard.conf. Under
 * steady load through nginx one node is SIGKILLed: only requests that were on that node may fail, the
 * cluster marks it dead, and once restarted it is alive again in the cluster and nginx sends it traffic.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { aliveIds, cliClusterStatus, launchGateway, runGateway, sleep, waitFor, type GatewayNode } from './helpers/gateway.js';
import { startLoad } from './helpers/load.js';
import { startNginx, type AccessLogEntry, type NginxHandle } from './helpers/nginx.js';
import { killAll } from './helpers/processes.js';

const KEY = randomBytes(32).toString('hex');
const TIMINGS = { heartbeat_ms: 200, suspect_after_ms: 800, dead_after_ms: 2000, sync_interval_ms: 1000 };
const CONFIG = {
  logging: { level: 'warn' },
  providers: { mock: { latency_ms: 20 } },
  cluster: TIMINGS,
};

const addr = (n: GatewayNode) => `127.0.0.1:${n.spec.port}`;
/** Every node nginx tried for a request, in order. */
const tried = (e: AccessLogEntry) => e.upstream.split(/,\s*/).filter(Boolean);

describe('a three-node cluster behind nginx', { timeout: 120_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), 'sy-e2e-nginx-'));
  const nodes: GatewayNode[] = [];
  let nginx: NginxHandle;

  before(async () => {
    const n0 = await launchGateway(root, { name: 'node-0', clusterKey: KEY, config: CONFIG });
    nodes.push(n0);
    nodes.push(...await Promise.all([1, 2].map((i) => launchGateway(root, { name: `node-${i}`, clusterKey: KEY, seeds: [n0.seedAddress], config: CONFIG }))));
    const ids = nodes.map((n) => n.nodeId).sort();
    await waitFor('3 alive members on every node', async () => (await Promise.all(nodes.map((n) => n.status()))).every((s) => aliveIds(s).join() === ids.join()), 15_000);
    const dir = join(root, 'nginx');
    mkdirSync(dir);
    nginx = await startNginx(dir, nodes.map((n) => n.spec.port));
  });

  after(async () => {
    await nginx?.stop();
    await killAll();
    rmSync(root, { recursive: true, force: true });
  });

  test('nginx spreads requests over all three nodes and passes streams through unbuffered', async () => {
    const ids = Array.from({ length: 30 }, (_, i) => `spread-${i}`);
    await Promise.all(ids.map(async (id) => {
      const r = await fetch(`${nginx.url}/v1/chat/completions`, {
        method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': id },
        body: JSON.stringify({ model: 'mock/echo', messages: [{ role: 'user', content: 'hi' }] }),
      });
      assert.equal(r.status, 200);
      // The gateway sees nginx's x-request-id, which is the client's own.
      assert.equal(r.headers.get('x-request-id'), id);
      await r.arrayBuffer();
    }));
    const log = nginx.accessLog().filter((e) => ids.includes(e.request_id));
    assert.equal(log.length, 30);
    assert.deepEqual([...new Set(log.map((e) => e.upstream))].sort(), nodes.map(addr).sort());

    const r = await fetch(`${nginx.url}/v1/chat/completions`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mock/echo', stream: true, messages: [{ role: 'user', content: 'stream through nginx' }] }),
    });
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /^text\/event-stream/);
    const text = await r.text();
    const events = text.split('\n\n').filter((e) => e.startsWith('data: '));
    assert.ok(events.length >= 3, `only ${events.length} events`);
    assert.equal(events.at(-1), 'data: [DONE]');
  });

  test('SIGKILL one node under load: only its in-flight requests fail; it is marked dead, then rejoins and gets traffic again', async () => {
    const victim = nodes[1]!;
    const survivors = [nodes[0]!, nodes[2]!];
    const victimAddr = addr(victim);
    const load = startLoad(nginx.url, { concurrency: 4, gapMs: 25, model: 'mock/echo' });

    await sleep(1500);
    const killAt = Date.now();
    victim.proc.kill('SIGKILL');
    await victim.exited;
    // The kernel closes the node's sockets somewhere between these two moments.
    const diedAt = Date.now();

    // When every survivor first reported the killed node suspect (or already dead), and dead.
    const seen: { suspect?: number; dead?: number } = {};
    await waitFor('the survivors see the killed node dead', async () => {
      const states = (await Promise.all(survivors.map((n) => n.status()))).map((s) => s.members.find((m) => m.node_id === victim.nodeId)?.state);
      if (states.every((st) => st === 'suspect' || st === 'dead')) seen.suspect ??= Date.now() - killAt;
      if (states.every((st) => st === 'dead')) seen.dead = Date.now() - killAt;
      return seen.dead !== undefined;
    }, 10_000, 20);

    const restartAt = Date.now();
    const back = await runGateway(victim.spec);
    nodes[1] = back;
    const readyAt = Date.now();
    assert.equal(back.nodeId, victim.nodeId);
    const ids = nodes.map((n) => n.nodeId).sort();
    const aliveMs = await waitFor('all three alive again on every node', async () => (await Promise.all(nodes.map((n) => n.status()))).every((s) => aliveIds(s).join() === ids.join()), 15_000);

    // nginx takes the node back once fail_timeout has passed and a live request to it succeeds.
    const servedByVictimAgain = () => {
      const after = new Set(load.records.filter((r) => r.start >= readyAt && r.status === 200).map((r) => r.id));
      return nginx.accessLog().find((e) => after.has(e.request_id) && tried(e).join() === victimAddr);
    };
    const backMs = await waitFor('nginx sends the restarted node traffic again', () => servedByVictimAgain() !== undefined, 15_000, 50);
    await sleep(300);
    const records = await load.stop();

    for (const n of nodes) {
      const s = await cliClusterStatus(n);
      assert.deepEqual(s.members.filter((m) => m.state === 'alive').map((m) => m.node_id).sort(), ids);
    }

    const log = new Map(nginx.accessLog().map((e) => [e.request_id, e]));
    const failed = records.filter((r) => r.status !== 200);
    // In flight while the node died: sent before it was gone, not answered before it was killed.
    const inFlightAtDeath = records.filter((r) => r.start <= diedAt && r.end >= killAt);
    const sentBeforeKill = records.filter((r) => r.start < killAt);
    const outage = records.filter((r) => r.start >= killAt && r.start < readyAt);
    const moved = records.filter((r) => { const e = log.get(r.id); return r.status === 200 && e !== undefined && tried(e).length > 1; });
    const duration = Math.max(...records.map((r) => r.end)) - Math.min(...records.map((r) => r.start));
    const onVictim = inFlightAtDeath.filter((r) => log.get(r.id)?.upstream.startsWith(victimAddr));
    console.log(`# ${records.length} requests through nginx in ${duration} ms; ${inFlightAtDeath.length} in flight while node-1 was SIGKILLed `
      + `(${diedAt - killAt} ms from kill() to exit), ${onVictim.length} of them handed to node-1`);
    console.log(`# survivors saw node-1 suspect ${seen.suspect} ms and dead ${seen.dead} ms after the SIGKILL (suspect_after_ms ${TIMINGS.suspect_after_ms}, dead_after_ms ${TIMINGS.dead_after_ms}); `
      + `restarted node ready ${readyAt - restartAt} ms after launch, alive everywhere ${aliveMs} ms later, back in nginx rotation ${backMs} ms after ready`);
    console.log(`# ${moved.length} requests moved to another node by nginx (node-1 refused the connection); ${failed.length} failed: `
      + failed.map((r) => { const e = log.get(r.id); return `${r.id} ${r.status || r.error} via ${e ? `${e.upstream} (${e.upstream_status})` : 'no log line'}`; }).join('; '));

    assert.ok(records.length >= 300, `only ${records.length} requests`);
    assert.ok(sentBeforeKill.length >= 50 && outage.length >= 20, `load was not steady: ${sentBeforeKill.length} before the kill, ${outage.length} during the outage`);
    // Every failure is a request nginx had already handed to node-1: a POST that reached a node is never
    // resent (a completion may already be running upstream), so the client gets nginx's 502. Requests
    // nginx could not hand over (connection refused) moved to another node and succeeded.
    for (const r of failed) {
      const e = log.get(r.id);
      assert.ok(e, `failed request ${r.id} (${r.status || r.error}) is not in nginx's log`);
      assert.deepEqual(tried(e), [victimAddr], `failed request ${r.id} did not fail on node-1: ${e.upstream}`);
      assert.equal(r.status, 502);
      assert.ok(inFlightAtDeath.includes(r), `failed request ${r.id} was not in flight when node-1 died (sent ${r.start - killAt} ms after the kill)`);
    }
    // Nothing was served by node-1 while it was down.
    for (const r of outage) {
      const e = log.get(r.id);
      if (r.status === 200 && e && r.end < restartAt) assert.notEqual(tried(e).at(-1), victimAddr);
    }
  });
});
