/**
 * An HTTPS upstream (as every hosted provider is), through a real node and the OpenAI SDK: the certificate
 * is verified (the node trusts the test CA through NODE_EXTRA_CA_CERTS, and a node that does not trust it
 * refuses the upstream), answers and streams arrive intact, and TLS connections are kept and reused.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { after, before, beforeEach, test } from 'node:test';
import OpenAI from 'openai';
import { startOpenAIMock, type OpenAIMock } from '../mocks/index.js';
import { startNode, type NodeHandle } from '../helpers/node-process.js';

// Tests run from dist/test/integration; the fixtures stay in the source tree.
const fixture = (name: string) => fileURLToPath(new URL(`../../../test/fixtures/tls/${name}`, import.meta.url));
const UPSTREAM_KEY = 'sk-upstream-tls-51c0';
let mock: OpenAIMock;
let node: NodeHandle;
let client: OpenAI;

const providers = () => ({ tls: { type: 'custom', base_url: mock.url, api_key: UPSTREAM_KEY } });

before(async () => {
  mock = await startOpenAIMock({ tls: { key: readFileSync(fixture('key.pem')), cert: readFileSync(fixture('cert.pem')) }, requireKey: UPSTREAM_KEY, latencyMs: 20 });
  node = await startNode({ workers: 1, config: { providers: providers(), routing: { retries: 0 } }, env: { NODE_EXTRA_CA_CERTS: fixture('cert.pem') } });
  client = new OpenAI({ baseURL: `${node.url}/v1`, apiKey: 'sk-client', maxRetries: 0 });
});
after(async () => { await node.stop(); await mock.close(); });
beforeEach(() => mock.reset());

const user = (content: string) => [{ role: 'user' as const, content }];

test('a chat completion over HTTPS: verified certificate, upstream auth, answer and usage intact', async () => {
  assert.match(mock.url, /^https:\/\/localhost:/);
  const r = await client.chat.completions.create({ model: 'tls/gpt-4o-mini', messages: user('over tls') });
  assert.match(r.choices[0].message.content ?? '', /over tls/);
  assert.ok(r.usage && r.usage.total_tokens > 0);
  const seen = mock.requests.at(-1)!;
  assert.equal(seen.headers.authorization, `Bearer ${UPSTREAM_KEY}`);
  assert.equal(seen.body.model, 'gpt-4o-mini');
});

test('a streamed chat completion over HTTPS arrives with its usage', async () => {
  const stream = await client.chat.completions.create({ model: 'tls/gpt-4o-mini', messages: user('stream over tls'), stream: true, stream_options: { include_usage: true } });
  let text = '';
  let usage: OpenAI.CompletionUsage | undefined | null;
  for await (const c of stream) {
    text += c.choices[0]?.delta?.content ?? '';
    if (c.usage) usage = c.usage;
  }
  assert.match(text, /stream over tls/);
  assert.ok(usage && usage.completion_tokens > 0);
});

test('TLS connections are kept: 30 concurrent requests, then 30 sequential ones open no more', async () => {
  const before = mock.connectionsOpened();
  await Promise.all(Array.from({ length: 30 }, (_, i) => client.chat.completions.create({ model: 'tls/gpt-4o-mini', messages: user(`c${i}`) })));
  const afterBurst = mock.connectionsOpened();
  assert.ok(afterBurst - before <= 30, `${afterBurst - before} connections for 30 requests`);
  for (let i = 0; i < 30; i++) await client.chat.completions.create({ model: 'tls/gpt-4o-mini', messages: user(`s${i}`) });
  assert.equal(mock.connectionsOpened(), afterBurst);
});

test('a node that does not trust the upstream certificate refuses it: 502 naming the provider and the reason', async () => {
  const untrusting = await startNode({ workers: 1, config: { providers: providers(), routing: { retries: 0 } } });
  try {
    const res = await fetch(`${untrusting.url}/v1/chat/completions`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'tls/gpt-4o-mini', messages: user('hi') }),
    });
    assert.equal(res.status, 502);
    const body = (await res.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'upstream_connection_error');
    assert.match(body.error.message, /^tls: upstream connection failed \((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE)\)/);
    assert.equal(mock.requests.length, 0, 'nothing was sent over an unverified connection');
  } finally {
    await untrusting.stop();
  }
});
