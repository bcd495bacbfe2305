/**
 * Load shedding: above the in-flight cap a node answers new model calls at once with 503
 * gateway_overloaded + Retry-After (in the caller's dialect), keeps serving the requests it accepted and its
 * health endpoints, and takes new work again as soon as the in-flight count drops. The upstream is a plain
 * node:http server answering in OpenAI's chat completion format after a delay.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { nodeInFlightCap, openFilesLimit, workerInFlightCap } from '../../src/http/index.js';
import { startNode, type NodeHandle } from '../helpers/node-process.js';

const ANSWER = JSON.stringify({
  id: 'chatcmpl-ovl', object: 'chat.completion', created: 1732406400, model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'done' }, logprobs: null, finish_reason: 'stop' }],
  usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
});

let upstream: Server;
let node: NodeHandle;
let upstreamCalls = 0;

before(async () => {
  upstream = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      upstreamCalls++;
      setTimeout(() => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(ANSWER); }, 600);
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const port = (upstream.address() as AddressInfo).port;
  node = await startNode({
    workers: 1,
    config: {
      server: { max_in_flight: 2 },
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

const chat = () => fetch(`${node.url}/v1/chat/completions`, {
  method: 'POST', headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ model: 'up/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
});
const anthropic = () => fetch(`${node.url}/anthropic/v1/messages`, {
  method: 'POST', headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
  body: JSON.stringify({ model: 'up/gpt-4o-mini', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
});

describe('load shedding above the in-flight cap', () => {
  test('requests over the cap get 503 at once; accepted ones, health and later requests are served', async () => {
    upstreamCalls = 0;
    const first = [chat(), chat()];
    await new Promise((r) => setTimeout(r, 150)); // both are now waiting on the upstream
    const t0 = performance.now();
    const shed = await chat();
    const shedMs = performance.now() - t0;
    const body = await shed.json() as { error: { type: string; code: string } };
    assert.equal(shed.status, 503);
    assert.equal(body.error.code, 'gateway_overloaded');
    assert.equal(shed.headers.get('retry-after'), '1');
    assert.ok(shedMs < 300, `refused at once (${shedMs} ms), not after waiting`);
    // The Anthropic dialect gets its own error shape.
    const a = await anthropic();
    const ab = await a.json() as { type: string; error: { type: string } };
    assert.equal(a.status, 503);
    assert.equal(ab.type, 'error');
    assert.equal(ab.error.type, 'overloaded_error');
    const health = await fetch(`${node.url}/health/ready`);
    assert.equal(health.status, 200);
    await health.text();
    for (const r of await Promise.all(first)) { assert.equal(r.status, 200); await r.text(); }
    assert.equal(upstreamCalls, 2, 'refused requests never reached the upstream');
    const later = await chat();
    assert.equal(later.status, 200);
    await later.text();
  });
});

describe('the cap follows the open-files limit', () => {
  test('two descriptors per request, minus a reserve, shared by the workers', () => {
    assert.equal(nodeInFlightCap(undefined, 20_000), 9744);
    assert.equal(nodeInFlightCap(500, 20_000), 500);
    assert.equal(nodeInFlightCap(undefined, undefined), undefined);
    assert.equal(workerInFlightCap(9744, 2), 4872);
    const shell = Number(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim());
    if (Number.isFinite(shell)) assert.equal(openFilesLimit(), shell);
  });
});
