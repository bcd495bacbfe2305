/**
 * The OpenAI-compatible provider against a separate mock upstream process that speaks OpenAI's wire
 * format: passthrough of unknown fields, upstream auth, usage from streams, error mapping with the
 * provider named, and nothing from a bad request reaching the upstream.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import OpenAI from 'openai';
import { mockToolArguments, spawnOpenAIMock, type SpawnedOpenAIMock } from '../mocks/index.js';
import { startNode, type NodeHandle } from '../helpers/node-process.js';

const UPSTREAM_KEY = 'sk-upstream-test-5b6c7d';
let mock: SpawnedOpenAIMock;
let node: NodeHandle;
let client: OpenAI;

before(async () => {
  mock = await spawnOpenAIMock({ requireKey: UPSTREAM_KEY });
  node = await startNode({
    config: {
      providers: {
        up: { type: 'custom', base_url: mock.url, api_key: UPSTREAM_KEY },
        ds: { type: 'deepseek', base_url: mock.url, api_key: UPSTREAM_KEY },
        px: { type: 'perplexity', base_url: mock.url, api_key: UPSTREAM_KEY },
      }, routing: { retries: 0, breaker: { consecutive_failures: 1000, min_calls: 1000 } } },
  });
  client = new OpenAI({ baseURL: `${node.url}/v1`, apiKey: 'sk-client-not-for-upstream', maxRetries: 0 });
});
after(async () => { await node.stop(); await mock.close(); });
beforeEach(async () => { await mock.reset(); });

const user = (content: string) => [{ role: 'user' as const, content }];

describe('requests reach the upstream as sent', () => {
  test('chat: upstream auth, model rewritten, unknown fields passed through, client key not forwarded', async () => {
    const r = await client.chat.completions.create({
      model: 'up/gpt-4o-mini', messages: user('hello upstream'), seed: 7, temperature: 0.2,
      // @ts-expect-error unknown to the SDK types: must be passed through unchanged
      custom_vendor_flag: { a: [1, 2] },
    });
    assert.equal(r.choices[0].message.content, 'echo: hello upstream');
    const [rec] = await mock.requests();
    assert.equal(rec.path, '/v1/chat/completions');
    assert.equal(rec.headers.authorization, `Bearer ${UPSTREAM_KEY}`);
    assert.equal(rec.body.model, 'gpt-4o-mini');
    assert.deepEqual(rec.body.custom_vendor_flag, { a: [1, 2] });
    assert.equal(rec.body.seed, 7);
    assert.ok(!JSON.stringify(rec).includes('sk-client-not-for-upstream'));
  });

  test('multimodal parts, response_format, stop, n, logprobs pass through', async () => {
    const r = await client.chat.completions.create({
      model: 'up/gpt-4o-mini', n: 2, logprobs: true, stop: ['END'], response_format: { type: 'json_object' },
      messages: [{ role: 'user', content: [{ type: 'text', text: 'what is this' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }] }],
    });
    assert.equal(r.choices.length, 2);
    assert.equal(r.choices[0].message.content, 'echo: what is this [images: 1]');
    assert.ok(r.choices[0].logprobs);
    const [rec] = await mock.requests();
    assert.deepEqual(rec.body.response_format, { type: 'json_object' });
    assert.deepEqual(rec.body.stop, ['END']);
    assert.equal(rec.body.messages[0].content[1].image_url.url, 'data:image/png;base64,iVBORw0KGgo=');
  });

  test('streamed chat: usage is always asked upstream and reaches the client only when asked for', async () => {
    const s1 = await client.chat.completions.create({ model: 'up/gpt-4o-mini', messages: user('count these words'), stream: true, stream_options: { include_usage: true } });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const c of s1) { text += c.choices[0]?.delta.content ?? ''; if (c.usage) usage = c.usage; }
    assert.equal(text, 'echo: count these words');
    assert.equal(usage?.prompt_tokens, 3);
    assert.equal(usage?.completion_tokens, 4);
    const res = await fetch(`${node.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'up/gpt-4o-mini', messages: user('no usage please'), stream: true }) });
    const body = await res.text();
    assert.ok(!body.includes('"usage"'), body);
    assert.ok(body.endsWith('data: [DONE]\n\n'));
    const recs = await mock.requests();
    assert.deepEqual(recs.map((r) => r.body.stream_options), [{ include_usage: true }, { include_usage: true }]);
  });

  test('a streamed parallel tool call from the upstream is reassembled exactly', async () => {
    const note = 'parallel: "Zürich" \\ naïve 🚀 {json}';
    const tools: OpenAI.ChatCompletionTool[] = ['get_weather', 'get_time', 'get_news'].map((name) => ({ type: 'function', function: { name, parameters: { type: 'object' } } }));
    const stream = await client.chat.completions.create({ model: 'up/gpt-4o-mini', messages: user(note), tools, stream: true });
    const args: string[] = [];
    const names: string[] = [];
    for await (const c of stream) {
      for (const tc of c.choices[0]?.delta.tool_calls ?? []) {
        args[tc.index] = (args[tc.index] ?? '') + (tc.function?.arguments ?? '');
        if (tc.function?.name) names[tc.index] = tc.function.name;
      }
    }
    assert.deepEqual(names, ['get_weather', 'get_time', 'get_news']);
    for (const a of args) assert.equal(a, mockToolArguments(note));
  });

  test('embeddings and legacy completions', async () => {
    const e = await client.embeddings.create({ model: 'up/text-embedding-3-small', input: 'vector me', encoding_format: 'float' });
    assert.equal(e.data[0].embedding.length, 8);
    const c = await client.completions.create({ model: 'up/gpt-3.5-turbo-instruct', prompt: 'legacy' });
    assert.equal(c.choices[0].text, 'echo: legacy');
  });

  test('models list includes the upstream list', async () => {
    const ids: string[] = [];
    for await (const m of client.models.list()) ids.push(m.id);
    assert.ok(ids.includes('up/gpt-4o-mini'), ids.join(','));
  });
});

describe('upstream errors keep their status and name the provider', () => {
  for (const status of [400, 401, 403, 404, 429, 500, 503]) {
    test(`upstream ${status}`, async () => {
      await mock.setFaults([{ status, retryAfter: status === 429 ? '7' : undefined, times: 1 }]);
      const res = await fetch(`${node.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'up/gpt-4o-mini', messages: user('x') }) });
      const body = (await res.json()) as { error: { message: string; provider: string; type: string } };
      assert.equal(res.status, status);
      assert.equal(body.error.provider, 'up');
      assert.match(body.error.message, /^up: /);
      assert.equal(res.headers.get('x-switchyard-provider'), 'up');
      if (status === 429) assert.equal(res.headers.get('retry-after'), '7');
    });
  }

  test('the SDK sees typed errors', async () => {
    await mock.setFaults([{ status: 429, times: 1 }]);
    await assert.rejects(client.chat.completions.create({ model: 'up/gpt-4o-mini', messages: user('x') }), OpenAI.RateLimitError);
  });

  test('a connection reset is a 502 naming the provider', async () => {
    await mock.setFaults([{ reset: true, times: 1 }]);
    const res = await fetch(`${node.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'up/gpt-4o-mini', messages: user('x') }) });
    assert.equal(res.status, 502);
    const body = (await res.json()) as { error: { code: string; provider: string } };
    assert.equal(body.error.code, 'upstream_connection_error');
    assert.equal(body.error.provider, 'up');
  });

  test('a stream cut after it started ends with an error event, not a clean end', async () => {
    await mock.setFaults([{ cutAfterChunks: 3, times: 1 }]);
    const stream = await client.chat.completions.create({ model: 'up/gpt-4o-mini', messages: user('one two three four five six'), stream: true });
    let got = '';
    await assert.rejects(async () => { for await (const c of stream) got += c.choices[0]?.delta.content ?? ''; }, (e: unknown) => {
      assert.ok(e instanceof OpenAI.APIError, String(e));
      return true;
    });
    assert.ok(got.length > 0 && got !== 'echo: one two three four five six', got);
  });
});

describe('nothing from a bad request reaches the upstream', () => {
  test('invalid bodies, unknown models and oversized input are stopped at the gateway', async () => {
    const bad = [
      '{"model":"up/gpt-4o-mini","messages":[',
      JSON.stringify({ model: 'up/gpt-4o-mini' }),
      JSON.stringify({ model: 'up/gpt-4o-mini', messages: [{ role: 'user', content: 'x' }], temperature: 9 }),
      JSON.stringify({ model: 'nope/gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }),
      JSON.stringify({ model: 'up/gpt-4o-mini', messages: [{ role: 'user', content: 'x' }], fallbacks: ['missing/model'] }),
    ];
    for (const b of bad) {
      const res = await fetch(`${node.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: b });
      assert.ok(res.status === 400 || res.status === 404, `${res.status} for ${b}`);
    }
    assert.equal((await mock.requests()).length, 0);
  });
});

describe('provider capabilities from the catalog', () => {
  test('an image to a text-only provider is a 400 before anything is sent', async () => {
    const res = await fetch(`${node.url}/v1/chat/completions`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'ds/deepseek-chat', messages: [{ role: 'user', content: [{ type: 'text', text: 'what is this' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }] }] }),
    });
    const body = (await res.json()) as { error: { code: string; param: string } };
    assert.equal(res.status, 400);
    assert.equal(body.error.code, 'unsupported_content');
    assert.equal((await mock.requests()).length, 0);
  });

  test('tools to a provider without tools: 400 naming the parameter, or dropped and reported with drop_params', async () => {
    const tools = [{ type: 'function', function: { name: 'get_time', parameters: { type: 'object' } } }];
    const send = (extra: object) => fetch(`${node.url}/v1/chat/completions`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'px/sonar', messages: user('what time is it'), tools, ...extra }),
    });
    const refused = await send({});
    assert.equal(refused.status, 400);
    assert.equal(((await refused.json()) as { error: { param: string } }).error.param, 'tools');
    assert.equal((await mock.requests()).length, 0);
    const dropped = await send({ drop_params: true });
    assert.equal(dropped.status, 200);
    assert.equal(dropped.headers.get('x-switchyard-dropped-params'), 'tools');
    const [rec] = await mock.requests();
    assert.equal(rec.body.tools, undefined);
    assert.equal(rec.body.drop_params, undefined);
  });
});
