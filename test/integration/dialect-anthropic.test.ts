/**
 * The Anthropic ingress dialect of a real node, driven by the official @anthropic-ai/sdk, served (a) by the
 * built-in mock/echo model and (b) by the Anthropic adapter through a mock Anthropic upstream.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import Anthropic, { APIError } from '@anthropic-ai/sdk';
import { startNode, type NodeHandle } from '../helpers/node-process.js';
import { startAnthropicMock, type AnthropicMock } from '../mocks/anthropic-upstream.js';

let node: NodeHandle;
let mock: AnthropicMock;
let client: Anthropic;

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

before(async () => {
  mock = await startAnthropicMock({ requireKey: 'sk-ant-upstream' });
  node = await startNode({
    config: {
      providers: { claude: { type: 'anthropic', base_url: mock.url, api_key: 'sk-ant-upstream' } },
      models: { sonnet: 'claude/claude-mock-1' },
      routing: { retries: 0, breaker: { consecutive_failures: 1000, min_calls: 1000 } },
    },
  });
  client = new Anthropic({ baseURL: `${node.url}/anthropic`, apiKey: 'sk-client-key', maxRetries: 0 });
});
after(async () => { await node?.stop(); await mock?.close(); });
beforeEach(() => mock.reset());

const tools: Anthropic.Tool[] = ['get_weather', 'get_time'].map((name) => ({
  name, description: `${name} tool`, input_schema: { type: 'object', properties: { input: { type: 'string' } } },
}));

/** The two ways a request is served: the built-in mock, and the Anthropic adapter via the mock upstream. */
const targets = [
  { label: 'mock/echo', model: 'mock/echo', prefix: 'Switchyard mock reply to: ', imageSuffix: '' },
  { label: 'anthropic upstream', model: 'claude/claude-mock-1', prefix: 'Anthropic mock reply to: ', imageSuffix: ' (1 image)' },
];

for (const t of targets) {
  describe(`messages via ${t.label}`, () => {
    test('text', async () => {
      const msg = await client.messages.create({ model: t.model, max_tokens: 100, messages: [{ role: 'user', content: 'hello gateway' }] });
      assert.equal(msg.type, 'message');
      assert.equal(msg.role, 'assistant');
      assert.equal(msg.model, t.model);
      assert.match(msg.id, /^msg_/);
      assert.deepEqual(msg.content, [{ type: 'text', text: `${t.prefix}hello gateway` }]);
      assert.equal(msg.stop_reason, 'end_turn');
      assert.equal(msg.stop_sequence, null);
      assert.deepEqual(msg.usage, { input_tokens: 2, output_tokens: 6, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
    });

    test('streamed text: documented event order, finalMessage and usage', async () => {
      const stream = client.messages.stream({ model: t.model, max_tokens: 100, system: 'be kind', messages: [{ role: 'user', content: 'stream me please' }] });
      const types: string[] = [];
      let text = '';
      stream.on('streamEvent', (e) => { types.push(e.type); });
      stream.on('text', (d) => { text += d; });
      const final = await stream.finalMessage();
      const expectedText = `${t.prefix}stream me please`;
      assert.equal(text, expectedText);
      assert.deepEqual(final.content, [{ type: 'text', text: expectedText }]);
      assert.equal(final.stop_reason, 'end_turn');
      assert.deepEqual({ in: final.usage.input_tokens, out: final.usage.output_tokens }, { in: 5, out: 7 });
      const core = types.filter((x) => x !== 'ping');
      assert.equal(core[0], 'message_start');
      assert.equal(core[1], 'content_block_start');
      assert.deepEqual(core.slice(-3), ['content_block_stop', 'message_delta', 'message_stop']);
      assert.ok(core.filter((x) => x === 'content_block_delta').length >= 5);
    });

    test('a streamed parallel tool call is reassembled exactly', async () => {
      const user = 'parallel "quotes" and ünïcode';
      const stream = client.messages.stream({ model: t.model, max_tokens: 100, tools, messages: [{ role: 'user', content: user }] });
      const partial = new Map<number, string>();
      let fragments = 0;
      stream.on('streamEvent', (e) => {
        if (e.type === 'content_block_delta' && e.delta.type === 'input_json_delta' && e.delta.partial_json) {
          partial.set(e.index, (partial.get(e.index) ?? '') + e.delta.partial_json);
          fragments++;
        }
      });
      const final = await stream.finalMessage();
      assert.equal(final.stop_reason, 'tool_use');
      const uses = final.content.filter((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
      assert.deepEqual(uses.map((u) => ({ name: u.name, input: u.input })), [
        { name: 'get_weather', input: { input: user, index: 0 } },
        { name: 'get_time', input: { input: user, index: 1 } },
      ]);
      assert.equal(new Set(uses.map((u) => u.id)).size, 2);
      assert.deepEqual([...partial.values()], [JSON.stringify({ input: user, index: 0 }), JSON.stringify({ input: user, index: 1 })]);
      assert.ok(fragments >= 10, `fragments: ${fragments}`);
    });

    test('image input (base64)', async () => {
      const msg = await client.messages.create({
        model: t.model, max_tokens: 100,
        messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } }, { type: 'text', text: 'describe this' }] }],
      });
      assert.deepEqual(msg.content, [{ type: 'text', text: `${t.prefix}describe this${t.imageSuffix}` }]);
    });

    test('tool results round trip (non-streaming tool_use answer)', async () => {
      const msg = await client.messages.create({
        model: t.model, max_tokens: 100, tools, tool_choice: { type: 'tool', name: 'get_time' },
        messages: [
          { role: 'user', content: 'first' },
          { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { input: 'x' } }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'sunny' }, { type: 'text', text: 'and the time?' }] },
        ],
      });
      assert.equal(msg.stop_reason, 'tool_use');
      const uses = msg.content.filter((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
      assert.deepEqual(uses.map((u) => ({ name: u.name, input: u.input })), [{ name: 'get_time', input: { input: 'and the time?', index: 0 } }]);
    });
  });
}

describe('anthropic upstream specifics', () => {
  test('the upstream request: converted body, x-api-key of the provider, anthropic-version/beta passed through', async () => {
    await client.messages.create(
      { model: 'sonnet', max_tokens: 50, system: [{ type: 'text', text: 'cached system', cache_control: { type: 'ephemeral' } }], messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } }, { type: 'text', text: 'hi' }] }], top_k: 5, stop_sequences: ['END'] } as Anthropic.MessageCreateParamsNonStreaming,
      { headers: { 'anthropic-beta': 'prompt-caching-2024-07-31', 'anthropic-version': '2023-01-01' } },
    );
    const r = mock.requests[0];
    assert.equal(r.headers['x-api-key'], 'sk-ant-upstream');
    assert.equal(r.headers['anthropic-version'], '2023-01-01');
    assert.equal(r.headers['anthropic-beta'], 'prompt-caching-2024-07-31');
    assert.deepEqual(r.body, {
      model: 'claude-mock-1', max_tokens: 50,
      system: [{ type: 'text', text: 'cached system', cache_control: { type: 'ephemeral' } }],
      messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } }, { type: 'text', text: 'hi' }] }],
      stop_sequences: ['END'], top_k: 5,
    });
  });

  test('without a client anthropic-version the adapter sends its default', async () => {
    const res = await fetch(`${node.url}/anthropic/v1/messages`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'k' },
      body: JSON.stringify({ model: 'sonnet', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }),
    });
    assert.equal(res.status, 200);
    assert.equal(mock.requests[0].headers['anthropic-version'], '2023-06-01');
    assert.equal(mock.requests[0].headers['anthropic-beta'], undefined);
  });

  test('cache reads come back as cache_read_input_tokens', async () => {
    const msg = await client.messages.create({ model: 'sonnet', max_tokens: 50, system: [{ type: 'text', text: 'a long cached prompt', cache_control: { type: 'ephemeral' } }], messages: [{ role: 'user', content: 'q' }] });
    assert.deepEqual(msg.usage, { input_tokens: 1, output_tokens: 5, cache_creation_input_tokens: 0, cache_read_input_tokens: 4 });
  });

  test('thinking passes through; streamed thinking keeps its signature', async () => {
    const stream = client.messages.stream({ model: 'sonnet', max_tokens: 2048, thinking: { type: 'enabled', budget_tokens: 1024 }, messages: [{ role: 'user', content: 'ponder' }] });
    const final = await stream.finalMessage();
    assert.deepEqual(mock.requests[0].body.thinking, { type: 'enabled', budget_tokens: 1024 });
    assert.deepEqual(final.content, [
      { type: 'thinking', thinking: 'Thinking about: ponder', signature: 'sig-mock' },
      { type: 'text', text: 'Anthropic mock reply to: ponder' },
    ]);
  });

  test('upstream errors keep their status and Anthropic error type', async () => {
    mock.failNext({ status: 429, type: 'rate_limit_error', message: 'slow down' });
    await assert.rejects(client.messages.create({ model: 'sonnet', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }), (e: unknown) => {
      assert.ok(e instanceof Anthropic.RateLimitError);
      assert.deepEqual((e as APIError).error, { type: 'error', error: { type: 'rate_limit_error', message: 'claude: slow down' } });
      return true;
    });
    mock.failNext({ status: 529, type: 'overloaded_error', message: 'Overloaded' });
    await assert.rejects(client.messages.create({ model: 'sonnet', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }), (e: unknown) => {
      assert.equal((e as APIError).status, 529);
      assert.equal(((e as APIError).error as { error: { type: string } }).error.type, 'overloaded_error');
      return true;
    });
  });

  test('a mid-stream upstream error ends the stream with an error event, never a clean end', async () => {
    mock.failNext({ midStreamError: true, type: 'overloaded_error', message: 'Overloaded' });
    const stream = client.messages.stream({ model: 'sonnet', max_tokens: 5, messages: [{ role: 'user', content: 'one two three' }] });
    await assert.rejects(stream.finalMessage(), (e: unknown) => {
      assert.ok(e instanceof APIError);
      assert.match(String((e as Error).message), /Overloaded/);
      return true;
    });
    mock.failNext({ truncate: true });
    const res = await fetch(`${node.url}/anthropic/v1/messages`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'sonnet', max_tokens: 5, stream: true, messages: [{ role: 'user', content: 'one two three' }] }),
    });
    assert.equal(res.status, 200);
    const body = await res.text();
    assert.ok(body.startsWith('event: message_start\n'), body);
    assert.ok(!body.includes('event: message_stop'), body);
    const last = body.trim().split('\n\n').pop()!;
    assert.equal(last.split('\n')[0], 'event: error');
    assert.equal(JSON.parse(last.split('\n')[1].slice(6)).error.type, 'api_error');
  });

  test('count_tokens is exact from an Anthropic upstream', async () => {
    const r = await client.messages.countTokens({ model: 'sonnet', system: 'two words', messages: [{ role: 'user', content: 'count these three' }] });
    assert.deepEqual(r, { input_tokens: 5 });
    assert.equal(mock.requests[0].path, '/v1/messages/count_tokens');
  });
});

describe('errors in the Anthropic shape', () => {
  test('unknown model -> 404 not_found_error', async () => {
    await assert.rejects(client.messages.create({ model: 'nope/none', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }), (e: unknown) => {
      assert.ok(e instanceof Anthropic.NotFoundError);
      const body = (e as APIError).error as { type: string; error: { type: string; message: string } };
      assert.equal(body.type, 'error');
      assert.equal(body.error.type, 'not_found_error');
      assert.match(body.error.message, /nope\/none/);
      return true;
    });
  });

  test('missing max_tokens -> 400 invalid_request_error naming the field', async () => {
    await assert.rejects(client.messages.create({ model: 'mock/echo', messages: [{ role: 'user', content: 'x' }] } as unknown as Anthropic.MessageCreateParamsNonStreaming), (e: unknown) => {
      assert.ok(e instanceof Anthropic.BadRequestError);
      assert.deepEqual((e as APIError).error, { type: 'error', error: { type: 'invalid_request_error', message: 'max_tokens: Field required' } });
      return true;
    });
    assert.equal(mock.requests.length, 0);
  });

  test('invalid JSON, bad role and unknown field -> 400 in the Anthropic shape', async () => {
    const post = (body: string) => fetch(`${node.url}/anthropic/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    let res = await post('{not json');
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: { type: string } }).error.type, 'invalid_request_error');
    res = await post(JSON.stringify({ model: 'mock/echo', max_tokens: 5, messages: [{ role: 'system', content: 'x' }] }));
    assert.equal(res.status, 400);
    assert.deepEqual(await res.json(), { type: 'error', error: { type: 'invalid_request_error', message: "messages.0.role: Input should be 'user' or 'assistant'" } });
    res = await post(JSON.stringify({ model: 'mock/echo', max_tokens: 5, messages: [{ role: 'user', content: 'x' }], frequency_penalty: 1 }));
    assert.deepEqual(await res.json(), { type: 'error', error: { type: 'invalid_request_error', message: 'frequency_penalty: Extra inputs are not permitted' } });
  });

  test('count_tokens for a non-Anthropic upstream is an estimate, marked as such', async () => {
    const res = await fetch(`${node.url}/anthropic/v1/messages/count_tokens`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mock/echo', messages: [{ role: 'user', content: 'abcdefgh' }] }),
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-switchyard-token-count'), 'estimate');
    // "user" (4 chars) + "abcdefgh" (8 chars) = 12 chars / 4 = 3 tokens.
    assert.deepEqual(await res.json(), { input_tokens: 3 });
  });
});
