/**
 * Self-test of the fake OpenAI upstream (test/mocks): the official openai SDK must accept everything it sends,
 * answers must be exactly the documented deterministic values, and every fault kind must look to a client
 * like the real failure it imitates.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import OpenAI, { APIConnectionError, APIUserAbortError, AuthenticationError, BadRequestError, InternalServerError, RateLimitError } from 'openai';
import {
  DEFAULT_EMBEDDING_DIMENSIONS, embeddingToBase64, fragmentText, isWellFormedUtf16, mockEmbedding, mockToolArguments,
  spawnOpenAIMock, startOpenAIMock, type OpenAIMock,
} from '../mocks/index.js';

const T = { timeout: 15_000 };
const weatherTools = ['get_weather', 'get_time', 'get_news', 'get_tides'].map((name) => ({
  type: 'function' as const,
  function: { name, description: `${name} tool`, parameters: { type: 'object', properties: { city: { type: 'string' } } } },
}));

function sdk(mock: { url: string }, apiKey = 'sk-test-key'): OpenAI {
  return new OpenAI({ apiKey, baseURL: mock.url, maxRetries: 0, timeout: 10_000 });
}

async function postJson(url: string, body: unknown, init: RequestInit = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test-key' }, body: JSON.stringify(body), ...init });
}

/** Joins streamed tool-call fragments per index, as a client must. */
function reassembleToolCalls(chunks: OpenAI.Chat.Completions.ChatCompletionChunk[]): Array<{ id: string; name: string; arguments: string; fragments: string[] }> {
  const calls: Array<{ id: string; name: string; arguments: string; fragments: string[] }> = [];
  for (const ch of chunks) {
    for (const tc of ch.choices[0]?.delta.tool_calls ?? []) {
      const call = (calls[tc.index] ??= { id: '', name: '', arguments: '', fragments: [] });
      if (tc.id) call.id = tc.id;
      if (tc.function?.name) call.name = tc.function.name;
      if (tc.function?.arguments) { call.arguments += tc.function.arguments; call.fragments.push(tc.function.arguments); }
    }
  }
  return calls;
}

describe('OpenAI mock, in-process', () => {
  let mock: OpenAIMock;
  let client: OpenAI;
  before(async () => { mock = await startOpenAIMock(); client = sdk(mock); });
  after(async () => { await mock.close(); });
  beforeEach(() => mock.reset());

  test('chat completion: exact echo, ids, usage, realistic headers, recorded request', T, async () => {
    const { data, response } = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'Hello, world' }],
    }).withResponse();
    assert.equal(data.object, 'chat.completion');
    assert.equal(data.id, 'chatcmpl-mock1');
    assert.equal(data.model, 'gpt-4o-mini');
    assert.equal(data.system_fingerprint, 'fp_mock');
    assert.deepEqual(data.choices, [{ index: 0, message: { role: 'assistant', content: 'echo: Hello, world', refusal: null, annotations: [] }, logprobs: null, finish_reason: 'stop' }]);
    assert.deepEqual(data.usage, {
      prompt_tokens: 4, completion_tokens: 3, total_tokens: 7,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    });
    assert.equal(response.headers.get('content-type'), 'application/json');
    assert.equal(response.headers.get('x-request-id'), 'req_mock1');
    assert.equal(response.headers.get('x-mock-extra-fields'), null);
    assert.equal(mock.requests.length, 1);
    const rec = mock.requests[0]!;
    assert.equal(rec.method, 'POST');
    assert.equal(rec.path, '/v1/chat/completions');
    assert.equal(rec.headers['authorization'], 'Bearer sk-test-key');
    assert.equal(rec.headers['content-type'], 'application/json');
    assert.deepEqual(rec.body, { model: 'gpt-4o-mini', messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'Hello, world' }] });
    assert.ok(Math.abs(rec.receivedAt - Date.now()) < 5000);
  });

  test('chat: array content with images, max_tokens truncation, n choices and logprobs', T, async () => {
    const img = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: [
        { type: 'text', text: 'what is' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
        { type: 'text', text: 'here?' }, { type: 'image_url', image_url: { url: 'https://example.invalid/x.png' } },
      ] }],
    });
    assert.equal(img.choices[0]!.message.content, 'echo: what is here? [images: 2]');

    const cut = await client.chat.completions.create({ model: 'gpt-4o', max_completion_tokens: 2, messages: [{ role: 'user', content: 'one two three' }] });
    assert.equal(cut.choices[0]!.message.content, 'echo: one');
    assert.equal(cut.choices[0]!.finish_reason, 'length');
    assert.equal(cut.usage!.completion_tokens, 2);

    const many = await client.chat.completions.create({ model: 'gpt-4o', n: 2, logprobs: true, top_logprobs: 2, messages: [{ role: 'user', content: 'hi ü' }] });
    assert.deepEqual(many.choices.map((c) => [c.index, c.message.content]), [[0, 'echo: hi ü'], [1, 'echo: hi ü']]);
    assert.equal(many.usage!.completion_tokens, 6);
    assert.deepEqual(many.choices[1]!.logprobs, {
      content: [
        { token: 'echo: ', logprob: -0.01, bytes: [101, 99, 104, 111, 58, 32], top_logprobs: [{ token: 'echo: ', logprob: -0.01, bytes: [101, 99, 104, 111, 58, 32] }, { token: 'alt1', logprob: -1.01, bytes: [97, 108, 116, 49] }] },
        { token: 'hi ', logprob: -0.02, bytes: [104, 105, 32], top_logprobs: [{ token: 'hi ', logprob: -0.02, bytes: [104, 105, 32] }, { token: 'alt1', logprob: -1.02, bytes: [97, 108, 116, 49] }] },
        { token: 'ü', logprob: -0.03, bytes: [195, 188], top_logprobs: [{ token: 'ü', logprob: -0.03, bytes: [195, 188] }, { token: 'alt1', logprob: -1.03, bytes: [97, 108, 116, 49] }] },
      ],
      refusal: null,
    });
  });

  test('chat: unknown top-level fields are listed in x-mock-extra-fields', T, async () => {
    const r = await postJson(`${mock.url}/chat/completions`, { model: 'm', messages: [{ role: 'user', content: 'x' }], zeta_option: 1, temperature: 0.2, alpha_flag: true });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('x-mock-extra-fields'), 'alpha_flag,zeta_option');
    await r.arrayBuffer();
  });

  test('streamed chat with include_usage: exact chunk sequence', T, async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini', stream: true, stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'tell me  a story' }],
    });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const c of stream) chunks.push(c);
    assert.deepEqual(chunks[0]!.choices[0]!.delta, { role: 'assistant', content: '', refusal: null });
    const pieces = chunks.slice(1, -2).map((c) => c.choices[0]!.delta.content);
    assert.deepEqual(pieces, ['echo: ', 'tell ', 'me  ', 'a ', 'story']);
    const last = chunks.at(-2)!;
    assert.deepEqual(last.choices, [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }]);
    for (const c of chunks.slice(0, -1)) { assert.equal(c.usage, null); assert.equal(c.object, 'chat.completion.chunk'); assert.equal(c.id, 'chatcmpl-mock1'); }
    const usageChunk = chunks.at(-1)!;
    assert.deepEqual(usageChunk.choices, []);
    assert.equal(usageChunk.usage!.prompt_tokens, 4);
    assert.equal(usageChunk.usage!.completion_tokens, 5);
    assert.equal(usageChunk.usage!.total_tokens, 9);
  });

  test('streamed chat without include_usage has no usage field and ends with [DONE]', T, async () => {
    const r = await postJson(`${mock.url}/chat/completions`, { model: 'm', stream: true, messages: [{ role: 'user', content: 'a b' }] });
    assert.equal(r.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    const text = await r.text();
    const events = text.split('\n\n').filter(Boolean);
    assert.equal(events.at(-1), 'data: [DONE]');
    assert.equal(events.length, 6); // role, "echo: ", "a ", "b", finish, [DONE]
    for (const e of events.slice(0, -1)) { assert.ok(e.startsWith('data: {')); assert.equal('usage' in JSON.parse(e.slice(6)), false); }
  });

  test('streamed parallel tool calls reassemble to the exact arguments JSON', T, async () => {
    const userText = 'Weather in "東京" and Zürich? 😀 parallel please \\ done\n';
    const expected = mockToolArguments(userText);
    assert.equal(expected, JSON.stringify({ city: 'Paris', unit: 'celsius', note: userText }));
    const stream = await client.chat.completions.create({ model: 'gpt-4o', stream: true, tools: weatherTools, messages: [{ role: 'user', content: userText }] });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const c of stream) chunks.push(c);
    const calls = reassembleToolCalls(chunks);
    assert.deepEqual(calls.map((c) => [c.id, c.name, c.arguments]), [
      ['call_mock1_0_0', 'get_weather', expected], ['call_mock1_0_1', 'get_time', expected], ['call_mock1_0_2', 'get_news', expected],
    ]);
    // Cuts fall inside JSON keys/strings ('{"ci' | 'ty":"Pa'), inside escapes and inside non-ASCII words ('d Z' | 'ürich?').
    assert.deepEqual(calls[0]!.fragments, [
      '{"ci', 'ty":"Pa', 'ris', '","uni', 't":"c', 'elsi', 'us","no', 'te"', ':"Weat', 'her i', 'n \\"', '東京\\" an', 'd Z',
      'ürich?', ' 😀 p', 'aral', 'lel ple', 'ase', ' \\\\ do', 'ne\\n"', '}',
    ]);
    assert.deepEqual(calls[2]!.fragments, calls[0]!.fragments);
    assert.ok(calls[0]!.fragments.every(isWellFormedUtf16));
    assert.equal(chunks.at(-1)!.choices[0]!.finish_reason, 'tool_calls');

    // The SDK's own stream helper must reassemble the same thing.
    const runner = client.chat.completions.stream({ model: 'gpt-4o', tools: weatherTools, messages: [{ role: 'user', content: userText }] });
    const final = await runner.finalChatCompletion();
    assert.deepEqual(final.choices[0]!.message.tool_calls!.map((c) => c.type === 'function' ? [c.function.name, c.function.arguments] : []), [
      ['get_weather', expected], ['get_time', expected], ['get_news', expected],
    ]);
  });

  test('non-streamed tool calls: one call by default, named tool_choice, none', T, async () => {
    const one = await client.chat.completions.create({ model: 'm', tools: weatherTools, messages: [{ role: 'user', content: 'weather?' }] });
    assert.equal(one.choices[0]!.finish_reason, 'tool_calls');
    assert.equal(one.choices[0]!.message.content, null);
    assert.deepEqual(one.choices[0]!.message.tool_calls, [{ id: 'call_mock1_0_0', type: 'function', function: { name: 'get_weather', arguments: mockToolArguments('weather?') } }]);
    assert.equal(one.usage!.completion_tokens, 1);
    const named = await client.chat.completions.create({ model: 'm', tools: weatherTools, tool_choice: { type: 'function', function: { name: 'get_news' } }, messages: [{ role: 'user', content: 'parallel' }] });
    assert.deepEqual(named.choices[0]!.message.tool_calls!.map((c) => c.type === 'function' && c.function.name), ['get_news']);
    const none = await client.chat.completions.create({ model: 'm', tools: weatherTools, tool_choice: 'none', messages: [{ role: 'user', content: 'parallel' }] });
    assert.equal(none.choices[0]!.message.content, 'echo: parallel');
  });

  test('embeddings: float, SDK-default base64 decoding, explicit base64, token inputs', T, async () => {
    const float = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['alpha', 'beta gamma'], encoding_format: 'float' });
    assert.equal(float.object, 'list');
    assert.deepEqual(float.data.map((d) => [d.object, d.index, d.embedding]), [
      ['embedding', 0, mockEmbedding('alpha')], ['embedding', 1, mockEmbedding('beta gamma')],
    ]);
    assert.equal(float.data[0]!.embedding.length, DEFAULT_EMBEDDING_DIMENSIONS);
    assert.deepEqual(float.usage, { prompt_tokens: 3, total_tokens: 3 });
    assert.ok(Math.abs(Math.hypot(...float.data[0]!.embedding) - 1) < 1e-6, 'unit length');
    assert.notDeepEqual(float.data[0]!.embedding, float.data[1]!.embedding);

    const decoded = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'alpha', dimensions: 12 });
    assert.equal(mock.requests.at(-1)!.body.encoding_format, 'base64', 'the SDK asks for base64 by default');
    assert.deepEqual(decoded.data[0]!.embedding, mockEmbedding('alpha', 12));

    const raw = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'alpha', encoding_format: 'base64' });
    assert.equal(raw.data[0]!.embedding as unknown as string, embeddingToBase64(mockEmbedding('alpha')));

    const tokens = await client.embeddings.create({ model: 'text-embedding-3-small', input: [[1, 2, 3], [4]], encoding_format: 'float' });
    assert.deepEqual(tokens.data.map((d) => d.embedding), [mockEmbedding([1, 2, 3]), mockEmbedding([4])]);
    assert.equal(tokens.usage.prompt_tokens, 4);
  });

  test('models list and retrieve', T, async () => {
    const ids: string[] = [];
    for await (const m of client.models.list()) ids.push(m.id);
    assert.deepEqual(ids, ['gpt-4o-mini', 'gpt-4o', 'text-embedding-3-small']);
    const m = await client.models.retrieve('gpt-4o');
    assert.deepEqual([m.id, m.object, m.owned_by], ['gpt-4o', 'model', 'system']);
    await assert.rejects(client.models.retrieve('nope'), (e: any) => e.status === 404 && e.code === 'model_not_found');
  });

  test('legacy completions, plain and streamed', T, async () => {
    const c = await client.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'say this' });
    assert.equal(c.object, 'text_completion');
    assert.equal(c.id, 'cmpl-mock1');
    assert.deepEqual(c.choices, [{ text: 'echo: say this', index: 0, logprobs: null, finish_reason: 'stop' }]);
    assert.deepEqual(c.usage, { prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 });
    const stream = await client.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: ['a b', 'c'], stream: true, stream_options: { include_usage: true } });
    const texts = ['', ''];
    let usage: unknown;
    const finishes: Array<[number, string | null]> = [];
    for await (const ch of stream) {
      for (const choice of ch.choices) { texts[choice.index] += choice.text; if (choice.finish_reason) finishes.push([choice.index, choice.finish_reason]); }
      if (ch.usage) usage = ch.usage;
    }
    assert.deepEqual(texts, ['echo: a b', 'echo: c']);
    assert.deepEqual(finishes.sort(), [[0, 'stop'], [1, 'stop']]);
    assert.deepEqual(usage, { prompt_tokens: 3, completion_tokens: 5, total_tokens: 8 });
  });

  test('bad input and error-<status> models answer in OpenAI error shape', T, async () => {
    await assert.rejects(client.chat.completions.create({ model: 'gpt-4o', messages: [] }), (e: unknown) => {
      assert.ok(e instanceof BadRequestError);
      assert.equal(e.status, 400);
      assert.deepEqual(e.error, { message: "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.", type: 'invalid_request_error', param: 'messages', code: 'empty_array' });
      return true;
    });
    const noModel = await postJson(`${mock.url}/chat/completions`, { messages: [{ role: 'user', content: 'x' }] });
    assert.equal(noModel.status, 400);
    assert.equal(((await noModel.json()) as any).error.type, 'invalid_request_error');
    const notJson = await fetch(`${mock.url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{oops' });
    assert.equal(notJson.status, 400);
    assert.equal(mock.requests.at(-1)!.body, '{oops');
    await assert.rejects(client.chat.completions.create({ model: 'error-500', messages: [{ role: 'user', content: 'x' }] }), (e: unknown) => {
      assert.ok(e instanceof InternalServerError);
      assert.deepEqual(e.error, { message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error', param: null, code: null });
      return true;
    });
    const unknown = await fetch(`${mock.url}/files`);
    assert.equal(unknown.status, 404);
    assert.deepEqual(await unknown.json(), { error: { message: 'Invalid URL (GET /v1/files)', type: 'invalid_request_error', param: null, code: null } });
  });

  test('fault: status with Retry-After, consumed after `times`', T, async () => {
    mock.setFaults([{ status: 429, retryAfter: '7', times: 1 }]);
    const r = await postJson(`${mock.url}/chat/completions`, { model: 'm', messages: [{ role: 'user', content: 'x' }] });
    assert.equal(r.status, 429);
    assert.equal(r.headers.get('retry-after'), '7');
    assert.equal(r.headers.get('content-type'), 'application/json');
    assert.deepEqual(await r.json(), { error: { message: 'Rate limit reached for requests. Please try again later.', type: 'requests', param: null, code: 'rate_limit_exceeded' } });
    const ok = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
    assert.equal(ok.choices[0]!.message.content, 'echo: x');
    assert.equal(mock.requests.length, 2, 'faulted requests are recorded too');
  });

  test('fault: match by model and header, custom error body, order of rules', T, async () => {
    mock.setFaults([
      { match: { header: ['X-Tenant', 'blue'] }, status: 503, errorBody: { error: { message: 'custom', type: 'x', param: null, code: 'c' } } },
      { match: { model: 'gpt-4o' }, status: 429 },
    ]);
    await assert.rejects(client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }), RateLimitError);
    const blue = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }, { headers: { 'x-tenant': 'blue' } }).catch((e: unknown) => e);
    assert.ok(blue instanceof OpenAI.APIError);
    assert.equal(blue.status, 503);
    assert.equal(blue.message.includes('custom'), true);
    const other = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] });
    assert.equal(other.choices[0]!.message.content, 'echo: x');
  });

  test('fault: reset drops the connection', T, async () => {
    mock.setFaults([{ reset: true, times: 2 }]);
    await assert.rejects(client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }), APIConnectionError);
    await assert.rejects(postJson(`${mock.url}/chat/completions`, { model: 'm', messages: [{ role: 'user', content: 'x' }] }), (e: any) => {
      assert.equal(e.name, 'TypeError');
      assert.equal(e.cause?.code, 'ECONNRESET');
      return true;
    });
    const ok = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
    assert.equal(ok.choices[0]!.message.content, 'echo: x');
  });

  test('fault: cut mid-stream makes the SDK stream throw after the chunks that were sent', T, async () => {
    mock.setFaults([{ cutAfterChunks: 2 }]);
    const stream = await client.chat.completions.create({ model: 'm', stream: true, messages: [{ role: 'user', content: 'one two three four' }] });
    const got: string[] = [];
    await assert.rejects((async () => { for await (const c of stream) got.push(c.choices[0]!.delta.content ?? ''); })());
    assert.deepEqual(got, ['', 'echo: ']);
  });

  test('fault: slow first byte and paced chunks', T, async () => {
    mock.setFaults([{ delayMs: 300, times: 1 }, { chunkIntervalMs: 80, times: 1 }]);
    let t0 = Date.now();
    const slow = await postJson(`${mock.url}/chat/completions`, { model: 'm', messages: [{ role: 'user', content: 'x' }] });
    const headersAfter = Date.now() - t0;
    assert.equal(slow.status, 200);
    await slow.arrayBuffer();
    assert.ok(headersAfter >= 290, `headers after ${headersAfter} ms`);
    t0 = Date.now();
    const paced = await postJson(`${mock.url}/chat/completions`, { model: 'm', stream: true, messages: [{ role: 'user', content: 'a b' }] });
    const firstByte = Date.now() - t0;
    await paced.text(); // 6 events -> 5 pauses
    const total = Date.now() - t0;
    assert.ok(firstByte < 250, `first byte after ${firstByte} ms`);
    assert.ok(total >= 5 * 80 - 10, `stream took ${total} ms`);
  });

  test('fault: hang is ended by the client aborting', T, async () => {
    mock.setFaults([{ hang: true, times: 1 }]);
    const ac = new AbortController();
    const t0 = Date.now();
    setTimeout(() => ac.abort(), 150);
    await assert.rejects(client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }, { signal: ac.signal }), APIUserAbortError);
    const waited = Date.now() - t0;
    assert.ok(waited >= 140 && waited < 2000, `aborted after ${waited} ms`);
    const ok = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
    assert.equal(ok.choices[0]!.message.content, 'echo: x');
  });
});

describe('OpenAI mock options', () => {
  test('requireKey: 401 invalid_api_key without the key, never echoing the presented key', T, async () => {
    const mock = await startOpenAIMock({ requireKey: 'sk-right' });
    try {
      await assert.rejects(sdk(mock, 'sk-wrong-secret').chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }), (e: unknown) => {
        assert.ok(e instanceof AuthenticationError);
        assert.equal(e.code, 'invalid_api_key');
        assert.equal(JSON.stringify(e.error).includes('sk-wrong-secret'), false);
        return true;
      });
      const r = await fetch(`${mock.url}/models`);
      assert.equal(r.status, 401);
      const ok = await sdk(mock, 'sk-right').chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
      assert.equal(ok.choices[0]!.message.content, 'echo: x');
    } finally { await mock.close(); }
  });

  test('latencyMs delays every response', T, async () => {
    const mock = await startOpenAIMock({ latencyMs: 200 });
    try {
      const t0 = Date.now();
      const r = await fetch(`${mock.url}/models`);
      assert.equal(r.status, 200);
      await r.arrayBuffer();
      assert.ok(Date.now() - t0 >= 190);
    } finally { await mock.close(); }
  });

  test('close() ends hung connections promptly', T, async () => {
    const mock = await startOpenAIMock();
    mock.setFaults([{ hang: true }]);
    const pending = postJson(`${mock.url}/chat/completions`, { model: 'm', messages: [{ role: 'user', content: 'x' }] }).then(() => 'answered', () => 'failed');
    while (mock.requests.length === 0) await new Promise((r) => setTimeout(r, 10));
    const t0 = Date.now();
    await mock.close();
    assert.ok(Date.now() - t0 < 1000);
    assert.equal(await pending, 'failed');
  });
});

describe('OpenAI mock, separate process', () => {
  test('spawned mock: LISTENING, chat via SDK, control endpoints, SIGTERM', { timeout: 30_000 }, async () => {
    const mock = await spawnOpenAIMock({ requireKey: 'sk-test-key' });
    try {
      assert.equal(mock.url, `http://127.0.0.1:${mock.port}/v1`);
      const client = sdk(mock);
      const c = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'from afar' }] });
      assert.equal(c.choices[0]!.message.content, 'echo: from afar');
      await mock.setFaults([{ status: 500, times: 1 }]);
      await assert.rejects(client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }), InternalServerError);
      const recs = await mock.requests();
      assert.deepEqual(recs.map((r) => [r.method, r.path, r.body.messages[0].content]), [['POST', '/v1/chat/completions', 'from afar'], ['POST', '/v1/chat/completions', 'x']]);
      assert.equal(recs[0]!.headers['authorization'], 'Bearer sk-test-key');
      await mock.reset();
      assert.deepEqual(await mock.requests(), []);
      const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'hi' }] });
      let text = '';
      for await (const ch of stream) text += ch.choices[0]?.delta.content ?? '';
      assert.equal(text, 'echo: hi');
    } finally {
      await mock.close();
    }
    assert.equal(mock.child.exitCode, 0);
  });
});

describe('tool-call argument fragments (property)', () => {
  test('fragments rejoin exactly and never split a surrogate pair', T, () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (text) => {
      const args = mockToolArguments(text);
      const parts = fragmentText(args);
      assert.equal(parts.join(''), args);
      assert.ok(parts.length >= 5);
      for (const p of parts) assert.ok(isWellFormedUtf16(p), JSON.stringify(p));
    }), { numRuns: 300 });
  });

  test('streamed over HTTP, arbitrary unicode arguments reassemble exactly', T, async () => {
    const mock = await startOpenAIMock();
    const client = sdk(mock);
    try {
      await fc.assert(fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 40 }), async (text) => {
        const stream = await client.chat.completions.create({ model: 'm', stream: true, tools: weatherTools.slice(0, 1), messages: [{ role: 'user', content: text }] });
        const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
        for await (const c of stream) chunks.push(c);
        assert.equal(reassembleToolCalls(chunks)[0]!.arguments, mockToolArguments(text));
      }), { numRuns: 25 });
    } finally { await mock.close(); }
  });
});
