/**
 * The gemini adapter against a mock upstream that speaks the documented Gemini wire format
 * (https://ai.google.dev/api/generate-content): request conversion, responses, streams, tools, images,
 * usage, errors, embeddings and the model list.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { ResolvedProvider } from '../../src/config/index.js';
import { GatewayError } from '../../src/core/errors.js';
import type { ChatChunk, ChatRequest } from '../../src/core/types.js';
import { providerKind } from '../../src/providers/catalog.js';
import { GeminiProvider } from '../../src/providers/gemini/index.js';
import { fromGeminiResponse, GeminiStreamTranslator } from '../../src/providers/gemini/convert.js';
import type { CallContext } from '../../src/providers/types.js';
import { geminiMockVector, geminiReplyText, startGeminiMock, type GeminiMock } from '../mocks/gemini-upstream.js';

let mock: GeminiMock;
let provider: GeminiProvider;

const call = (over: Partial<CallContext> = {}): CallContext => ({
  signal: AbortSignal.timeout(10_000), requestId: 'r1', upstreamStart: 0, upstreamEnd: 0, dropped: [], ...over,
});

function config(baseUrl: string, over: Partial<ResolvedProvider> = {}): ResolvedProvider {
  return {
    name: 'gemini', kind: 'gemini', adapter: 'gemini', baseUrl, apiKey: 'AIza-test-key', headers: {}, timeoutMs: 10_000,
    keys: [{ id: 'k0', apiKey: 'AIza-test-key', weight: 1 }], connectTimeoutMs: 5_000, maxConnections: 4, latencyMs: 0, options: {}, ...over,
  } as ResolvedProvider;
}

async function collect(stream: AsyncIterable<ChatChunk[]>): Promise<ChatChunk[]> {
  const out: ChatChunk[] = [];
  for await (const b of stream) out.push(...b);
  return out;
}

const tools: ChatRequest['tools'] = ['get_weather', 'get_time'].map((name) => ({
  type: 'function' as const, function: { name, description: `${name} tool`, parameters: { type: 'object', properties: { input: { type: 'string' } }, additionalProperties: false } },
}));

before(async () => {
  mock = await startGeminiMock({ requireKey: 'AIza-test-key' });
  provider = new GeminiProvider(config(mock.url), providerKind('gemini')!);
});
after(async () => { await provider.close(); await mock.close(); });
beforeEach(() => { mock.requests.length = 0; mock.options.streamFault = undefined; mock.options.cachedTokens = undefined; });

describe('gemini chat', () => {
  test('text: request conversion, response, usage', async () => {
    const c = call();
    const r = await provider.chat({
      model: 'x', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'hello there' }],
      temperature: 0.3, top_p: 0.9, max_tokens: 50, stop: ['END'], seed: 7,
    }, 'gemini-2.5-flash', c);
    assert.equal(r.choices[0].message.content, geminiReplyText('hello there'));
    assert.equal(r.choices[0].finish_reason, 'stop');
    assert.equal(r.model, 'gemini-2.5-flash');
    assert.deepEqual(r.usage, { prompt_tokens: 4, completion_tokens: 6, total_tokens: 10, prompt_tokens_details: { cached_tokens: 0 } });
    assert.ok(c.upstreamEnd >= c.upstreamStart && c.upstreamStart > 0);
    const sent = mock.requests[0];
    assert.equal(sent.path, '/v1beta/models/gemini-2.5-flash:generateContent');
    assert.equal(sent.headers['x-goog-api-key'], 'AIza-test-key');
    assert.deepEqual(sent.body, {
      contents: [{ role: 'user', parts: [{ text: 'hello there' }] }],
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
      generationConfig: { temperature: 0.3, topP: 0.9, maxOutputTokens: 50, stopSequences: ['END'], seed: 7 },
    });
  });

  test('images as base64 data URL and as URL', async () => {
    const r = await provider.chat({
      model: 'x', messages: [{ role: 'user', content: [
        { type: 'text', text: 'what is this' },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
        { type: 'image_url', image_url: { url: 'https://example.com/cat.webp' } },
      ] }],
    }, 'gemini-2.5-flash', call());
    assert.equal(r.choices[0].message.content, geminiReplyText('what is this', ['image/png', 'https://example.com/cat.webp']));
    assert.deepEqual(mock.requests[0].body.contents[0].parts, [
      { text: 'what is this' },
      { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
      { fileData: { mimeType: 'image/webp', fileUri: 'https://example.com/cat.webp' } },
    ]);
  });

  test('tool call: declarations, tool_choice, synthesized ids, finish_reason', async () => {
    const r = await provider.chat({ model: 'x', messages: [{ role: 'user', content: 'weather in Paris' }], tools, tool_choice: { type: 'function', function: { name: 'get_time' } } }, 'g', call());
    const sent = mock.requests[0].body;
    assert.deepEqual(sent.tools, [{ functionDeclarations: [
      { name: 'get_weather', description: 'get_weather tool', parameters: { type: 'object', properties: { input: { type: 'string' } } } },
      { name: 'get_time', description: 'get_time tool', parameters: { type: 'object', properties: { input: { type: 'string' } } } },
    ] }]);
    assert.deepEqual(sent.toolConfig, { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_time'] } });
    const m = r.choices[0].message;
    assert.equal(m.content, null);
    assert.equal(r.choices[0].finish_reason, 'tool_calls');
    assert.equal(m.tool_calls!.length, 1);
    assert.equal(m.tool_calls![0].function.name, 'get_time');
    assert.equal(m.tool_calls![0].function.arguments, JSON.stringify({ input: 'weather in Paris', index: 0 }));
    assert.match(m.tool_calls![0].id, /^call_mockresp\d+_0_0$/);
  });

  test('tool results are mapped back to the call by id, and by order when the id is unknown', async () => {
    const r = await provider.chat({ model: 'x', tools, messages: [
      { role: 'user', content: 'parallel please' },
      { role: 'assistant', content: null, tool_calls: [
        { id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
        { id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '{}' } },
      ] },
      { role: 'tool', tool_call_id: 'call_a', content: '{"temp":21}' },
      { role: 'tool', tool_call_id: 'unknown-id', content: 'noon' },
    ] }, 'g', call());
    assert.deepEqual(mock.requests[0].body.contents, [
      { role: 'user', parts: [{ text: 'parallel please' }] },
      { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } } }, { functionCall: { name: 'get_time', args: {} } }] },
      { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { temp: 21 } } }, { functionResponse: { name: 'get_time', response: { result: 'noon' } } }] },
    ]);
    assert.equal(r.choices[0].message.content, 'Gemini mock got tool results: get_weather={"temp":21}; get_time={"result":"noon"}');
  });

  test('JSON mode with a schema, reasoning effort, thoughts and cached tokens', async () => {
    mock.options.cachedTokens = 3;
    const r = await provider.chat({
      model: 'x', messages: [{ role: 'user', content: 'think hard' }], reasoning_effort: 'low',
      response_format: { type: 'json_schema', json_schema: { name: 'r', schema: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false, $schema: 'x' } } },
    }, 'g', call());
    assert.deepEqual(mock.requests[0].body.generationConfig, {
      responseMimeType: 'application/json', responseSchema: { type: 'object', properties: { a: { type: 'string' } } },
      thinkingConfig: { thinkingBudget: 1024, includeThoughts: true },
    });
    assert.equal(r.choices[0].message.reasoning_content, 'Thinking about: think hard');
    assert.deepEqual(r.usage, {
      prompt_tokens: 2, completion_tokens: 6 + 4, total_tokens: 12, prompt_tokens_details: { cached_tokens: 3 }, completion_tokens_details: { reasoning_tokens: 4 },
    });
  });

  test('unsupported parameters: 400 naming the parameter before any upstream call, or dropped', async () => {
    await assert.rejects(provider.chat({ model: 'x', messages: [{ role: 'user', content: 'x' }], logit_bias: { 1: 2 } }, 'g', call()), (e: GatewayError) => {
      assert.equal(e.status, 400);
      assert.equal(e.param, 'logit_bias');
      assert.equal(e.code, 'unsupported_parameter');
      return true;
    });
    assert.equal(mock.requests.length, 0);
    const c = call({ dropParams: true });
    await provider.chat({ model: 'x', messages: [{ role: 'user', content: 'x' }], logit_bias: { 1: 2 }, tools, parallel_tool_calls: false }, 'g', c);
    assert.deepEqual(c.dropped, ['logit_bias', 'parallel_tool_calls']);
  });

  test('upstream errors keep status, message and Google status as code', async () => {
    mock.failNext(429, 'Resource has been exhausted (e.g. check quota).');
    await assert.rejects(provider.chat({ model: 'x', messages: [{ role: 'user', content: 'x' }] }, 'g', call()), (e: GatewayError) => {
      assert.equal(e.status, 429);
      assert.equal(e.type, 'rate_limit_error');
      assert.equal(e.code, 'RESOURCE_EXHAUSTED');
      assert.equal(e.message, 'gemini: Resource has been exhausted (e.g. check quota).');
      assert.equal(e.provider, 'gemini');
      return true;
    });
    const bad = new GeminiProvider(config(mock.url, { apiKey: 'wrong' }), providerKind('gemini')!);
    await assert.rejects(bad.chat({ model: 'x', messages: [{ role: 'user', content: 'x' }] }, 'g', call()), (e: GatewayError) => e.status === 400 && e.code === 'INVALID_ARGUMENT' && /API key not valid/.test(e.message));
    await bad.close();
  });

  test('a refused connection is a 502 naming the provider', async () => {
    const dead = new GeminiProvider(config('http://127.0.0.1:1'), providerKind('gemini')!);
    await assert.rejects(dead.chat({ model: 'x', messages: [{ role: 'user', content: 'x' }] }, 'g', call()), (e: GatewayError) => e.status === 502 && e.code === 'upstream_connection_error');
    await dead.close();
  });
});

describe('gemini streams', () => {
  test('text: role first, content pieces, finish, one usage-only chunk last', async () => {
    const chunks = await collect(await provider.chatStream({ model: 'x', messages: [{ role: 'user', content: 'stream me please' }] }, 'gemini-2.5-flash', call()));
    assert.match(mock.requests[0].path, /^\/v1beta\/models\/gemini-2\.5-flash:streamGenerateContent\?alt=sse$/);
    assert.deepEqual(chunks[0].choices[0].delta, { role: 'assistant', content: '' });
    const text = chunks.flatMap((c) => c.choices.map((ch) => ch.delta.content ?? '')).join('');
    assert.equal(text, geminiReplyText('stream me please'));
    assert.ok(chunks.filter((c) => c.choices.some((ch) => typeof ch.delta.content === 'string' && ch.delta.content)).length >= 5);
    const fin = chunks.filter((c) => c.choices.some((ch) => ch.finish_reason));
    assert.equal(fin.length, 1);
    assert.equal(fin[0].choices[0].finish_reason, 'stop');
    const last = chunks[chunks.length - 1];
    assert.deepEqual(last.choices, []);
    assert.deepEqual(last.usage, { prompt_tokens: 3, completion_tokens: 7, total_tokens: 10, prompt_tokens_details: { cached_tokens: 0 } });
    assert.equal(chunks.filter((c) => c.usage).length, 1);
  });

  test('parallel tool calls: headers then argument fragments, reassembled exactly', async () => {
    const chunks = await collect(await provider.chatStream({ model: 'x', messages: [{ role: 'user', content: 'parallel "quoted" ü' }], tools }, 'g', call()));
    const calls: Array<{ id?: string; name?: string; args: string }> = [];
    for (const c of chunks) for (const d of c.choices[0]?.delta.tool_calls ?? []) {
      if (d.id) {
        assert.equal(d.index, calls.length);
        assert.equal(d.function?.arguments, '');
        calls.push({ id: d.id, name: d.function?.name, args: '' });
      } else calls[d.index].args += d.function?.arguments ?? '';
    }
    assert.deepEqual(calls.map((c) => [c.name, c.args]), [
      ['get_weather', JSON.stringify({ input: 'parallel "quoted" ü', index: 0 })],
      ['get_time', JSON.stringify({ input: 'parallel "quoted" ü', index: 1 })],
    ]);
    assert.notEqual(calls[0].id, calls[1].id);
    assert.equal(chunks.find((c) => c.choices[0]?.finish_reason)?.choices[0].finish_reason, 'tool_calls');
  });

  test('a mid-stream error event is thrown as a GatewayError', async () => {
    mock.options.streamFault = 'error';
    const stream = await provider.chatStream({ model: 'x', messages: [{ role: 'user', content: 'one two three' }] }, 'g', call());
    await assert.rejects(collect(stream), (e: GatewayError) => e instanceof GatewayError && e.status === 500 && e.code === 'INTERNAL' && e.message === 'gemini: mock mid-stream failure');
  });

  test('a body that ends before finishReason is thrown as truncated', async () => {
    mock.options.streamFault = 'truncate';
    const stream = await provider.chatStream({ model: 'x', messages: [{ role: 'user', content: 'one two' }] }, 'g', call());
    await assert.rejects(collect(stream), (e: GatewayError) => e.status === 502 && e.code === 'upstream_stream_truncated');
  });

  test('a non-2xx answer rejects chatStream itself', async () => {
    mock.failNext(503, 'The model is overloaded.');
    await assert.rejects(provider.chatStream({ model: 'x', messages: [{ role: 'user', content: 'x' }] }, 'g', call()), (e: GatewayError) => e.status === 503 && e.code === 'UNAVAILABLE');
  });
});

describe('documented response fixtures', () => {
  test('finish reasons, blocked prompts and multiple candidates', () => {
    const r = fromGeminiResponse({
      candidates: [
        { index: 0, content: { role: 'model', parts: [{ text: 'cut' }] }, finishReason: 'MAX_TOKENS' },
        { index: 1, content: { role: 'model', parts: [] }, finishReason: 'SAFETY' },
      ],
      usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 1, totalTokenCount: 11 }, responseId: 'abc', modelVersion: 'gemini-2.0-flash',
    }, 'm');
    assert.deepEqual(r.choices.map((c) => c.finish_reason), ['length', 'content_filter']);
    assert.equal(r.id, 'chatcmpl-abc');
    const blocked = fromGeminiResponse({ promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: { promptTokenCount: 4, totalTokenCount: 4 } }, 'm');
    assert.deepEqual(blocked.choices[0], { index: 0, message: { role: 'assistant', content: '' }, finish_reason: 'content_filter', logprobs: null });
  });

  test('stream translator: thoughts become reasoning_content', () => {
    const t = new GeminiStreamTranslator('m', 'gemini');
    const out = t.event({ responseId: 'r', candidates: [{ content: { role: 'model', parts: [{ text: 'hmm', thought: true }, { text: 'Hi' }] } }] });
    assert.deepEqual(out.map((c) => c.choices[0].delta), [{ role: 'assistant', content: '' }, { reasoning_content: 'hmm' }, { content: 'Hi' }]);
    assert.equal(t.done, false);
  });
});

describe('gemini embeddings, models, completions', () => {
  test('embeddings as floats and base64 via batchEmbedContents', async () => {
    const r = await provider.embeddings({ model: 'x', input: ['alpha', 'beta gamma'], dimensions: 4 }, 'text-embedding-004', call());
    assert.equal(mock.requests[0].path, '/v1beta/models/text-embedding-004:batchEmbedContents');
    assert.deepEqual(mock.requests[0].body.requests[1], { model: 'models/text-embedding-004', content: { parts: [{ text: 'beta gamma' }] }, outputDimensionality: 4 });
    assert.deepEqual(r.data.map((d) => d.embedding), [geminiMockVector('alpha', 4), geminiMockVector('beta gamma', 4)]);
    assert.deepEqual(r.usage, { prompt_tokens: 3, total_tokens: 3 });
    const b = await provider.embeddings({ model: 'x', input: 'alpha', encoding_format: 'base64', dimensions: 4 }, 'e', call());
    const buf = Buffer.from(b.data[0].embedding as string, 'base64');
    assert.deepEqual(Array.from({ length: 4 }, (_, i) => buf.readFloatLE(i * 4)), geminiMockVector('alpha', 4).map((v) => Math.fround(v)));
  });

  test('listModels strips the models/ prefix; completions are unsupported', async () => {
    assert.deepEqual(await provider.listModels(call()), ['gemini-mock-flash', 'gemini-mock-embed']);
    await assert.rejects(provider.completions({ model: 'x', prompt: 'p' }, 'g', call()), (e: GatewayError) => e.status === 400 && e.code === 'unsupported_endpoint');
  });
});
