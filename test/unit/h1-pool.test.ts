/**
 * HTTP/1.1 upstream connections (src/providers/h1-pool.ts) against a real HTTP server: requests beyond the
 * connection limit wait their turn in order, freed connections are reused (the most recent first),
 * connections the server closes leave the pool, a refused connection fails its request without stranding
 * the ones waiting, and close() lets running and waiting requests finish.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { test } from 'node:test';
import type { Dispatcher } from 'undici';
import { GatewayError } from '../../src/core/errors.js';
import { H1Pool } from '../../src/providers/h1-pool.js';
import { HttpTransport } from '../../src/providers/transport.js';
import type { CallContext } from '../../src/providers/types.js';
import { freePort } from '../helpers/ports.js';

const call = (): CallContext => ({ signal: new AbortController().signal, requestId: 'test', upstreamStart: 0, upstreamEnd: 0 });

interface Upstream {
  origin: string;
  /** Sockets accepted so far, in order; each request's answer names the socket's index. */
  sockets: Socket[];
  /** Most requests the server had in progress at once. */
  peak: number;
  order: number[];
  close(): Promise<void>;
}

async function upstream(handle?: (req: IncomingMessage, res: ServerResponse, body: string) => void, delayMs = 0): Promise<Upstream> {
  const u = { sockets: [] as Socket[], peak: 0, order: [] as number[] } as Upstream;
  let running = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      running++;
      u.peak = Math.max(u.peak, running);
      const i = (JSON.parse(body || '{}') as { i?: number }).i;
      if (i !== undefined) u.order.push(i);
      setTimeout(() => {
        running--;
        if (handle) return handle(req, res, body);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ i, socket: u.sockets.indexOf(req.socket) }));
      }, delayMs);
    });
  });
  server.on('connection', (s) => u.sockets.push(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  u.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  u.close = () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); });
  return u;
}

const transport = (origin: string, maxConnections: number) => new HttpTransport({ provider: 'up', baseUrl: `${origin}/v1`, connectTimeoutMs: 2000, timeoutMs: 5000, maxConnections });
const h1Pool = (origin: string, maxConnections: number) => new H1Pool(origin, { maxConnections, connectTimeoutMs: 2000, timeoutMs: 5000, keepAliveTimeoutMs: 30_000 });

/** Runs `fn` with `client` (a transport or a pool to `u`), then closes both. */
async function using<C extends { close(): Promise<void> }>(u: Upstream, client: C, fn: (c: C) => Promise<void>): Promise<void> {
  try {
    await fn(client);
  } finally {
    await client.close();
    await u.close();
  }
}
const withTransport = (u: Upstream, maxConnections: number, fn: (t: HttpTransport) => Promise<void>) => using(u, transport(u.origin, maxConnections), fn);
const withPool = (u: Upstream, maxConnections: number, fn: (pool: H1Pool) => Promise<void>) => using(u, h1Pool(u.origin, maxConnections), fn);

const post = async (t: HttpTransport, i: number) => {
  const c = call();
  const res = await t.requestWhole('POST', '/chat/completions', { 'content-type': 'application/json' }, JSON.stringify({ i }), c);
  assert.equal(res.status, 200);
  return t.readJson<{ i: number; socket: number }>(res, c);
};

/** A raw exchange on the pool: resolves with the body text, rejects with the transport error. */
function exchange(pool: H1Pool, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart: () => {},
      onResponseStart: () => {},
      onResponseData: (_c, chunk) => { parts.push(chunk); },
      onResponseEnd: () => resolve(Buffer.concat(parts).toString()),
      onResponseError: (_c, err) => reject(err),
    };
    pool.dispatch({ method: 'POST', path: '/', headers: { 'content-type': 'application/json' }, body }, handler);
  });
}

test('300 concurrent requests over at most 20 connections: all answered, the waiting ones in order', async () => {
  const u = await upstream(undefined, 20);
  await withTransport(u, 20, async (t) => {
    const answers = await Promise.all(Array.from({ length: 300 }, (_, i) => post(t, i)));
    assert.deepEqual(answers.map((a) => a.i), Array.from({ length: 300 }, (_, i) => i));
    assert.equal(u.sockets.length, 20);
    assert.equal(u.peak, 20);
    // Requests beyond the limit start in the order they were made.
    assert.deepEqual(u.order.slice(20), Array.from({ length: 280 }, (_, i) => i + 20));
  });
});

test('sequential requests keep using one connection', async () => {
  const u = await upstream();
  await withTransport(u, 10, async (t) => {
    for (let i = 0; i < 20; i++) assert.equal((await post(t, i)).i, i);
    assert.equal(u.sockets.length, 1);
  });
});

test('20 callers sending back to back use 20 connections, not one more per response turn', async () => {
  const u = await upstream(undefined, 2);
  await withTransport(u, 1000, async (t) => {
    let n = 0;
    await Promise.all(Array.from({ length: 20 }, async () => { while (n < 600) await post(t, n++); }));
    assert.equal(u.sockets.length, 20);
  });
});

test('the most recently freed connection serves the next request', async () => {
  // Three requests on three connections, answered after 40, 80 and 10 ms: freed in the order 2, 0, 1.
  const u: Upstream = await upstream((req, res, body) => {
    const i = (JSON.parse(body) as { i: number }).i;
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ i, socket: u.sockets.indexOf(req.socket) }));
    }, [40, 80, 10][i] ?? 0);
  });
  await withTransport(u, 10, async (t) => {
    const burst = await Promise.all([0, 1, 2].map((i) => post(t, i)));
    assert.equal(new Set(burst.map((a) => a.socket)).size, 3);
    // undici frees a connection one event-loop turn after its response ended.
    await new Promise((r) => setImmediate(r));
    assert.equal((await post(t, 3)).socket, burst[1].socket);
    assert.equal(u.sockets.length, 3);
  });
});

test('a server that closes the connection right after answering: the next request goes out on a new one', async () => {
  // undici frees a connection one turn after its answer; by then it has seen the close, so nothing is sent on it.
  const u: Upstream = await upstream((req, res, body) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body, () => req.socket.destroy());
  });
  await withTransport(u, 1, async (t) => {
    for (let i = 0; i < 20; i++) assert.equal((await post(t, i)).i, i);
    assert.equal(u.sockets.length, 20);
  });
});

test('connections the server closes leave the pool; the next request opens a new one', async () => {
  const u = await upstream((_req, res, body) => {
    res.writeHead(200, { 'content-type': 'application/json', connection: 'close' });
    res.end(body);
  });
  await withPool(u, 4, async (pool) => {
    const got = await Promise.all(Array.from({ length: 8 }, (_, i) => exchange(pool, JSON.stringify({ i }))));
    assert.deepEqual(got.map((b) => (JSON.parse(b) as { i: number }).i), [0, 1, 2, 3, 4, 5, 6, 7]);
    assert.equal(u.sockets.length, 8, 'a closed connection is never reused');
    for (let i = 0; i < 50 && pool.size > 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(pool.size, 0);
    assert.equal(await exchange(pool, '{"i":9}'), '{"i":9}');
  });
});

test('after a burst, connections the server closes while idle are let go, not kept on the idle stack', async () => {
  const u = await upstream(undefined, 20);
  await withPool(u, 100, async (pool) => {
    await Promise.all(Array.from({ length: 40 }, (_, i) => exchange(pool, JSON.stringify({ i }))));
    for (let i = 0; i < 50 && pool.idleEntries < 40; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(pool.size, 40);
    assert.equal(pool.idleEntries, 40);
    // The server closes every idle connection (as a keep-alive timeout would).
    for (const s of u.sockets) s.destroy();
    for (let i = 0; i < 100 && pool.size > 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(pool.size, 0);
    assert.ok(pool.idleEntries <= 1, `${pool.idleEntries} closed connections still on the idle stack`);
    assert.equal(JSON.parse(await exchange(pool, '{"i":99}')).i, 99);
  });
});

test('a refused connection fails its request; requests waiting behind it are not stranded', async () => {
  const port = await freePort();
  const pool = h1Pool(`http://127.0.0.1:${port}`, 2);
  try {
    const results = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => exchange(pool, JSON.stringify({ i }))));
    assert.deepEqual(results.map((r) => r.status), Array(6).fill('rejected'));
    for (const r of results) assert.equal(((r as PromiseRejectedResult).reason as { code?: string }).code, 'ECONNREFUSED');
    assert.equal(pool.queued, 0);
    assert.equal(pool.size, 0);
  } finally {
    await pool.close();
  }
  // Through the transport: a 502 naming the provider.
  const t = transport(`http://127.0.0.1:${port}`, 2);
  try {
    await assert.rejects(post(t, 1), (err: unknown) => err instanceof GatewayError && err.status === 502 && /up: upstream connection failed \(ECONNREFUSED\)/.test(err.message));
  } finally {
    await t.close();
  }
});

test('close() lets running and waiting requests finish, then refuses new ones', async () => {
  const u = await upstream(undefined, 30);
  const pool = h1Pool(u.origin, 2);
  try {
    const running = Array.from({ length: 6 }, (_, i) => exchange(pool, JSON.stringify({ i })));
    assert.equal(pool.queued, 4);
    const closed = pool.close();
    assert.throws(() => pool.dispatch({ method: 'GET', path: '/' }, {}), /transport closed/);
    const bodies = await Promise.all(running);
    assert.deepEqual(bodies.map((b) => (JSON.parse(b) as { i: number }).i), [0, 1, 2, 3, 4, 5]);
    await closed;
    assert.equal(pool.size, 0);
  } finally {
    await u.close();
  }
});
