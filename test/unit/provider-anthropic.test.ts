/**
 * The Anthropic adapter against a mock Anthropic upstream (documented wire format) on 127.0.0.1.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { GatewayError } from '../../src/core/errors.js';
import type { ChatChunk, ChatRequest } from '../../src/core/types.js';
import type { ResolvedProvider } from '../../src/config/index.js';
import { providerKind } from '../../src/providers/catalog.js';
import { AnthropicProvider } from '../../src/providers/anthropic/index.js';
import { AnthropicStreamParser } from '../../src/providers/anthropic/stream.js';
import type { CallContext } from '../../src/providers/types.js';
import { startAnthropicMock, type AnthropicMock } from '../mocks/anthropic-upstream.js';

let mock: AnthropicMock;
let provider: AnthropicProvider;

function config(baseUrl: string): ResolvedProvider {
  return {
    name: 'claude', kind: 'anthropic', adapter: 'anthropic', baseUrl, apiKey: 'sk-ant-test-key', headers: {}, keys: [{ id: 'k0', apiKey: 'sk-ant-test-key', weight: 1 }],
    timeoutMs: 10_000, connectTimeoutMs: 2_000, maxConnections: 4, latencyMs: 0, options: {},
  };
}

function call(extra: Partial<CallContext> = {}): CallContext {
  return { signal: AbortSignal.timeout(10_000), requestId: 'r1', upstreamStart: 0, upstreamEnd: 0, dropped: [], ...extra };
}

async function collect(stream: AsyncIterable<ChatChunk[]>): Promise<ChatChunk[]> {
  const out: ChatChunk[] = [];
  for await (const b of stream) out.push(...b);
  return out;
}

const tools = ['get_weather', 'get_time'].map((name) => ({
  type: 'function' as const, function: { name, description: `${name} tool`, parameters: { type: 'object', properties: { input: { type: 'string' } } } },
}));

before(async () => {
  mock = await startAnthropicMock({ requireKey: 'sk-ant-test-key' });
  provider = new AnthropicProvider(config(mock.url), providerKind('anthropic')!);
});
after(async () => { await provider.close(); await mock.close(); });
beforeEach(() => mock.reset());

describe('anthropic adapter: requests', () => {
  test('text: documented request shape, headers and response mapping', async () => {
    const c = call();
    const resp = await provider.chat({
      model: 'x', messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hello there' }],
      temperature: 0.5, top_p: 0.9, stop: 'END', user: 'u-1',
    }, 'claude-mock-1', c);
    assert.equal(mock.requests.length, 1);
    const r = mock.requests[0];
    assert.equal(r.path, '/v1/messages');
    assert.equal(r.headers['x-api-key'], 'sk-ant-test-key');
    assert.equal(r.headers['anthropic-version'], '2023-06-01');
    assert.equal(r.headers.authorization, undefined);
    assert.deepEqual(r.body, {
      model: 'claude-mock-1', max_tokens: 4096, system: [{ type: 'text', text: 'be brief' }],
      messages: [{ role: 'user', content: 'hello there' }], stop_sequences: ['END'], temperature: 0.5, top_p: 0.9, metadata: { user_id: 'u-1' },
    });
    assert.equal(resp.id, 'msg_mock0001');
    assert.equal(resp.object, 'chat.completion');
    assert.equal(resp.model, 'claude-mock-1');
    assert.deepEqual(resp.choices[0].message, { role: 'assistant', content: 'Anthropic mock reply to: hello there' });
    assert.equal(resp.choices[0].finish_reason, 'stop');
    assert.deepEqual(resp.usage, { prompt_tokens: 4, completion_tokens: 6, total_tokens: 10, prompt_tokens_details: { cached_tokens: 0, cache_creation_tokens: 0 } });
    assert.ok(c.upstreamEnd >= c.upstreamStart && c.upstreamStart > 0);
  });

  test('max_tokens from the client, anthropic-beta passthrough via call.headers', async () => {
    await provider.chat({ model: 'x', messages: [{ role: 'user', content: 'hi' }], max_completion_tokens: 77 }, 'claude-mock-1',
      call({ headers: { 'anthropic-beta': 'prompt-caching-2024-07-31', 'anthropic-version': '2023-01-01' } }));
    const r = mock.requests[0];
    assert.equal(r.body.max_tokens, 77);
    assert.equal(r.headers['anthropic-beta'], 'prompt-caching-2024-07-31');
    assert.equal(r.headers['anthropic-version'], '2023-01-01');
  });

  test('images as base64 data URLs and as URLs', async () => {
    const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
    const resp = await provider.chat({
      model: 'x', messages: [{ role: 'user', content: [
        { type: 'text', text: 'describe' },
        { type: 'image_url', image_url: { url: `data:image/png;base64,${png}` } },
        { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg', detail: 'high' } },
      ] }],
    }, 'claude-mock-1', call());
    assert.deepEqual(mock.requests[0].body.messages, [{ role: 'user', content: [
      { type: 'text', text: 'describe' },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: png } },
      { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
    ] }]);
    assert.equal(resp.choices[0].message.content, 'Anthropic mock reply to: describe (2 images)');
  });

  test('tools, tool_choice, parallel_tool_calls, assistant tool calls and merged tool results', async () => {
    const req: ChatRequest = {
      model: 'x', tools, tool_choice: { type: 'function', function: { name: 'get_time' } }, parallel_tool_calls: false,
      messages: [
        { role: 'user', content: 'weather and time' },
        { role: 'assistant', content: null, tool_calls: [
          { id: 'toolu_a', type: 'function', function: { name: 'get_weather', arguments: '{"input":"Paris"}' } },
          { id: 'toolu_b', type: 'function', function: { name: 'get_time', arguments: '{"input":"CET"}' } },
        ] },
        { role: 'tool', tool_call_id: 'toolu_a', content: 'sunny' },
        { role: 'tool', tool_call_id: 'toolu_b', content: [{ type: 'text', text: '12:00' }] },
        { role: 'user', content: 'thanks' },
      ],
    };
    const resp = await provider.chat(req, 'claude-mock-1', call());
    const body = mock.requests[0].body;
    assert.deepEqual(body.tools, [
      { name: 'get_weather', description: 'get_weather tool', input_schema: { type: 'object', properties: { input: { type: 'string' } } } },
      { name: 'get_time', description: 'get_time tool', input_schema: { type: 'object', properties: { input: { type: 'string' } } } },
    ]);
    assert.deepEqual(body.tool_choice, { type: 'tool', name: 'get_time', disable_parallel_tool_use: true });
    assert.deepEqual(body.messages, [
      { role: 'user', content: [{ type: 'text', text: 'weather and time' }] },
      { role: 'assistant', content: [
        { type: 'tool_use', id: 'toolu_a', name: 'get_weather', input: { input: 'Paris' } },
        { type: 'tool_use', id: 'toolu_b', name: 'get_time', input: { input: 'CET' } },
      ] },
      { role: 'user', content: [
        { type: 'tool_result', tool_use_id: 'toolu_a', content: 'sunny' },
        { type: 'tool_result', tool_use_id: 'toolu_b', content: [{ type: 'text', text: '12:00' }] },
        { type: 'text', text: 'thanks' },
      ] },
    ]);
    assert.equal(resp.choices[0].finish_reason, 'tool_calls');
    assert.equal(resp.choices[0].message.content, null);
    assert.deepEqual(resp.choices[0].message.tool_calls, [
      { id: 'toolu_msg_mock0001_0', type: 'function', function: { name: 'get_time', arguments: '{"input":"thanks","index":0}' } },
    ]);
  });

  test('tool_choice required/none map to any/none', async () => {
    await provider.chat({ model: 'x', messages: [{ role: 'user', content: 'a' }], tools, tool_choice: 'required' }, 'm', call());
    assert.deepEqual(mock.requests[0].body.tool_choice, { type: 'any' });
    await provider.chat({ model: 'x', messages: [{ role: 'user', content: 'a' }], tools, tool_choice: 'none' }, 'm', call());
    assert.equal(mock.requests[1].body.tools, undefined);
  });

  test('json_schema response_format -> output_config.format; reasoning_effort -> thinking', async () => {
    const schema = { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] };
    const resp = await provider.chat({
      model: 'x', messages: [{ role: 'user', content: 'think' }], response_format: { type: 'json_schema', json_schema: { name: 'x', schema } }, reasoning_effort: 'low',
    }, 'm', call());
    const body = mock.requests[0].body;
    assert.deepEqual(body.output_config, { format: { type: 'json_schema', schema } });
    assert.deepEqual(body.thinking, { type: 'enabled', budget_tokens: 2048 });
    assert.equal(body.max_tokens, 4096);
    assert.equal(resp.choices[0].message.reasoning_content, 'Thinking about: think');
    assert.deepEqual(resp.choices[0].message.thinking_blocks, [{ type: 'thinking', thinking: 'Thinking about: think', signature: 'sig-mock' }]);
  });

  test('cache_control on system text is kept and cache reads become cached_tokens', async () => {
    const resp = await provider.chat({
      model: 'x', messages: [{ role: 'system', content: [{ type: 'text', text: 'long cached system prompt', cache_control: { type: 'ephemeral' } }] }, { role: 'user', content: 'q' }],
    }, 'm', call());
    assert.deepEqual(mock.requests[0].body.system, [{ type: 'text', text: 'long cached system prompt', cache_control: { type: 'ephemeral' } }]);
    assert.deepEqual(resp.usage, { prompt_tokens: 5, completion_tokens: 5, total_tokens: 10, prompt_tokens_details: { cached_tokens: 4, cache_creation_tokens: 0 } });
  });
});

describe('anthropic adapter: unsupported parameters', () => {
  test('rejected with a 400 naming the parameter, before any upstream call', async () => {
    await assert.rejects(provider.chat({ model: 'x', messages: [{ role: 'user', content: 'a' }], n: 2 }, 'm', call()), (e: GatewayError) => {
      assert.equal(e.status, 400);
      assert.equal(e.param, 'n');
      assert.equal(e.code, 'unsupported_parameter');
      return true;
    });
    await assert.rejects(provider.chat({ model: 'x', messages: [{ role: 'user', content: 'a' }], response_format: { type: 'json_object' } }, 'm', call()),
      (e: GatewayError) => e.status === 400 && e.param === 'response_format');
    assert.equal(mock.requests.length, 0);
  });

  test('dropped and reported with drop_params', async () => {
    const c = call({ dropParams: true });
    await provider.chat({ model: 'x', messages: [{ role: 'user', content: 'a' }], presence_penalty: 1, seed: 3, logprobs: true }, 'm', c);
    assert.deepEqual(c.dropped, ['presence_penalty', 'logprobs', 'seed']);
    assert.deepEqual(Object.keys(mock.requests[0].body).sort(), ['max_tokens', 'messages', 'model']);
  });
});

describe('anthropic adapter: streams', () => {
  test('streamed text: role chunk, content, finish, one usage-only chunk', async () => {
    const c = call();
    const chunks = await collect(await provider.chatStream({ model: 'x', messages: [{ role: 'user', content: 'stream me please' }] }, 'claude-mock-1', c));
    assert.equal(mock.requests[0].body.stream, true);
    assert.deepEqual(chunks[0].choices[0].delta, { role: 'assistant', content: '' });
    const text = chunks.map((ch) => ch.choices[0]?.delta.content ?? '').join('');
    assert.equal(text, 'Anthropic mock reply to: stream me please');
    assert.ok(chunks.filter((ch) => ch.choices[0]?.delta.content).length >= 5);
    const finishes = chunks.filter((ch) => ch.choices[0]?.finish_reason).map((ch) => ch.choices[0].finish_reason);
    assert.deepEqual(finishes, ['stop']);
    const last = chunks[chunks.length - 1];
    assert.deepEqual(last.choices, []);
    assert.deepEqual(last.usage, { prompt_tokens: 3, completion_tokens: 7, total_tokens: 10, prompt_tokens_details: { cached_tokens: 0, cache_creation_tokens: 0 } });
    assert.equal(chunks.filter((ch) => ch.usage).length, 1);
    assert.equal(last.id, 'msg_mock0001');
    assert.ok(c.upstreamEnd > 0);
  });

  test('streamed parallel tool calls reassemble byte-exactly, fragment order kept', async () => {
    const chunks = await collect(await provider.chatStream({ model: 'x', tools, messages: [{ role: 'user', content: 'parallel "quoted" é' }] }, 'm', call()));
    const calls: Array<{ id?: string; name?: string; args: string }> = [];
    let fragments = 0;
    for (const ch of chunks) {
      for (const tc of ch.choices[0]?.delta.tool_calls ?? []) {
        if (tc.id) {
          assert.equal(tc.index, calls.length);
          assert.deepEqual(tc, { index: tc.index, id: tc.id, type: 'function', function: { name: tc.function!.name, arguments: '' } });
          calls.push({ id: tc.id, name: tc.function!.name, args: '' });
        } else {
          assert.deepEqual(Object.keys(tc).sort(), ['function', 'index']);
          calls[tc.index].args += tc.function!.arguments;
          fragments++;
        }
      }
    }
    assert.deepEqual(calls, [
      { id: 'toolu_msg_mock0001_0', name: 'get_weather', args: JSON.stringify({ input: 'parallel "quoted" é', index: 0 }) },
      { id: 'toolu_msg_mock0001_1', name: 'get_time', args: JSON.stringify({ input: 'parallel "quoted" é', index: 1 }) },
    ]);
    assert.ok(fragments >= 16, `fragments: ${fragments}`);
    assert.deepEqual(chunks.filter((ch) => ch.choices[0]?.finish_reason).map((ch) => ch.choices[0].finish_reason), ['tool_calls']);
  });

  test('thinking deltas become reasoning_content', async () => {
    const chunks = await collect(await provider.chatStream({ model: 'x', messages: [{ role: 'user', content: 'deep' }], thinking: { type: 'enabled', budget_tokens: 1024 } }, 'm', call()));
    assert.deepEqual(mock.requests[0].body.thinking, { type: 'enabled', budget_tokens: 1024 });
    assert.equal(chunks.map((ch) => ch.choices[0]?.delta.reasoning_content ?? '').join(''), 'Thinking about: deep');
    assert.equal(chunks.map((ch) => ch.choices[0]?.delta.content ?? '').join(''), 'Anthropic mock reply to: deep');
  });

  test('a mid-stream error event is thrown as a GatewayError with its type', async () => {
    mock.failNext({ midStreamError: true, type: 'overloaded_error', message: 'Overloaded' });
    const stream = await provider.chatStream({ model: 'x', messages: [{ role: 'user', content: 'one two three' }] }, 'm', call());
    await assert.rejects(collect(stream), (e: GatewayError) => {
      assert.ok(e instanceof GatewayError);
      assert.equal(e.type, 'overloaded_error');
      assert.equal(e.status, 529);
      assert.equal(e.message, 'claude: Overloaded');
      return true;
    });
  });

  test('a body that ends before message_stop is a truncation error', async () => {
    mock.failNext({ truncate: true });
    const stream = await provider.chatStream({ model: 'x', messages: [{ role: 'user', content: 'one two three' }] }, 'm', call());
    await assert.rejects(collect(stream), (e: GatewayError) => e.code === 'upstream_stream_truncated' && e.status === 502);
  });
});

describe('anthropic adapter: errors and other endpoints', () => {
  test('non-2xx keeps status, Anthropic error type and message, names the provider', async () => {
    mock.failNext({ status: 429, type: 'rate_limit_error', message: 'Number of request tokens has exceeded your per-minute rate limit' });
    await assert.rejects(provider.chat({ model: 'x', messages: [{ role: 'user', content: 'a' }] }, 'm', call()), (e: GatewayError) => {
      assert.equal(e.status, 429);
      assert.equal(e.type, 'rate_limit_error');
      assert.equal(e.message, 'claude: Number of request tokens has exceeded your per-minute rate limit');
      assert.equal(e.provider, 'claude');
      return true;
    });
    mock.failNext({ status: 529 });
    await assert.rejects(provider.chatStream({ model: 'x', messages: [{ role: 'user', content: 'a' }] }, 'm', call()),
      (e: GatewayError) => e.status === 529 && e.type === 'overloaded_error');
  });

  test('wrong key -> 401 authentication_error', async () => {
    const bad = new AnthropicProvider({ ...config(mock.url), apiKey: 'nope' }, providerKind('anthropic')!);
    await assert.rejects(bad.chat({ model: 'x', messages: [{ role: 'user', content: 'a' }] }, 'm', call()),
      (e: GatewayError) => e.status === 401 && e.type === 'authentication_error');
    await bad.close();
  });

  test('connection refused -> 502 upstream_connection_error', async () => {
    const dead = new AnthropicProvider(config('http://127.0.0.1:1'), providerKind('anthropic')!);
    await assert.rejects(dead.chat({ model: 'x', messages: [{ role: 'user', content: 'a' }] }, 'm', call()),
      (e: GatewayError) => e.status === 502 && e.code === 'upstream_connection_error');
    await dead.close();
  });

  test('count_tokens, models, and no embeddings/completions', async () => {
    const n = await provider.countTokens({ model: 'x', messages: [{ role: 'system', content: 'sys prompt' }, { role: 'user', content: 'count these words' }], max_tokens: 5 }, 'claude-mock-1', call());
    assert.equal(n, 5);
    assert.equal(mock.requests[0].path, '/v1/messages/count_tokens');
    assert.deepEqual(mock.requests[0].body, { model: 'claude-mock-1', messages: [{ role: 'user', content: 'count these words' }], system: [{ type: 'text', text: 'sys prompt' }] });
    assert.deepEqual(await provider.listModels(call()), ['claude-mock-1', 'claude-mock-2']);
    await assert.rejects(provider.embeddings({ model: 'x', input: 'a' }, 'm', call()), (e: GatewayError) => e.status === 400 && e.code === 'unsupported_endpoint');
    await assert.rejects(provider.completions({ model: 'x', prompt: 'a' }, 'm', call()), (e: GatewayError) => e.status === 400 && e.code === 'unsupported_endpoint');
  });
});

describe('anthropic stream parser: documented event sequence', () => {
  // The tool-use example of https://docs.anthropic.com/en/docs/build-with-claude/streaming (abridged ids).
  const events = [
    { type: 'message_start', message: { id: 'msg_014p7gG3wDgGV9EUtLvnow3U', type: 'message', role: 'assistant', model: 'claude-opus-4-1-20250805', stop_sequence: null, usage: { input_tokens: 472, output_tokens: 2 }, content: [], stop_reason: null } },
    { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
    { type: 'ping' },
    { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Okay' } },
    { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: ', let' } },
    { type: 'content_block_stop', index: 0 },
    { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'get_weather', input: {} } },
    { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '' } },
    { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"location":' } },
    { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: ' "San' } },
    { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: ' Francisc' } },
    { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: 'o, CA"}' } },
    { type: 'content_block_stop', index: 1 },
    { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 89 } },
    { type: 'message_stop' },
  ];

  test('converts to the exact canonical chunk sequence', () => {
    const p = new AnthropicStreamParser('claude', 'req-model');
    const out: ChatChunk[] = [];
    for (const e of events) p.push(e as never, out);
    assert.equal(p.finished, true);
    const deltas = out.map((c) => (c.choices[0] ? { d: c.choices[0].delta, f: c.choices[0].finish_reason } : { usage: c.usage }));
    assert.deepEqual(deltas, [
      { d: { role: 'assistant', content: '' }, f: null },
      { d: { content: 'Okay' }, f: null },
      { d: { content: ', let' }, f: null },
      { d: { tool_calls: [{ index: 0, id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', type: 'function', function: { name: 'get_weather', arguments: '' } }] }, f: null },
      { d: { tool_calls: [{ index: 0, function: { arguments: '{"location":' } }] }, f: null },
      { d: { tool_calls: [{ index: 0, function: { arguments: ' "San' } }] }, f: null },
      { d: { tool_calls: [{ index: 0, function: { arguments: ' Francisc' } }] }, f: null },
      { d: { tool_calls: [{ index: 0, function: { arguments: 'o, CA"}' } }] }, f: null },
      { d: {}, f: 'tool_calls' },
      { usage: { prompt_tokens: 472, completion_tokens: 89, total_tokens: 561, prompt_tokens_details: { cached_tokens: 0, cache_creation_tokens: 0 } } },
    ]);
    assert.ok(out.every((c) => c.id === 'msg_014p7gG3wDgGV9EUtLvnow3U' && c.model === 'claude-opus-4-1-20250805'));
  });
});

describe('anthropic dialect stream writer (canonical chunks -> Anthropic events)', () => {
  const parse = (sse: string) => sse.trim().split('\n\n').filter(Boolean).map((e) => {
    const [ev, data] = e.split('\n');
    const obj = JSON.parse(data.slice('data: '.length));
    assert.equal(ev, `event: ${obj.type}`);
    return obj;
  });

  test('property: arbitrarily split tool arguments and text reassemble exactly, blocks sequential', async () => {
    const fc = (await import('fast-check')).default;
    const { AnthropicStreamWriter } = await import('../../src/api/anthropic/stream-writer.js');
    fc.assert(fc.property(
      fc.string(), fc.array(fc.array(fc.string({ unit: 'grapheme' }), { maxLength: 6 }), { minLength: 1, maxLength: 3 }),
      (text, toolPieces) => {
        const base = { id: 'chatcmpl-1', object: 'chat.completion.chunk' as const, created: 1, model: 'm' };
        const chunk = (delta: ChatChunk['choices'][0]['delta'], finish: ChatChunk['choices'][0]['finish_reason'] = null): ChatChunk => ({ ...base, choices: [{ index: 0, delta, finish_reason: finish }] });
        const w = new AnthropicStreamWriter('client-model');
        let sse = w.write([chunk({ role: 'assistant', content: '' })]);
        if (text) sse += w.write([chunk({ content: text })]);
        toolPieces.forEach((pieces, index) => {
          sse += w.write([chunk({ tool_calls: [{ index, id: `call_${index}`, type: 'function', function: { name: `f${index}`, arguments: '' } }] })]);
          for (const p of pieces) sse += w.write([chunk({ tool_calls: [{ index, function: { arguments: p } }] })]);
        });
        sse += w.write([chunk({}, 'tool_calls'), { ...base, choices: [], usage: { prompt_tokens: 10, completion_tokens: 3, total_tokens: 13, prompt_tokens_details: { cached_tokens: 4 } } }]);
        sse += w.end();
        const events = parse(sse);
        assert.equal(events[0].type, 'message_start');
        assert.equal(events[0].message.id, 'msg_chatcmpl-1');
        assert.deepEqual(events.slice(-2).map((e) => e.type), ['message_delta', 'message_stop']);
        assert.deepEqual(events[events.length - 2].usage, { input_tokens: 6, output_tokens: 3, cache_creation_input_tokens: 0, cache_read_input_tokens: 4 });
        assert.equal(events[events.length - 2].delta.stop_reason, 'tool_use');
        // Sequential blocks: every start is followed by its deltas and its stop before the next start.
        const blocks: Array<{ type: string; acc: string; name?: string }> = [];
        let open = -1;
        for (const e of events) {
          if (e.type === 'content_block_start') { assert.equal(open, -1); open = e.index; assert.equal(e.index, blocks.length); blocks.push({ type: e.content_block.type, acc: '', name: e.content_block.name }); }
          if (e.type === 'content_block_delta') { assert.equal(e.index, open); blocks[e.index].acc += e.delta.text ?? e.delta.partial_json; }
          if (e.type === 'content_block_stop') { assert.equal(e.index, open); open = -1; }
        }
        assert.equal(open, -1);
        const expected = [...(text ? [{ type: 'text', acc: text, name: undefined }] : []), ...toolPieces.map((p, i) => ({ type: 'tool_use', acc: p.join(''), name: `f${i}` }))];
        assert.deepEqual(blocks, expected);
      },
    ), { numRuns: 200 });
  });
});
