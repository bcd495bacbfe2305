/**
 * The Cohere v2 adapter against (a) fixture servers replaying the documented wire examples
 * (https://docs.cohere.com/reference/chat, https://docs.cohere.com/v2/docs/streaming) and (b) the
 * deterministic Cohere mock upstream: request mapping, responses, streams, tool calls, images, usage, errors.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { ResolvedProvider } from '../../src/config/index.js';
import { GatewayError } from '../../src/core/errors.js';
import type { ChatChunk, ChatRequest } from '../../src/core/types.js';
import { providerKind } from '../../src/providers/catalog.js';
import { CohereProvider } from '../../src/providers/cohere/index.js';
import type { CallContext } from '../../src/providers/types.js';
import { COHERE_CACHED_TOKENS, COHERE_PREAMBLE_TOKENS, cohereToolArguments, cohereToolCallId, startCohereMock, type CohereMock } from '../mocks/cohere-upstream.js';

const kind = providerKind('cohere')!;
const config = (baseUrl: string, over: Partial<ResolvedProvider> = {}): ResolvedProvider => ({
  name: 'co', kind: 'cohere', adapter: 'cohere', baseUrl, apiKey: 'co-test-key', headers: {}, timeoutMs: 5000,
  connectTimeoutMs: 2000, maxConnections: 4, latencyMs: 0, options: {}, keys: [], ...over,
});
const newCall = (dropParams = false): CallContext & { dropped: string[] } => ({
  signal: new AbortController().signal, requestId: 'req-1', dropParams, dropped: [], upstreamStart: 0, upstreamEnd: 0,
});
async function collect(stream: AsyncIterable<ChatChunk[]>): Promise<ChatChunk[]> {
  const out: ChatChunk[] = [];
  for await (const b of stream) out.push(...b);
  return out;
}
const textOf = (chunks: ChatChunk[]) => chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');

/** Serves one fixed answer (a documented example) and records the request body. */
async function fixtureServer(status: number, contentType: string, body: string): Promise<{ url: string; server: Server; bodies: any[] }> {
  const bodies: any[] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d) => { raw += d; });
    req.on('end', () => {
      bodies.push(raw ? JSON.parse(raw) : null);
      res.writeHead(status, { 'content-type': contentType });
      res.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, bodies };
}
const sse = (events: object[]) => events.map((e) => `event: ${(e as { type: string }).type}\ndata: ${JSON.stringify(e)}\n\n`).join('');

describe('documented examples', () => {
  test('non-streamed text response with usage and cached tokens', async () => {
    // Shape of the "Response" example of POST /v2/chat.
    const fx = await fixtureServer(200, 'application/json', JSON.stringify({
      id: 'c14c80c3-18eb-4519-9460-6c92edd8cfb4', finish_reason: 'COMPLETE',
      message: { role: 'assistant', content: [{ type: 'text', text: 'LLMs stand for Large Language Models.' }] },
      usage: { billed_units: { input_tokens: 17, output_tokens: 12 }, tokens: { input_tokens: 215, output_tokens: 12 }, cached_tokens: 192 },
    }));
    const p = new CohereProvider(config(fx.url), kind);
    try {
      const call = newCall();
      const r = await p.chat({ model: 'x', messages: [{ role: 'user', content: 'hello world' }] }, 'command-a-03-2025', call);
      assert.equal(r.id, 'c14c80c3-18eb-4519-9460-6c92edd8cfb4');
      assert.equal(r.model, 'command-a-03-2025');
      assert.deepEqual(r.choices, [{ index: 0, message: { role: 'assistant', content: 'LLMs stand for Large Language Models.' }, finish_reason: 'stop' }]);
      assert.deepEqual(r.usage, { prompt_tokens: 215, completion_tokens: 12, total_tokens: 227, prompt_tokens_details: { cached_tokens: 192 } });
      assert.deepEqual(fx.bodies[0], { model: 'command-a-03-2025', messages: [{ role: 'user', content: 'hello world' }] });
      assert.ok(call.upstreamEnd >= call.upstreamStart && call.upstreamStart > 0);
    } finally { await p.close(); fx.server.close(); }
  });

  test('streamed text with thinking, tool plan and parallel tool calls (documented event sequence)', async () => {
    const ev = [
      { id: '29f14a5a-11de-4cae-9800-25e4747408ea', type: 'message-start', delta: { message: { role: 'assistant', content: [], tool_plan: '', tool_calls: [], citations: [] } } },
      { type: 'content-start', index: 0, delta: { message: { content: { type: 'thinking', thinking: '' } } } },
      { type: 'content-delta', index: 0, delta: { message: { content: { thinking: 'The user wants' } } } },
      { type: 'content-delta', index: 0, delta: { message: { content: { thinking: ' weather.' } } } },
      { type: 'content-end', index: 0 },
      { type: 'tool-plan-delta', delta: { message: { tool_plan: 'I will use' } } },
      { type: 'tool-plan-delta', delta: { message: { tool_plan: ' the tools.' } } },
      { type: 'tool-call-start', index: 0, delta: { message: { tool_calls: { id: 'weather_e8p4pn45zt0t', type: 'function', function: { name: 'weather', arguments: '' } } } } },
      { type: 'tool-call-delta', index: 0, delta: { message: { tool_calls: { function: { arguments: '{"' } } } } },
      { type: 'tool-call-delta', index: 0, delta: { message: { tool_calls: { function: { arguments: 'location' } } } } },
      { type: 'tool-call-delta', index: 0, delta: { message: { tool_calls: { function: { arguments: '": "San Francisco"}' } } } } },
      { type: 'tool-call-end', index: 0 },
      { type: 'tool-call-start', index: 1, delta: { message: { tool_calls: { id: 'cityAttractions_pyxssbwnq9fq', type: 'function', function: { name: 'cityAttractions', arguments: '' } } } } },
      { type: 'tool-call-delta', index: 1, delta: { message: { tool_calls: { function: { arguments: '{"city": "S' } } } } },
      { type: 'tool-call-delta', index: 1, delta: { message: { tool_calls: { function: { arguments: 'an Francisco"}' } } } } },
      { type: 'tool-call-end', index: 1 },
      { type: 'message-end', delta: { finish_reason: 'TOOL_CALL', usage: { billed_units: { input_tokens: 119, output_tokens: 44 }, tokens: { input_tokens: 1549, output_tokens: 95 }, cached_tokens: 1504 } } },
    ];
    const fx = await fixtureServer(200, 'text/event-stream', sse(ev));
    const p = new CohereProvider(config(fx.url), kind);
    try {
      const chunks = await collect(await p.chatStream({ model: 'x', messages: [{ role: 'user', content: 'weather?' }], stream: true }, 'command-a', newCall()));
      assert.deepEqual(chunks[0]!.choices[0]!.delta, { role: 'assistant', content: '' });
      assert.equal(chunks[0]!.id, '29f14a5a-11de-4cae-9800-25e4747408ea');
      assert.equal(chunks.map((c) => c.choices[0]?.delta.reasoning_content ?? '').join(''), 'The user wants weather.');
      assert.equal(textOf(chunks), 'I will use the tools.');
      const tc = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
      assert.deepEqual(tc.filter((t) => t.id), [
        { index: 0, id: 'weather_e8p4pn45zt0t', type: 'function', function: { name: 'weather', arguments: '' } },
        { index: 1, id: 'cityAttractions_pyxssbwnq9fq', type: 'function', function: { name: 'cityAttractions', arguments: '' } },
      ]);
      const args = (i: number) => tc.filter((t) => t.index === i).map((t) => t.function?.arguments ?? '').join('');
      assert.equal(args(0), '{"location": "San Francisco"}');
      assert.equal(args(1), '{"city": "San Francisco"}');
      const finish = chunks.at(-2)!;
      assert.deepEqual(finish.choices, [{ index: 0, delta: {}, finish_reason: 'tool_calls' }]);
      const last = chunks.at(-1)!;
      assert.deepEqual(last.choices, []);
      assert.deepEqual(last.usage, { prompt_tokens: 1549, completion_tokens: 95, total_tokens: 1644, prompt_tokens_details: { cached_tokens: 1504 } });
    } finally { await p.close(); fx.server.close(); }
  });

  test('an error answer {"message": ...} keeps status and message', async () => {
    const fx = await fixtureServer(422, 'application/json', JSON.stringify({ message: 'invalid request: too many tokens' }));
    const p = new CohereProvider(config(fx.url), kind);
    try {
      await assert.rejects(p.chat({ model: 'x', messages: [{ role: 'user', content: 'x' }] }, 'command-a', newCall()), (e: unknown) => {
        assert.ok(e instanceof GatewayError);
        assert.equal(e.status, 422);
        assert.equal(e.message, 'co: invalid request: too many tokens');
        assert.equal(e.provider, 'co');
        return true;
      });
    } finally { await p.close(); fx.server.close(); }
  });
});

describe('against the Cohere mock upstream', () => {
  let mock: CohereMock;
  let p: CohereProvider;
  before(async () => {
    mock = await startCohereMock({ requireKey: 'co-test-key' });
    p = new CohereProvider(config(mock.url), kind);
  });
  after(async () => { await p.close(); await mock.close(); });

  test('request mapping: system, images (URL and base64), stop, sampling, response_format', async () => {
    mock.reset();
    const dataUrl = 'data:image/png;base64,iVBORw0KGgo=';
    const req: ChatRequest = {
      model: 'co/command-a', temperature: 0.3, top_p: 0.9, max_tokens: 50, stop: ['END'], seed: 7,
      response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object' } } },
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: [{ type: 'text', text: 'what is shown' }, { type: 'image_url', image_url: { url: 'https://example.com/a.png', detail: 'low' } }, { type: 'image_url', image_url: { url: dataUrl } }] },
      ],
    };
    const r = await p.chat(req, 'command-a-vision-07-2025', newCall());
    assert.equal(r.choices[0]!.message.content, 'echo: what is shown [images: 2]');
    assert.equal(mock.requests[0]!.headers.authorization, 'Bearer co-test-key');
    assert.equal(mock.requests[0]!.path, '/v2/chat');
    assert.deepEqual(mock.requests[0]!.body, {
      model: 'command-a-vision-07-2025',
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: [{ type: 'text', text: 'what is shown' }, { type: 'image_url', image_url: { url: 'https://example.com/a.png', detail: 'low' } }, { type: 'image_url', image_url: { url: dataUrl } }] },
      ],
      response_format: { type: 'json_object', json_schema: { type: 'object' } },
      stop_sequences: ['END'], max_tokens: 50, temperature: 0.3, p: 0.9, seed: 7,
    });
  });

  test('usage, max_tokens truncation -> finish_reason length', async () => {
    const r = await p.chat({ model: 'x', messages: [{ role: 'user', content: 'one two three four' }], max_tokens: 3 }, 'command-a-03-2025', newCall());
    assert.equal(r.choices[0]!.message.content, 'echo: one two');
    assert.equal(r.choices[0]!.finish_reason, 'length');
    assert.deepEqual(r.usage, { prompt_tokens: 4 + COHERE_PREAMBLE_TOKENS, completion_tokens: 3, total_tokens: 4 + COHERE_PREAMBLE_TOKENS + 3, prompt_tokens_details: { cached_tokens: COHERE_CACHED_TOKENS } });
  });

  test('streamed text: role first, every word, finish, one usage-only chunk last', async () => {
    mock.reset();
    const chunks = await collect(await p.chatStream({ model: 'x', messages: [{ role: 'user', content: 'stream me please' }], stream: true }, 'command-a-03-2025', newCall()));
    assert.deepEqual(chunks[0]!.choices[0]!.delta, { role: 'assistant', content: '' });
    assert.equal(textOf(chunks), 'echo: stream me please');
    assert.equal(chunks.filter((c) => c.choices[0]?.delta.content).length, 4);
    assert.equal(chunks.at(-2)!.choices[0]!.finish_reason, 'stop');
    assert.deepEqual(chunks.at(-1)!.choices, []);
    assert.deepEqual(chunks.at(-1)!.usage, { prompt_tokens: 3 + COHERE_PREAMBLE_TOKENS, completion_tokens: 4, total_tokens: 3 + COHERE_PREAMBLE_TOKENS + 4, prompt_tokens_details: { cached_tokens: COHERE_CACHED_TOKENS } });
    assert.equal(chunks.filter((c) => c.usage).length, 1);
    assert.equal(mock.requests[0]!.body.stream, true);
    assert.equal(mock.requests[0]!.headers.accept, 'text/event-stream');
  });

  test('a streamed parallel tool call is reassembled exactly (unicode and escapes included)', async () => {
    mock.reset();
    const user = 'parallel: météo "Paris" \\ 😀';
    const tools = ['get_weather', 'get_time'].map((name) => ({ type: 'function' as const, function: { name, description: `d ${name}`, parameters: { type: 'object', properties: { city: { type: 'string' } } } } }));
    const chunks = await collect(await p.chatStream({ model: 'x', messages: [{ role: 'user', content: user }], tools, tool_choice: 'required', stream: true }, 'command-a-03-2025', newCall()));
    const deltas = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    const heads = deltas.filter((d) => d.id);
    assert.deepEqual(heads, [
      { index: 0, id: cohereToolCallId(1, 'get_weather', 0), type: 'function', function: { name: 'get_weather', arguments: '' } },
      { index: 1, id: cohereToolCallId(1, 'get_time', 1), type: 'function', function: { name: 'get_time', arguments: '' } },
    ]);
    for (const i of [0, 1]) {
      const frags = deltas.filter((d) => d.index === i && !d.id).map((d) => d.function!.arguments!);
      assert.ok(frags.length > 3, 'arguments arrive in several fragments');
      assert.equal(frags.join(''), cohereToolArguments(user));
    }
    assert.equal(textOf(chunks), 'I will call get_weather and get_time.');
    assert.equal(chunks.at(-2)!.choices[0]!.finish_reason, 'tool_calls');
    assert.deepEqual(mock.requests[0]!.body.tools, tools.map((t) => ({ type: 'function', function: { name: t.function.name, description: t.function.description, parameters: t.function.parameters } })));
    assert.equal(mock.requests[0]!.body.tool_choice, 'REQUIRED');
  });

  test('non-streamed tool calls, tool results and a named tool_choice', async () => {
    mock.reset();
    const tools = ['a_tool', 'b_tool'].map((name) => ({ type: 'function' as const, function: { name } }));
    const r = await p.chat({ model: 'x', messages: [{ role: 'user', content: 'call it' }], tools, tool_choice: { type: 'function', function: { name: 'b_tool' } } }, 'command-a-03-2025', newCall());
    assert.deepEqual(mock.requests[0]!.body.tools, [{ type: 'function', function: { name: 'b_tool' } }]);
    assert.equal(mock.requests[0]!.body.tool_choice, 'REQUIRED');
    assert.equal(r.choices[0]!.finish_reason, 'tool_calls');
    assert.equal(r.choices[0]!.message.content, 'I will call b_tool.');
    assert.deepEqual(r.choices[0]!.message.tool_calls, [{ id: cohereToolCallId(1, 'b_tool', 0), type: 'function', function: { name: 'b_tool', arguments: cohereToolArguments('call it') } }]);

    const follow = await p.chat({
      model: 'x', tools,
      messages: [
        { role: 'user', content: 'call it' },
        { role: 'assistant', content: 'I will call b_tool.', tool_calls: r.choices[0]!.message.tool_calls },
        { role: 'tool', tool_call_id: cohereToolCallId(1, 'b_tool', 0), content: '{"temp":21}' },
      ],
    }, 'command-a-03-2025', newCall());
    assert.deepEqual(mock.requests[1]!.body.messages, [
      { role: 'user', content: 'call it' },
      { role: 'assistant', tool_plan: 'I will call b_tool.', tool_calls: [{ id: cohereToolCallId(1, 'b_tool', 0), type: 'function', function: { name: 'b_tool', arguments: cohereToolArguments('call it') } }] },
      { role: 'tool', tool_call_id: cohereToolCallId(1, 'b_tool', 0), content: '{"temp":21}' },
    ]);
    assert.equal(follow.choices[0]!.message.content, 'echo: call it');
  });

  test('unsupported parameters: 400 naming the parameter before any upstream call, or dropped with drop_params', async () => {
    mock.reset();
    await assert.rejects(p.chat({ model: 'x', messages: [{ role: 'user', content: 'x' }], n: 2 }, 'command-a', newCall()), (e: unknown) => {
      assert.ok(e instanceof GatewayError);
      assert.deepEqual([e.status, e.param, e.code], [400, 'n', 'unsupported_parameter']);
      return true;
    });
    await assert.rejects(p.chat({ model: 'x', messages: [{ role: 'user', content: 'x' }], logit_bias: { 1: 2 } }, 'command-a', newCall()), (e: unknown) => (e as GatewayError).param === 'logit_bias');
    assert.equal(mock.requests.length, 0);
    const call = newCall(true);
    const r = await p.chat({ model: 'x', messages: [{ role: 'user', content: 'x' }], n: 2, logit_bias: { 1: 2 }, user: 'u1' }, 'command-a', call);
    assert.equal(r.choices[0]!.message.content, 'echo: x');
    assert.deepEqual(call.dropped, ['n', 'logit_bias', 'user']);
    assert.deepEqual(Object.keys(mock.requests[0]!.body).sort(), ['messages', 'model']);
  });

  test('upstream errors keep status and message; streams fail before the first byte with the status', async () => {
    mock.reset();
    mock.fail({ status: 429, message: 'You are using a Trial key, which is limited to 10 API calls / minute.' });
    await assert.rejects(p.chat({ model: 'x', messages: [{ role: 'user', content: 'x' }] }, 'command-a', newCall()), (e: unknown) => {
      assert.ok(e instanceof GatewayError);
      assert.deepEqual([e.status, e.type, e.message], [429, 'rate_limit_error', 'co: You are using a Trial key, which is limited to 10 API calls / minute.']);
      return true;
    });
    mock.fail({ status: 401, message: 'invalid api token' });
    await assert.rejects(p.chatStream({ model: 'x', messages: [{ role: 'user', content: 'x' }], stream: true }, 'command-a', newCall()), (e: unknown) => (e as GatewayError).status === 401);
  });

  test('a mid-stream error event and a truncated stream throw after the chunks already read', async () => {
    mock.reset();
    mock.fail({ errorAfterEvents: 3, message: 'generation failed' });
    const seen: ChatChunk[] = [];
    await assert.rejects(async () => { for await (const b of await p.chatStream({ model: 'x', messages: [{ role: 'user', content: 'a b c d' }], stream: true }, 'command-a', newCall())) seen.push(...b); }, (e: unknown) => {
      assert.ok(e instanceof GatewayError);
      assert.deepEqual([e.status, e.code, e.message], [502, 'upstream_stream_error', 'co: generation failed']);
      return true;
    });
    assert.equal(textOf(seen), 'echo: ');
    mock.fail({ cutAfterEvents: 4 });
    await assert.rejects(async () => { for await (const _ of await p.chatStream({ model: 'x', messages: [{ role: 'user', content: 'a b c d' }], stream: true }, 'command-a', newCall())) { /* read */ } }, (e: unknown) => (e as GatewayError).code === 'upstream_stream_truncated');
  });

  test('embeddings (float and base64), models, and no legacy completions', async () => {
    mock.reset();
    const r = await p.embeddings({ model: 'x', input: ['hello world', 'bye'], dimensions: 4 }, 'embed-v4.0', newCall());
    assert.deepEqual(mock.requests[0]!.body, { model: 'embed-v4.0', texts: ['hello world', 'bye'], input_type: 'search_document', embedding_types: ['float'], output_dimension: 4 });
    assert.equal(r.data.length, 2);
    assert.equal((r.data[0]!.embedding as number[]).length, 4);
    assert.deepEqual(r.usage, { prompt_tokens: 3, total_tokens: 3 });
    const b = await p.embeddings({ model: 'x', input: 'hello world', dimensions: 4, encoding_format: 'base64' }, 'embed-v4.0', newCall());
    const bytes = Buffer.from(b.data[0]!.embedding as string, 'base64');
    const decoded = Array.from({ length: bytes.length / 4 }, (_, i) => bytes.readFloatLE(i * 4));
    assert.deepEqual(decoded, r.data[0]!.embedding);
    assert.deepEqual(await p.listModels(newCall()), ['command-a-03-2025', 'command-a-vision-07-2025', 'embed-v4.0']);
    await assert.rejects(p.completions(), (e: unknown) => (e as GatewayError).status === 400 && (e as GatewayError).code === 'unsupported_endpoint');
  });
});
