/**
 * Large bodies give way between their costly steps (src/core/give-way.ts): the pipeline before routing
 * and serialisation, the transport before encoding and writing the upstream body. Checked by the order
 * against an immediate scheduled first (what the worker's pending I/O would run as), against a real
 * HTTP upstream; a request cancelled while it gives way sends nothing upstream.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { LARGE_BODY_BYTES, RequestState, route, type GatewayState } from '../../src/core/index.js';
import { HttpTransport } from '../../src/providers/transport.js';
import type { CallContext } from '../../src/providers/types.js';
import type { Router } from '../../src/router/index.js';

function gatewayRecording(order: string[]): GatewayState {
  const router = { execute: async () => { order.push('execute'); } } as unknown as Router;
  return { providers: new Map(), aliases: {}, router };
}

async function routeOrder(largeBody: boolean): Promise<string[]> {
  const order: string[] = [];
  const st = new RequestState('req-1', 'chat');
  st.largeBody = largeBody;
  setImmediate(() => order.push('immediate'));
  await route(gatewayRecording(order), st, { model: 'up/m' }, async () => {});
  await new Promise((r) => setImmediate(r));
  return order;
}

test('route(): a request with a large body lets pending work run before routing; others route at once', async () => {
  assert.deepEqual(await routeOrder(true), ['immediate', 'execute']);
  assert.deepEqual(await routeOrder(false), ['execute', 'immediate']);
});

async function upstream(): Promise<{ origin: string; bodies: string[]; close(): Promise<void> }> {
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => { body += d; });
    req.on('end', () => {
      bodies.push(body);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, bodies,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

/** Dispatch order of one transport call against an immediate scheduled just before it. */
async function transportOrder(t: HttpTransport, body: string, c: CallContext): Promise<string[]> {
  const order: string[] = [];
  const target = t as unknown as { dispatch: (...a: unknown[]) => void };
  const dispatch = target.dispatch.bind(t);
  target.dispatch = (...a: unknown[]) => { order.push('dispatch'); dispatch(...a); };
  try {
    setImmediate(() => order.push('immediate'));
    const res = await t.requestWhole('POST', '/chat/completions', { 'content-type': 'application/json' }, body, c);
    assert.equal(res.status, 200);
    assert.deepEqual(await t.readJson(res, c), { ok: true });
    return order;
  } finally {
    target.dispatch = dispatch;
  }
}

const call = (signal = new AbortController().signal): CallContext => ({ signal, requestId: 'test', upstreamStart: 0, upstreamEnd: 0 });

test('transport: a large upstream body is written after pending work ran, intact; a small one at once', async () => {
  const u = await upstream();
  const t = new HttpTransport({ provider: 'up', baseUrl: `${u.origin}/v1`, connectTimeoutMs: 2000, timeoutMs: 5000, maxConnections: 4 });
  try {
    const large = JSON.stringify({ messages: [{ role: 'user', content: 'héllo '.repeat(LARGE_BODY_BYTES / 5) }] });
    assert.deepEqual(await transportOrder(t, large, call()), ['immediate', 'dispatch']);
    assert.equal(u.bodies[0], large);
    assert.deepEqual(await transportOrder(t, '{"messages":[]}', call()), ['dispatch', 'immediate']);
  } finally {
    await t.close();
    await u.close();
  }
});

test('transport: a request cancelled while its large body gives way never reaches the upstream', async () => {
  const u = await upstream();
  const t = new HttpTransport({ provider: 'up', baseUrl: `${u.origin}/v1`, connectTimeoutMs: 2000, timeoutMs: 5000, maxConnections: 4 });
  try {
    const ac = new AbortController();
    const pending = t.requestWhole('POST', '/chat/completions', {}, 'x'.repeat(LARGE_BODY_BYTES), call(ac.signal));
    ac.abort();
    await assert.rejects(pending);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(u.bodies.length, 0);
  } finally {
    await t.close();
    await u.close();
  }
});
