import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { after, test } from 'node:test';
import { Agent } from 'undici';
import { freePort } from '../lib/index.js';
import { Histogram, percentilesOf, runLoad, startLoadgen } from '../loadgen/index.js';
import { startMockProcess } from '../stack/index.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

async function server(handler: Handler): Promise<{ origin: string; server: Server }> {
  const s = createServer((req, res) => {
    req.resume();
    req.on('end', () => handler(req, res));
  });
  s.keepAliveTimeout = 10_000;
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const addr = s.address();
  return { origin: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`, server: s };
}

const agent = new Agent({ connections: 64, keepAliveTimeout: 4000 });
const servers: Server[] = [];
after(async () => {
  await agent.close();
  for (const s of servers) { s.closeAllConnections(); s.close(); }
});

async function serve(handler: Handler) {
  const s = await server(handler);
  servers.push(s.server);
  return s.origin;
}

const ok: Handler = (_req, res) => res.end('{"ok":true}');

test('open loop sends exactly rate x duration requests and counts warm-up separately', async () => {
  let received = 0;
  const origin = await serve((req, res) => { received++; ok(req, res); });
  const r = await runLoad({ target: { origin, path: '/x', body: '{}' }, mode: { kind: 'open', rps: 200 }, durationMs: 500, warmupMs: 200 }, agent);
  assert.equal(r.sent, 100);
  assert.equal(r.ok, 100);
  assert.equal(r.errors, 0);
  assert.equal(r.achievedRps, 200);
  assert.equal(r.totalCompleted, 140);
  assert.equal(received, 140);
  assert.equal(r.latency.count, 100);
  assert.equal(r.bytesReceived, 100 * '{"ok":true}'.length);
});

test('open loop counts latency from the scheduled time: a stalled generator shows up as latency, not as a gap', async () => {
  // The server runs in its own process, so that the stall below hits only the generator.
  const mock = await startMockProcess();
  after(() => mock.service.stop());
  const origin = mock.origin;
  // Block this process's event loop for 200 ms, 300 ms into a 1 s run at 100 rps: ~20 requests fall due
  // during the stall and are sent late. Their latency must include the wait (coordinated omission).
  setTimeout(() => { const until = Date.now() + 200; while (Date.now() < until); }, 300);
  const r = await runLoad({ target: { origin, path: '/v1/chat/completions', body: '{}' }, mode: { kind: 'open', rps: 100 }, durationMs: 1000 }, agent);
  assert.equal(r.sent, 100);
  assert.equal(r.ok, 100);
  const latency = Histogram.from(r.latency);
  const service = Histogram.from(r.service);
  assert.ok(latency.max >= 180_000, `max latency ${latency.max} µs should include the 200 ms stall`);
  assert.ok(latency.percentile(85) >= 50_000, `p85 ${latency.percentile(85)} µs: ~20 of 100 requests waited for the stall`);
  assert.ok(Histogram.from(r.sendLag).max >= 180_000, 'the generator reports its own lateness');
  assert.ok(service.percentile(85) < 50_000, `service time p85 ${service.percentile(85)} µs excludes the generator's stall`);
});

test('closed loop keeps exactly `concurrency` requests in flight', async () => {
  let inflight = 0;
  let maxInflight = 0;
  const origin = await serve((_req, res) => {
    inflight++;
    maxInflight = Math.max(maxInflight, inflight);
    setTimeout(() => { inflight--; res.end('ok'); }, 20);
  });
  const r = await runLoad({ target: { origin, path: '/x' }, mode: { kind: 'closed', concurrency: 4 }, durationMs: 600, connections: 4 }, new Agent({ connections: 4 }));
  assert.equal(maxInflight, 4);
  // At most 4 clients x 600 ms / 20 ms = 120 (+ a few in flight at the end); fewer on a busy machine.
  assert.ok(r.ok >= 40 && r.ok <= 124, `ok = ${r.ok}`);
  assert.equal(r.errors, 0);
  assert.ok(percentilesOf(r.latency).p50 >= 20_000, 'latency includes the server delay');
});

test('wrong status, refused connections and the recorded header are reported exactly', async () => {
  let n = 0;
  const origin = await serve((_req, res) => {
    n++;
    res.writeHead(n % 2 === 0 ? 503 : 200, { 'x-test-us': '1234' }).end('x');
  });
  const r = await runLoad({ target: { origin, path: '/x' }, mode: { kind: 'closed', concurrency: 1 }, durationMs: 200, recordHeader: 'x-test-us' }, agent);
  assert.equal(r.ok + r.errors, r.sent);
  assert.equal(r.errorsByKind.status_503, Math.floor(r.sent / 2));
  assert.equal(r.ok, Math.ceil(r.sent / 2));
  assert.deepEqual([percentilesOf(r.header!).p50, percentilesOf(r.header!).max], [1234, 1234]);

  const dead = `http://127.0.0.1:${await freePort()}`;
  const refused = await runLoad({ target: { origin: dead, path: '/x' }, mode: { kind: 'open', rps: 50 }, durationMs: 200 }, agent);
  assert.deepEqual([refused.sent, refused.ok, refused.errors, refused.errorsByKind], [10, 0, 10, { ECONNREFUSED: 10 }]);
});

test('the loadgen child process runs specs over IPC and exits on close', async () => {
  const origin = await serve(ok);
  const lg = await startLoadgen();
  const r = await lg.run({ target: { origin, path: '/x', body: '{}' }, mode: { kind: 'open', rps: 100 }, durationMs: 300 });
  assert.deepEqual([r.sent, r.ok, r.errors], [30, 30, 0]);
  await assert.rejects(lg.run({ target: { origin, path: '/x' }, mode: { kind: 'open', rps: 0 }, durationMs: 100 }), /rps > 0/);
  await lg.close();
  assert.throws(() => process.kill(lg.pid, 0), /ESRCH/);
});
