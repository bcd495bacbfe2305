/**
 * Upstream transport behaviour that needs a hand-controlled upstream: a client that goes away cancels
 * the upstream request, a slow client pushes back all the way to the upstream instead of the gateway
 * buffering the stream, and /metrics shows the connections to a provider and the requests waiting for one.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { after, before, test } from 'node:test';
import { sample, scrape } from '../helpers/metrics.js';
import { startNode, type NodeHandle } from '../helpers/node-process.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
let handler: Handler = (_req, res) => res.end();
let upstream: Server;
let node: NodeHandle;

before(async () => {
  upstream = createServer((req, res) => handler(req, res));
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  const port = (upstream.address() as { port: number }).port;
  node = await startNode({
    workers: 1,
    config: {
      providers: {
        up: { type: 'custom', base_url: `http://127.0.0.1:${port}/v1` },
        capped: { type: 'custom', base_url: `http://127.0.0.1:${port}/v1`, max_connections: 3 },
      },
      routing: { retries: 0 },
    },
  });
});
after(async () => {
  await node.stop();
  upstream.closeAllConnections();
  await new Promise((r) => upstream.close(r));
});

const chunk = (content: string) => `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;
const body = (stream: boolean) => JSON.stringify({ model: 'up/m', stream, messages: [{ role: 'user', content: 'hi' }] });

function upstreamClosed(): Promise<number> {
  return new Promise((resolve) => {
    handler = (req, res) => {
      req.resume();
      res.on('close', () => resolve(Date.now()));
      // Stream forever: the client will go away.
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const t = setInterval(() => res.write(chunk('tick ')), 30);
      res.on('close', () => clearInterval(t));
    };
  });
}

test('a client that disconnects mid-stream cancels the upstream request', async () => {
  const closed = upstreamClosed();
  const ac = new AbortController();
  const res = await fetch(`${node.url}/v1/chat/completions`, { method: 'POST', body: body(true), signal: ac.signal, headers: { 'content-type': 'application/json' } });
  const reader = res.body!.getReader();
  await reader.read();
  const abortedAt = Date.now();
  ac.abort();
  const closedAt = await closed;
  assert.ok(closedAt - abortedAt < 1000, `upstream closed ${closedAt - abortedAt} ms after the client left`);
});

test('a client that disconnects while waiting cancels the upstream request', async () => {
  const closed = new Promise<number>((resolve) => {
    handler = (req, res) => { req.resume(); res.on('close', () => resolve(Date.now())); /* never answers */ };
  });
  const ac = new AbortController();
  const p = fetch(`${node.url}/v1/chat/completions`, { method: 'POST', body: body(false), signal: ac.signal, headers: { 'content-type': 'application/json' } });
  await new Promise((r) => setTimeout(r, 200));
  const abortedAt = Date.now();
  ac.abort();
  await assert.rejects(p);
  const closedAt = await closed;
  assert.ok(closedAt - abortedAt < 1000, `upstream closed ${closedAt - abortedAt} ms after the client left`);
});

test('a slow client pushes back to the upstream; the gateway does not buffer the stream', async () => {
  const piece = chunk('x'.repeat(64 * 1024));
  const total = 400 * 1024 * 1024;
  let written = 0;
  let upstreamDone = false;
  handler = (req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const pump = () => {
      while (written < total) {
        written += piece.length;
        if (!res.write(piece)) { res.once('drain', pump); return; }
      }
      upstreamDone = true;
      res.end('data: [DONE]\n\n');
    };
    res.on('close', () => { upstreamDone = true; });
    pump();
  };
  // A raw client that sends the request and then reads nothing.
  const sock = connect(node.port, '127.0.0.1');
  await new Promise<void>((r) => sock.once('connect', () => r()));
  const b = body(true);
  sock.write(`POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(b)}\r\n\r\n${b}`);
  sock.pause();
  await new Promise((r) => setTimeout(r, 2000));
  const rss = await (await fetch(`${node.url}/metrics`)).text();
  const resident = Number(/^switchyard_process_resident_memory_bytes (\S+)/m.exec(rss)?.[1]);
  sock.destroy();
  assert.ok(!upstreamDone, 'the upstream was able to send the whole stream into a client that reads nothing');
  assert.ok(written < 64 * 1024 * 1024, `upstream wrote ${(written / 1048576).toFixed(1)} MiB into a stalled client`);
  assert.ok(resident < 400 * 1024 * 1024, `node RSS ${(resident / 1048576).toFixed(0)} MiB`);
});

test('/metrics shows the open upstream connections and the requests waiting for one past max_connections', async () => {
  const held: ServerResponse[] = [];
  handler = (req, res) => { req.resume(); held.push(res); };
  const capped = JSON.stringify({ model: 'capped/m', messages: [{ role: 'user', content: 'hi' }] });
  const calls = Array.from({ length: 5 }, () => fetch(`${node.url}/v1/chat/completions`, { method: 'POST', body: capped, headers: { 'content-type': 'application/json' } }));
  const gauges = async () => {
    const text = await scrape(node.url);
    return { open: sample(text, 'switchyard_upstream_connections', { provider: 'capped' }), waiting: sample(text, 'switchyard_upstream_waiting_requests', { provider: 'capped' }) };
  };
  let g = await gauges();
  for (let i = 0; i < 100 && (held.length < 3 || g.waiting < 2); i++) {
    await new Promise((r) => setTimeout(r, 20));
    g = await gauges();
  }
  assert.deepEqual(g, { open: 3, waiting: 2 });
  assert.equal(held.length, 3, 'no more than max_connections requests reach the upstream');
  // Answer everything as it arrives: the waiting requests go out on the freed connections.
  const answer = (res: ServerResponse) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: 'x', object: 'chat.completion', created: 0, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }] }));
  };
  handler = (req, res) => { req.resume(); answer(res); };
  held.splice(0).forEach(answer);
  const statuses = (await Promise.all(calls)).map((r) => r.status);
  assert.deepEqual(statuses, [200, 200, 200, 200, 200]);
  assert.deepEqual(await gauges(), { open: 3, waiting: 0 });
});
