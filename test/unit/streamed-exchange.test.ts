/**
 * Streamed upstream answers (HttpTransport.request → StreamedExchange) against a real HTTP/1.1 server and a
 * real HTTP/2 (h2c) server, the same tests for both: chunks
 * arrive as the server writes them, a slow reader pauses the upstream socket instead of buffering without
 * bound, a reader that stops early closes the upstream connection, cancellation maps to 499, and a body
 * cut after the head surfaces as an error from the iterator.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { GatewayError } from '../../src/core/errors.js';
import { HttpTransport } from '../../src/providers/transport.js';
import type { CallContext } from '../../src/providers/types.js';

function callContext(controller = new AbortController()): CallContext {
  return { signal: controller.signal, requestId: 'test', upstreamStart: 0, upstreamEnd: 0 };
}

type Kind = 'http/1.1' | 'h2c';
/** The part of a response both servers' (compatibility) APIs share. */
interface Res {
  writeHead(status: number, headers: Record<string, string>): unknown;
  write(chunk: string): boolean;
  end(): unknown;
  once(event: 'drain', fn: () => void): unknown;
}
type Handler = (res: Res, closed: Promise<void>, cut: () => void) => void;
interface Served { close(): void; transport: HttpTransport; sessions: () => number }

async function serve(kind: Kind, handler: Handler): Promise<Served> {
  let sessions = 0;
  const onRequest = (req: { resume(): unknown; on(e: 'end', fn: () => void): unknown }, res: Res & { on(e: 'close', fn: () => void): unknown }, cut: () => void) => {
    const closed = new Promise<void>((r) => res.on('close', () => r()));
    req.resume();
    req.on('end', () => handler(res, closed, cut));
  };
  const server = kind === 'h2c'
    ? http2.createServer((req, res) => onRequest(req, res as never, () => res.stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR)))
    : createServer((req, res) => onRequest(req, res as never, () => res.socket?.destroy()));
  server.on(kind === 'h2c' ? 'session' : 'connection', () => { sessions++; });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const transport = new HttpTransport({
    provider: 'up', baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    connectTimeoutMs: 2000, timeoutMs: 5000, maxConnections: 4, http2: kind === 'h2c',
  });
  return {
    transport, sessions: () => sessions,
    close: () => {
      if ('closeAllConnections' in server) server.closeAllConnections();
      server.close();
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const kind of ['http/1.1', 'h2c'] as const) {
  test(`${kind}: chunks reach the reader as the upstream writes them`, async () => {
    const { close, transport } = await serve(kind, async (res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (let i = 0; i < 3; i++) { res.write(`data: ${i}\n\n`); await sleep(30); }
      res.end();
    });
    try {
      const t0 = performance.now();
      const res = await transport.request('POST', '/chat', {}, '{}', callContext());
      assert.equal(res.status, 200);
      assert.equal(res.headers['content-type'], 'text/event-stream');
      const seen: Array<{ text: string; at: number }> = [];
      for await (const c of res.body) seen.push({ text: Buffer.from(c).toString(), at: performance.now() - t0 });
      assert.equal(seen.map((s) => s.text).join(''), 'data: 0\n\ndata: 1\n\ndata: 2\n\n');
      // Not buffered until the end: the first chunk came well before the last one was written.
      assert.ok(seen[0].at < seen[seen.length - 1].at - 40, JSON.stringify(seen));
    } finally {
      await transport.close();
      close();
    }
  });

  test(`${kind}: a slow reader pauses the upstream: the server cannot finish writing before the reader catches up, and every byte arrives in order`, async () => {
    const chunk = 'x'.repeat(16 * 1024);
    const total = 2000; // 32 MB: more than loopback socket buffers hold
    let serverDoneAt = 0;
    const { close, transport } = await serve(kind, async (res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      for (let i = 0; i < total; i++) {
        if (!res.write(`${String(i).padStart(6, '0')}${chunk}`)) await new Promise<void>((r) => res.once('drain', () => r()));
      }
      res.end();
      serverDoneAt = performance.now();
    });
    try {
      const res = await transport.request('POST', '/big', {}, '{}', callContext());
      const parts: Buffer[] = [];
      let reads = 0;
      let slowPhaseEnd = 0;
      for await (const c of res.body) {
        parts.push(Buffer.from(c));
        // The first reads are slow (0.5 s in all); read without pausing, the server would be done in ~0.1 s.
        if (reads++ < 25) await sleep(20);
        else if (!slowPhaseEnd) slowPhaseEnd = performance.now();
      }
      const text = Buffer.concat(parts).toString();
      assert.equal(text.length, total * (6 + chunk.length));
      for (let i = 0; i < total; i += 97) assert.equal(text.slice(i * (6 + chunk.length), i * (6 + chunk.length) + 6), String(i).padStart(6, '0'));
      assert.ok(slowPhaseEnd > 0 && serverDoneAt > slowPhaseEnd, `the server finished writing ${(slowPhaseEnd - serverDoneAt).toFixed(0)} ms before the reader caught up: not paused`);
    } finally {
      await transport.close();
      close();
    }
  });

  test(`${kind}: a reader that stops early closes the upstream connection`, async () => {
    let serverSawClose!: Promise<void>;
    const { close, transport } = await serve(kind, (res, closed) => {
      serverSawClose = closed;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: first\n\n');
      const timer = setInterval(() => res.write('data: more\n\n'), 10);
      closed.then(() => clearInterval(timer));
    });
    try {
      const res = await transport.request('POST', '/chat', {}, '{}', callContext());
      for await (const c of res.body) {
        assert.match(Buffer.from(c).toString(), /first/);
        break;
      }
      await Promise.race([serverSawClose, sleep(2000).then(() => assert.fail('upstream connection left open'))]);
    } finally {
      await transport.close();
      close();
    }
  });

  test(`${kind}: cancelling the call mid-stream ends the read with 499 and closes the upstream connection`, async () => {
    let serverSawClose!: Promise<void>;
    const { close, transport } = await serve(kind, (res, closed) => {
      serverSawClose = closed;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: first\n\n');
    });
    const ac = new AbortController();
    const call = callContext(ac);
    try {
      const res = await transport.request('POST', '/chat', {}, '{}', call);
      const it = res.body[Symbol.asyncIterator]();
      assert.equal(Buffer.from((await it.next()).value as Uint8Array).toString(), 'data: first\n\n');
      const pending = it.next();
      ac.abort();
      const err = await pending.then(() => assert.fail('read went on after cancel'), (e: unknown) => transport.mapTransportError(e, call));
      assert.ok(err instanceof GatewayError);
      assert.equal(err.status, 499);
      await Promise.race([serverSawClose, sleep(2000).then(() => assert.fail('upstream connection left open'))]);
    } finally {
      await transport.close();
      close();
    }
  });

  test(`${kind}: a body cut after the head is an error from the iterator (a 502 naming the provider)`, async () => {
    const { close, transport } = await serve(kind, (res, _closed, cut) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: partial\n\n');
      setTimeout(cut, 20);
    });
    const call = callContext();
    try {
      const res = await transport.request('POST', '/chat', {}, '{}', call);
      const got: string[] = [];
      const err = await (async () => { for await (const c of res.body) got.push(Buffer.from(c).toString()); })().then(() => assert.fail('no error'), (e: unknown) => transport.mapTransportError(e, call));
      assert.deepEqual(got, ['data: partial\n\n']);
      assert.equal(err.status, 502);
      assert.equal(err.code, 'upstream_connection_error');
      assert.match(err.message, /^up: /);
    } finally {
      await transport.close();
      close();
    }
  });

  test(`${kind}: an upstream that never answers the head times out as 504`, async () => {
    const { close, transport } = await serve(kind, () => { /* never answers */ });
    const call = { ...callContext(), firstByteTimeoutMs: 150 };
    try {
      const err = await transport.request('POST', '/chat', {}, '{}', call).then(() => assert.fail('answered'), (e: unknown) => e as GatewayError);
      assert.equal(err.status, 504);
      assert.equal(err.code, 'upstream_timeout');
    } finally {
      await transport.close();
      close();
    }
  });
}
