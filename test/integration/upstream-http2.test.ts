/**
 * A provider with `http2: true` against an OpenAI-format upstream that speaks HTTP/2 (h2c), through a real
 * node and the OpenAI SDK: answers and streams arrive as over HTTP/1.1, upstream errors keep their status,
 * and many concurrent requests share a connection per worker instead of opening one each.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import OpenAI from 'openai';
import { startOpenAIMock, type OpenAIMock } from '../mocks/index.js';
import { startNode, type NodeHandle } from '../helpers/node-process.js';

const UPSTREAM_KEY = 'sk-upstream-h2-7f8e9d';
const WORKERS = 2;
let mock: OpenAIMock;
let node: NodeHandle;
let client: OpenAI;

before(async () => {
  mock = await startOpenAIMock({ http2: true, requireKey: UPSTREAM_KEY, latencyMs: 20 });
  node = await startNode({
    workers: WORKERS,
    config: {
      providers: { h2: { type: 'custom', base_url: mock.url, api_key: UPSTREAM_KEY, http2: true } },
      routing: { retries: 0 },
    },
  });
  client = new OpenAI({ baseURL: `${node.url}/v1`, apiKey: 'sk-client', maxRetries: 0 });
});
after(async () => { await node.stop(); await mock.close(); });
beforeEach(() => mock.reset());

const user = (content: string) => [{ role: 'user' as const, content }];

test('a chat completion over HTTP/2: upstream auth, model rewritten, answer and usage intact', async () => {
  const r = await client.chat.completions.create({ model: 'h2/gpt-4o-mini', messages: user('over h2') });
  assert.equal(r.object, 'chat.completion');
  assert.match(r.choices[0].message.content ?? '', /over h2/);
  assert.ok(r.usage && r.usage.total_tokens > 0);
  const seen = mock.requests.at(-1)!;
  assert.equal(seen.path, '/v1/chat/completions');
  assert.equal(seen.headers.authorization, `Bearer ${UPSTREAM_KEY}`);
  assert.equal(seen.body.model, 'gpt-4o-mini');
});

test('a streamed chat completion over HTTP/2 arrives chunk by chunk with its usage', async () => {
  const stream = await client.chat.completions.create({ model: 'h2/gpt-4o-mini', messages: user('stream over h2'), stream: true, stream_options: { include_usage: true } });
  let text = '';
  let chunks = 0;
  let finish: string | null = null;
  let usage: OpenAI.CompletionUsage | undefined | null;
  for await (const c of stream) {
    chunks++;
    text += c.choices[0]?.delta?.content ?? '';
    finish = c.choices[0]?.finish_reason ?? finish;
    if (c.usage) usage = c.usage;
  }
  assert.ok(chunks > 2, `${chunks} chunks`);
  assert.match(text, /stream over h2/);
  assert.equal(finish, 'stop');
  assert.ok(usage && usage.completion_tokens > 0);
});

test('an upstream 429 over HTTP/2 reaches the client as a 429 naming the provider', async () => {
  mock.setFaults([{ status: 429, retryAfter: '1', times: 1 }]);
  const err = await client.chat.completions.create({ model: 'h2/gpt-4o-mini', messages: user('limited') }).then(() => assert.fail('answered'), (e: unknown) => e as InstanceType<typeof OpenAI.APIError>);
  assert.equal(err.status, 429);
  assert.match(err.message, /h2/);
});

test('200 concurrent requests use at most one upstream connection per worker', async () => {
  const before = mock.connectionsOpened();
  const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => client.chat.completions.create({ model: 'h2/gpt-4o-mini', messages: user(`n${i}`) })));
  answers.forEach((a, i) => assert.match(a.choices[0].message.content ?? '', new RegExp(`n${i}\\b`)));
  const total = mock.connectionsOpened();
  assert.ok(total <= WORKERS, `${total} upstream connections in all (${before} before this test)`);
});
