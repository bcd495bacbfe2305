/**
 * The buffered upstream path that every non-streaming call takes (undici dispatch, body collected whole)
 * and the byte passthrough of OpenAI-format answers: the client gets the upstream's JSON text exactly as
 * sent, the overhead header leaves the upstream's time out, and timeouts and client disconnects still
 * reach the upstream. The upstream here is a plain node:http server answering in OpenAI's chat
 * completion format, with formatting a re-serialiser would change (spacing, key order, escapes).
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { startNode, type NodeHandle } from '../helpers/node-process.js';

// Hand-written on purpose: spaces after colons, "usage" before "choices", an escaped non-ASCII character.
const UPSTREAM_BODY = '{"id": "chatcmpl-pass1", "object": "chat.completion", "created": 1732406400, "model": "gpt-4o-mini-2024-07-18",'
  + ' "usage": {"prompt_tokens": 5, "completion_tokens": 3, "total_tokens": 8},'
  + ' "choices": [{"index": 0, "message": {"role": "assistant", "content": "caf\\u00e9 \\"ok\\"", "refusal": null}, "logprobs": null, "finish_reason": "stop"}],'
  + ' "system_fingerprint": "fp_pass", "service_tier": "default"}';

let upstream: Server;
let node: NodeHandle;
/** Per model: how long the upstream waits before answering. */
const DELAYS: Record<string, number> = { 'fast': 0, 'slow': 300, 'hang': 5000 };
const closedEarly: string[] = [];

function answer(req: IncomingMessage, res: ServerResponse): void {
  const parts: Buffer[] = [];
  req.on('data', (c: Buffer) => parts.push(c));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(parts).toString('utf8')) as { model: string };
    const timer = setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(UPSTREAM_BODY) });
      res.end(UPSTREAM_BODY);
    }, DELAYS[body.model] ?? 0);
    res.on('close', () => {
      if (!res.writableEnded) { clearTimeout(timer); closedEarly.push(body.model); }
    });
  });
}

before(async () => {
  upstream = createServer(answer);
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const port = (upstream.address() as AddressInfo).port;
  node = await startNode({
    config: {
      providers: { up: { type: 'custom', base_url: `http://127.0.0.1:${port}/v1`, api_key: 'sk-up' } },
      routing: { retries: 0 },
    },
  });
});
after(async () => {
  await node.stop();
  upstream.closeAllConnections();
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
});

const chat = (model: string, headers: Record<string, string> = {}, signal?: AbortSignal) => fetch(`${node.url}/v1/chat/completions`, {
  method: 'POST', headers: { 'content-type': 'application/json', ...headers }, signal,
  body: JSON.stringify({ model: `up/${model}`, messages: [{ role: 'user', content: 'hi' }] }),
});

describe('buffered upstream path', () => {
  test('an OpenAI-format answer reaches the client byte for byte', async () => {
    const r = await chat('fast');
    assert.equal(r.status, 200);
    assert.equal(await r.text(), UPSTREAM_BODY);
    assert.equal(r.headers.get('x-switchyard-provider'), 'up');
  });

  test('the overhead header leaves the upstream time out', async () => {
    const t0 = performance.now();
    const r = await chat('slow');
    const elapsedMs = performance.now() - t0;
    assert.equal(r.status, 200);
    await r.text();
    const overheadUs = Number(r.headers.get('x-switchyard-overhead-us'));
    assert.ok(elapsedMs >= 300, `the upstream waited 300 ms (took ${elapsedMs} ms)`);
    assert.ok(overheadUs < 100_000, `overhead ${overheadUs} µs must not include the upstream's 300 ms`);
  });

  test('the total timeout ends a silent upstream with 504 and closes the upstream request', async () => {
    const t0 = performance.now();
    const r = await chat('hang', { 'x-switchyard-timeout-ms': '250' });
    const body = await r.json() as { error: { code: string; type: string } };
    assert.equal(r.status, 504);
    assert.equal(body.error.type, 'timeout_error');
    assert.ok(performance.now() - t0 < 2000);
    await waitFor(() => closedEarly.includes('hang'));
  });

  test('a client that goes away cancels the upstream request', async () => {
    closedEarly.length = 0;
    const ac = new AbortController();
    const pending = chat('hang', {}, ac.signal).catch((err: Error) => err);
    setTimeout(() => ac.abort(), 150);
    assert.ok((await pending) instanceof Error);
    await waitFor(() => closedEarly.includes('hang'));
  });
});

async function waitFor(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
