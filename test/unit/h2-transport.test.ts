/**
 * HTTP/2 upstreams (HttpTransport with `http2: true`, see src/providers/h2-dispatcher.ts) against a real
 * h2c server: many concurrent requests share one session, a GOAWAY from the server is survived by opening a
 * new session, the peer's stream limit opens more sessions, and an origin that refuses connections is a 502.
 */
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { GatewayError } from '../../src/core/errors.js';
import { HttpTransport } from '../../src/providers/transport.js';
import type { CallContext } from '../../src/providers/types.js';
import { freePort } from '../helpers/ports.js';

const call = (): CallContext => ({ signal: new AbortController().signal, requestId: 'test', upstreamStart: 0, upstreamEnd: 0 });

async function h2Server(opts: { maxConcurrentStreams?: number; delayMs?: number } = {}) {
  const sessions: http2.ServerHttp2Session[] = [];
  const server = http2.createServer({ settings: { maxConcurrentStreams: opts.maxConcurrentStreams ?? 1000 } }, (req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json', 'x-path': req.url });
      res.end(JSON.stringify({ echo: JSON.parse(body), method: req.method }));
    }, opts.delayMs ?? 0));
  });
  server.on('session', (s) => sessions.push(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const transport = new HttpTransport({
    provider: 'up', baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    connectTimeoutMs: 2000, timeoutMs: 5000, maxConnections: 8, http2: true,
  });
  return {
    sessions, transport,
    async close() {
      await transport.close();
      for (const s of sessions) s.destroy();
      server.close();
    },
  };
}

const post = async (t: HttpTransport, i: number) => {
  const c = call();
  const res = await t.requestWhole('POST', '/chat/completions', { 'content-type': 'application/json', connection: 'keep-alive' }, JSON.stringify({ i }), c);
  assert.equal(res.status, 200);
  assert.equal(res.headers['x-path'], '/v1/chat/completions');
  return t.readJson<{ echo: { i: number }; method: string }>(res, c);
};

test('300 concurrent requests share one HTTP/2 session, each gets its own answer', async () => {
  const s = await h2Server({ delayMs: 50 });
  try {
    const answers = await Promise.all(Array.from({ length: 300 }, (_, i) => post(s.transport, i)));
    assert.deepEqual(answers.map((a) => a.echo.i), Array.from({ length: 300 }, (_, i) => i));
    assert.ok(answers.every((a) => a.method === 'POST'));
    assert.equal(s.sessions.length, 1);
  } finally {
    await s.close();
  }
});

test('a peer limit of 10 concurrent streams opens more sessions (up to max_connections) instead of failing', async () => {
  const s = await h2Server({ maxConcurrentStreams: 10, delayMs: 30 });
  try {
    await post(s.transport, -1); // learn the peer's settings
    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => post(s.transport, i)));
    assert.equal(answers.length, 60);
    assert.ok(s.sessions.length >= 2 && s.sessions.length <= 8, `${s.sessions.length} sessions`);
  } finally {
    await s.close();
  }
});

test('after the server sends GOAWAY, the next request opens a new session', async () => {
  const s = await h2Server();
  try {
    assert.equal((await post(s.transport, 1)).echo.i, 1);
    s.sessions[0].goaway();
    await new Promise((r) => setTimeout(r, 50));
    assert.equal((await post(s.transport, 2)).echo.i, 2);
    assert.equal(s.sessions.length, 2);
  } finally {
    await s.close();
  }
});

test('an origin that refuses connections is a 502 naming the provider', async () => {
  const port = await freePort();
  const t = new HttpTransport({ provider: 'up', baseUrl: `http://127.0.0.1:${port}/v1`, connectTimeoutMs: 1000, timeoutMs: 2000, maxConnections: 2, http2: true });
  try {
    const err = await t.requestWhole('POST', '/x', {}, '{}', call()).then(() => assert.fail('answered'), (e: unknown) => e as GatewayError);
    assert.ok(err instanceof GatewayError);
    assert.equal(err.status, 502);
    assert.equal(err.code, 'upstream_connection_error');
    assert.match(err.message, /^up: .*ECONNREFUSED/);
  } finally {
    await t.close();
  }
});
