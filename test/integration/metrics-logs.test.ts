/**
 * /metrics: one exposition per node aggregated over workers, valid for promtool, with counts that match
 * what was sent. Logs: one JSON line per request, and no secret in logs or metrics.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import OpenAI from 'openai';
import { freshRequest } from '../helpers/fresh-http.js';
import { sample } from '../helpers/metrics.js';
import { startNode, type NodeHandle } from '../helpers/node-process.js';

const UPSTREAM_KEY = 'sk-upstream-secret-9f8e7d6c5b4a';
const CLIENT_KEY = 'sk-client-secret-0a1b2c3d4e5f';
let node: NodeHandle;

before(async () => {
  node = await startNode({ workers: 2, config: { providers: { vendor: { type: 'mock', api_key: UPSTREAM_KEY } } } });
});
after(async () => { await node.stop(); });


test('metrics aggregate every worker, match the traffic, and pass promtool', async () => {
  const client = new OpenAI({ baseURL: `${node.url}/v1`, apiKey: CLIENT_KEY, maxRetries: 0 });
  // Fresh connections spread requests over both workers (SO_REUSEPORT hashes per connection).
  const N = 40;
  await Promise.all(Array.from({ length: N }, (_, i) => freshRequest(`${node.url}/v1/chat/completions`, {
    method: 'POST', headers: { authorization: `Bearer ${CLIENT_KEY}` },
    body: JSON.stringify({ model: 'vendor/m1', messages: [{ role: 'user', content: `hello number ${i}` }] }),
  }).then((r) => assert.equal(r.status, 200))));
  const stream = await client.chat.completions.create({ model: 'vendor/m1', messages: [{ role: 'user', content: 'a b c' }], stream: true });
  for await (const _ of stream) { /* drain */ }
  await freshRequest(`${node.url}/v1/chat/completions`, { method: 'POST', body: '{bad json' });

  const text = await (await fetch(`${node.url}/metrics`)).text();
  assert.equal(sample(text, 'switchyard_requests_total', { route: 'chat', provider: 'vendor', model: 'm1', status: '200' }), N + 1);
  assert.equal(sample(text, 'switchyard_requests_total', { route: 'chat', status: '400' }), 1);
  // "hello number i" = 3 prompt tokens each, plus 3 for the stream.
  assert.equal(sample(text, 'switchyard_tokens_total', { provider: 'vendor', direction: 'input' }), N * 3 + 3);
  assert.equal(sample(text, 'switchyard_gateway_overhead_seconds_count', { route: 'chat' }), N + 2);
  assert.equal(sample(text, 'switchyard_time_to_first_token_seconds_count', { provider: 'vendor' }), 1);
  assert.equal(sample(text, 'switchyard_workers', {}), 2);
  // Process metrics come from the main thread only, once.
  assert.equal(text.split('\n').filter((l) => l.startsWith('switchyard_process_cpu_user_seconds_total ')).length, 1);
  // Both workers answered: per-worker counters were summed, not overwritten.
  assert.equal(sample(text, 'switchyard_in_flight_requests', {}), 1); // the /metrics request itself

  const dir = mkdtempSync(join(tmpdir(), 'sy-prom-'));
  const file = join(dir, 'metrics.txt');
  writeFileSync(file, text);
  const out = execFileSync('sh', ['-c', `promtool check metrics < ${file} 2>&1; echo "exit=$?"`]).toString();
  assert.match(out, /exit=0/, out);
  assert.ok(!text.includes(UPSTREAM_KEY) && !text.includes(CLIENT_KEY));
});

test('one JSON log line per request, without secrets', async () => {
  const id = `log-check-${Date.now()}`;
  const r = await freshRequest(`${node.url}/v1/chat/completions`, {
    method: 'POST', headers: { authorization: `Bearer ${CLIENT_KEY}`, 'x-request-id': id, 'x-api-key': CLIENT_KEY },
    body: JSON.stringify({ model: 'vendor/m1', messages: [{ role: 'user', content: 'log me' }] }),
  });
  assert.equal(r.status, 200);
  await new Promise((res) => setTimeout(res, 200));
  const lines = node.output().split('\n').filter((l) => l.includes(id));
  assert.equal(lines.length, 1, node.output());
  const entry = JSON.parse(lines[0]);
  assert.equal(entry.msg, 'request');
  assert.equal(entry.status, 200);
  assert.equal(entry.provider, 'vendor');
  assert.equal(entry.tokensIn, 2);
  assert.equal(typeof entry.overheadUs, 'number');
  assert.ok(!node.output().includes(UPSTREAM_KEY), 'upstream key in logs');
  assert.ok(!node.output().includes(CLIENT_KEY), 'client key in logs');
});
