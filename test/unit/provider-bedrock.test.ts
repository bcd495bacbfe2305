/**
 * The Bedrock adapter against a mock Bedrock Runtime (test/mocks/bedrock-upstream.ts) that speaks the
 * documented Converse / ConverseStream / InvokeModel wire formats and verifies SigV4 signatures.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import fc from 'fast-check';
import type { ResolvedProvider } from '../../src/config/index.js';
import { GatewayError } from '../../src/core/errors.js';
import type { ChatChunk, ChatRequest } from '../../src/core/types.js';
import { BedrockProvider } from '../../src/providers/bedrock/index.js';
import { ConverseStreamTranslator, converseChunks } from '../../src/providers/bedrock/stream.js';
import { providerKind } from '../../src/providers/catalog.js';
import type { CallContext } from '../../src/providers/types.js';
import {
  MOCK_CACHE_READ_TOKENS, encodeEvent, encodeException, mockTitanEmbedding, startBedrockMock, type BedrockMock,
} from '../mocks/bedrock-upstream.js';

const CREDS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'session-token-1' };
const MODEL = 'anthropic.claude-3-5-sonnet-20240620-v1:0';

let mock: BedrockMock;
let provider: BedrockProvider;

function config(over: Partial<ResolvedProvider> = {}): ResolvedProvider {
  return {
    name: 'aws', kind: 'bedrock', adapter: 'bedrock', baseUrl: mock.url, apiKey: CREDS.accessKeyId, headers: {},
    keys: [{ id: 'k0', apiKey: CREDS.accessKeyId, weight: 1 }], timeoutMs: 10_000, connectTimeoutMs: 2_000, maxConnections: 4, latencyMs: 0,
    options: { region: 'eu-west-1', secret_access_key: CREDS.secretAccessKey, session_token: CREDS.sessionToken },
    ...over,
  };
}

function call(dropParams = false): CallContext {
  return { signal: new AbortController().signal, requestId: 'r1', dropParams, dropped: [], upstreamStart: 0, upstreamEnd: 0 };
}

async function collect(stream: AsyncIterable<ChatChunk[]>): Promise<ChatChunk[]> {
  const out: ChatChunk[] = [];
  for await (const batch of stream) out.push(...batch);
  return out;
}

const user = (content: ChatRequest['messages'][0]['content']): ChatRequest['messages'] => [{ role: 'user', content }];
const weatherTools: ChatRequest['tools'] = ['get_weather', 'get_time', 'get_news'].map((name) => ({
  type: 'function', function: { name, description: `${name} tool`, parameters: { type: 'object', properties: { input: { type: 'string' } } } },
}));

before(async () => {
  mock = await startBedrockMock({ credentials: CREDS, region: 'eu-west-1' });
  provider = new BedrockProvider(config(), providerKind('bedrock')!);
});
after(async () => {
  await provider.close();
  await mock.close();
});
beforeEach(() => mock.reset());

describe('Converse', () => {
  test('text answer, request mapping, SigV4 signature and usage with cached tokens', async () => {
    const c = call();
    const r = await provider.chat({
      model: 'x', messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hello bedrock' }],
      max_tokens: 50, temperature: 0.2, top_p: 0.9, stop: 'END', user: 'u-1',
    }, MODEL, c);
    assert.equal(r.choices[0].message.content, 'Bedrock mock reply to: hello bedrock');
    assert.equal(r.choices[0].finish_reason, 'stop');
    assert.equal(r.id, 'chatcmpl-req-1');
    assert.equal(r.model, MODEL);
    // inputTokens (4 words) + cacheRead (2) = prompt_tokens, as OpenAI counts cached tokens inside the prompt.
    assert.deepEqual(r.usage, { prompt_tokens: 4 + MOCK_CACHE_READ_TOKENS, completion_tokens: 6, total_tokens: 12, prompt_tokens_details: { cached_tokens: 2 } });
    assert.ok(c.upstreamEnd >= c.upstreamStart && c.upstreamStart > 0);
    const sent = mock.requests[0];
    assert.equal(sent.path, `/model/${encodeURIComponent(MODEL)}/converse`);
    assert.equal(sent.modelId, MODEL);
    assert.deepEqual(sent.body, {
      messages: [{ role: 'user', content: [{ text: 'hello bedrock' }] }],
      system: [{ text: 'be brief' }],
      inferenceConfig: { maxTokens: 50, temperature: 0.2, topP: 0.9, stopSequences: ['END'] },
      requestMetadata: { user: 'u-1' },
    });
    assert.match(sent.headers.authorization, /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/bedrock\/aws4_request, SignedHeaders=/);
    assert.equal(sent.headers['x-amz-security-token'], CREDS.sessionToken);
  });

  test('a wrong secret is caught by the signature check: 403 InvalidSignatureException', async () => {
    const bad = new BedrockProvider(config({ options: { region: 'eu-west-1', secret_access_key: 'wrong', session_token: CREDS.sessionToken } }), providerKind('bedrock')!);
    try {
      await assert.rejects(bad.chat({ model: 'x', messages: user('hi') }, MODEL, call()), (e: unknown) => {
        assert.ok(e instanceof GatewayError);
        assert.equal(e.status, 403);
        assert.equal(e.type, 'InvalidSignatureException');
        assert.equal(e.message, 'aws: The request signature we calculated does not match the signature you provided.');
        return true;
      });
    } finally {
      await bad.close();
    }
  });

  test('tool calls: definitions, tool_choice, and the answer with arguments as a JSON string', async () => {
    const r = await provider.chat({ model: 'x', messages: user('parallel weather "Paris"'), tools: weatherTools, tool_choice: 'required' }, MODEL, call());
    assert.equal(r.choices[0].finish_reason, 'tool_calls');
    assert.equal(r.choices[0].message.content, null);
    assert.deepEqual(r.choices[0].message.tool_calls, [0, 1, 2].map((i) => ({
      id: `tooluse_1_${i}`, type: 'function', function: { name: weatherTools![i].function.name, arguments: JSON.stringify({ input: 'parallel weather "Paris"', index: i }) },
    })));
    assert.deepEqual(mock.requests[0].body.toolConfig, {
      tools: weatherTools!.map((t) => ({ toolSpec: { name: t.function.name, description: t.function.description, inputSchema: { json: t.function.parameters } } })),
      toolChoice: { any: {} },
    });
    await provider.chat({ model: 'x', messages: user('w'), tools: weatherTools, tool_choice: { type: 'function', function: { name: 'get_time' } } }, MODEL, call());
    assert.deepEqual(mock.requests[1].body.toolConfig.toolChoice, { tool: { name: 'get_time' } });
    await provider.chat({ model: 'x', messages: user('w'), tools: weatherTools, tool_choice: 'auto' }, MODEL, call());
    assert.deepEqual(mock.requests[2].body.toolConfig.toolChoice, { auto: {} });
  });

  test('tool history: toolUse blocks and parallel tool results merged into one user turn', async () => {
    const r = await provider.chat({
      model: 'x', tools: weatherTools,
      messages: [
        { role: 'user', content: 'weather and time?' },
        { role: 'assistant', content: null, tool_calls: [
          { id: 't1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
          { id: 't2', type: 'function', function: { name: 'get_time', arguments: '{}' } },
        ] },
        { role: 'tool', tool_call_id: 't1', content: 'sunny' },
        { role: 'tool', tool_call_id: 't2', content: [{ type: 'text', text: '12:00' }] },
      ],
    }, MODEL, call());
    assert.equal(r.choices[0].message.content, 'Bedrock mock reply to: weather and time?');
    assert.deepEqual(mock.requests[0].body.messages, [
      { role: 'user', content: [{ text: 'weather and time?' }] },
      { role: 'assistant', content: [{ toolUse: { toolUseId: 't1', name: 'get_weather', input: { city: 'Oslo' } } }, { toolUse: { toolUseId: 't2', name: 'get_time', input: {} } }] },
      { role: 'user', content: [{ toolResult: { toolUseId: 't1', content: [{ text: 'sunny' }] } }, { toolResult: { toolUseId: 't2', content: [{ text: '12:00' }] } }] },
    ]);
  });

  test('images: base64 data URL -> bytes, s3 URL -> s3Location; http URL rejected before any upstream call', async () => {
    const png = Buffer.from('89504e470d0a1a0a', 'hex').toString('base64');
    const r = await provider.chat({ model: 'x', messages: user([
      { type: 'text', text: 'what is this' },
      { type: 'image_url', image_url: { url: `data:image/png;base64,${png}` } },
      { type: 'image_url', image_url: { url: 's3://bucket/cat.jpeg' } },
    ]) }, MODEL, call());
    assert.equal(r.choices[0].message.content, 'Bedrock mock reply to: what is this [2 images]');
    assert.deepEqual(mock.requests[0].body.messages[0].content, [
      { text: 'what is this' },
      { image: { format: 'png', source: { bytes: png } } },
      { image: { format: 'jpeg', source: { s3Location: { uri: 's3://bucket/cat.jpeg' } } } },
    ]);
    await assert.rejects(provider.chat({ model: 'x', messages: user([{ type: 'image_url', image_url: { url: 'https://example.com/a.png' } }]) }, MODEL, call()), (e: unknown) => {
      assert.ok(e instanceof GatewayError);
      assert.equal(e.status, 400);
      assert.equal(e.param, 'messages[0].content[0].image_url.url');
      assert.equal(e.code, 'unsupported_image_url');
      return true;
    });
    await assert.rejects(provider.chat({ model: 'x', messages: user([{ type: 'image_url', image_url: { url: 'data:image/tiff;base64,AAAA' } }]) }, MODEL, call()), /unsupported image type 'image\/tiff'/);
    assert.equal(mock.requests.length, 1);
  });

  test('json_schema -> outputConfig.textFormat, reasoning_effort -> outputConfig.effort', async () => {
    const schema = { type: 'object', properties: { a: { type: 'number' } }, required: ['a'] };
    await provider.chat({ model: 'x', messages: user('json'), response_format: { type: 'json_schema', json_schema: { name: 'answer', schema } }, reasoning_effort: 'minimal' }, MODEL, call());
    assert.deepEqual(mock.requests[0].body.outputConfig, {
      textFormat: { type: 'json_schema', structure: { jsonSchema: { schema: JSON.stringify(schema), name: 'answer' } } },
      effort: 'low',
    });
  });

  test('unsupported parameters: 400 naming the parameter before the upstream, or dropped with drop_params', async () => {
    for (const [param, extra] of [['n', { n: 2 }], ['seed', { seed: 7 }], ['logprobs', { logprobs: true }], ['response_format', { response_format: { type: 'json_object' } }], ['parallel_tool_calls', { parallel_tool_calls: false, tools: weatherTools }]] as const) {
      await assert.rejects(provider.chat({ model: 'x', messages: user('x'), ...extra } as ChatRequest, MODEL, call()), (e: unknown) => {
        assert.ok(e instanceof GatewayError);
        assert.equal(e.status, 400);
        assert.equal(e.param, param);
        assert.equal(e.code, 'unsupported_parameter');
        return true;
      });
    }
    assert.equal(mock.requests.length, 0);
    const c = call(true);
    const r = await provider.chat({ model: 'x', messages: user('drop them'), n: 2, seed: 7, frequency_penalty: 0.5 }, MODEL, c);
    assert.equal(r.choices[0].message.content, 'Bedrock mock reply to: drop them');
    assert.deepEqual(c.dropped, ['n', 'seed', 'frequency_penalty']);
  });

  test('max_tokens stop maps to finish_reason length', async () => {
    const r = await provider.chat({ model: 'x', messages: user('one two three four five'), max_tokens: 3 }, MODEL, call());
    assert.equal(r.choices[0].message.content, 'Bedrock mock reply');
    assert.equal(r.choices[0].finish_reason, 'length');
  });

  test('HTTP errors keep status, the x-amzn-errortype name and the message', async () => {
    mock.fail({ kind: 'http', status: 429, errorType: 'ThrottlingException', message: 'Too many requests, please wait before trying again.' });
    await assert.rejects(provider.chat({ model: 'x', messages: user('x') }, MODEL, call()), (e: unknown) => {
      assert.ok(e instanceof GatewayError);
      assert.deepEqual([e.status, e.type, e.code, e.provider, e.message], [429, 'ThrottlingException', 'ThrottlingException', 'aws', 'aws: Too many requests, please wait before trying again.']);
      return true;
    });
    mock.fail({ kind: 'http', status: 404, errorType: 'ResourceNotFoundException', message: 'Model not found.' });
    await assert.rejects(provider.chatStream({ model: 'x', messages: user('x') }, MODEL, call()), (e: unknown) => e instanceof GatewayError && e.status === 404 && e.type === 'ResourceNotFoundException');
  });

  test('completions are an unsupported endpoint; listModels returns the configured models', async () => {
    await assert.rejects(provider.completions({ model: 'x', prompt: 'p' }, MODEL, call()), (e: unknown) => e instanceof GatewayError && e.status === 400 && e.code === 'unsupported_endpoint');
    const p = new BedrockProvider(config({ models: ['amazon.nova-pro-v1:0'] }), providerKind('bedrock')!);
    assert.deepEqual(await p.listModels(call()), ['amazon.nova-pro-v1:0']);
    await p.close();
  });
});

describe('ConverseStream', () => {
  test('streamed text: role chunk, text pieces, finish chunk, one usage-only chunk', async () => {
    const c = call();
    const chunks = await collect(await provider.chatStream({ model: 'x', messages: user('stream me please'), stream: true }, MODEL, c));
    assert.equal(mock.requests[0].path, `/model/${encodeURIComponent(MODEL)}/converse-stream`);
    assert.deepEqual(chunks[0].choices[0].delta, { role: 'assistant', content: '' });
    const text = chunks.flatMap((ch) => ch.choices.map((x) => x.delta.content ?? '')).join('');
    assert.equal(text, 'Bedrock mock reply to: stream me please');
    assert.ok(chunks.filter((ch) => ch.choices[0]?.delta.content).length >= 6, 'text arrives in several chunks');
    const finish = chunks.filter((ch) => ch.choices[0]?.finish_reason);
    assert.deepEqual(finish.map((ch) => ch.choices[0].finish_reason), ['stop']);
    const last = chunks.at(-1)!;
    assert.deepEqual(last.choices, []);
    assert.deepEqual(last.usage, { prompt_tokens: 3 + 2, completion_tokens: 7, total_tokens: 12, prompt_tokens_details: { cached_tokens: 2 } });
    assert.equal(chunks.filter((ch) => ch.usage).length, 1);
    assert.equal(last.id, 'chatcmpl-req-1');
    assert.ok(c.upstreamEnd > 0);
  });

  test('a streamed parallel tool call is reassembled byte-exactly', async () => {
    const prompt = 'parallel please: "quotes", backslash \\ and ünïcödé 🚀 emoji';
    const chunks = await collect(await provider.chatStream({ model: 'x', messages: user(prompt), tools: weatherTools, stream: true }, MODEL, call()));
    const calls: Array<{ id?: string; name?: string; args: string; fragments: number }> = [];
    for (const ch of chunks) {
      for (const tc of ch.choices[0]?.delta.tool_calls ?? []) {
        const slot = (calls[tc.index] ??= { args: '', fragments: 0 });
        if (tc.id) { slot.id = tc.id; assert.equal(tc.type, 'function'); assert.equal(tc.function?.arguments, ''); }
        if (tc.function?.name) slot.name = tc.function.name;
        if (tc.function?.arguments) { slot.args += tc.function.arguments; slot.fragments++; }
      }
    }
    assert.deepEqual(calls.map((x) => [x.id, x.name]), [['tooluse_1_0', 'get_weather'], ['tooluse_1_1', 'get_time'], ['tooluse_1_2', 'get_news']]);
    calls.forEach((x, i) => {
      assert.equal(x.args, JSON.stringify({ input: prompt, index: i }));
      assert.ok(x.fragments > 10);
    });
    assert.equal(chunks.find((ch) => ch.choices[0]?.finish_reason)?.choices[0].finish_reason, 'tool_calls');
  });

  test('an exception inside the event stream is thrown as a GatewayError after the first chunks', async () => {
    mock.fail({ kind: 'stream-exception', afterEvents: 3, exceptionType: 'throttlingException', message: 'slow down' });
    const stream = await provider.chatStream({ model: 'x', messages: user('a b c d e f') }, MODEL, call());
    const got: ChatChunk[] = [];
    await assert.rejects((async () => { for await (const b of stream) got.push(...b); })(), (e: unknown) => {
      assert.ok(e instanceof GatewayError);
      assert.deepEqual([e.status, e.type, e.message], [429, 'ThrottlingException', 'aws: slow down']);
      return true;
    });
    assert.equal(got.map((ch) => ch.choices[0]?.delta.content ?? '').join(''), 'Bedrock mock');
  });

  test('a body that ends before messageStop is a truncation error', async () => {
    mock.fail({ kind: 'truncate', afterEvents: 4 });
    const stream = await provider.chatStream({ model: 'x', messages: user('a b c d e f') }, MODEL, call());
    await assert.rejects(collect(stream), (e: unknown) => e instanceof GatewayError && e.status === 502 && e.code === 'upstream_stream_truncated');
  });

  test('documented event shapes: reasoning deltas, signature deltas and unknown fields', async () => {
    // Events as in the ConverseStreamOutput reference: reasoningContent {text} / {signature}, then text.
    const events = [
      encodeEvent('messageStart', { role: 'assistant' }),
      encodeEvent('contentBlockDelta', { contentBlockIndex: 0, delta: { reasoningContent: { text: 'Let me think. ' } } }),
      encodeEvent('contentBlockDelta', { contentBlockIndex: 0, delta: { reasoningContent: { text: 'Done.' } } }),
      encodeEvent('contentBlockDelta', { contentBlockIndex: 0, delta: { reasoningContent: { signature: 'sig==' } } }),
      encodeEvent('contentBlockStop', { contentBlockIndex: 0 }),
      encodeEvent('contentBlockDelta', { contentBlockIndex: 1, delta: { text: '42' } }),
      encodeEvent('contentBlockStop', { contentBlockIndex: 1 }),
      encodeEvent('messageStop', { stopReason: 'guardrail_intervened' }),
      encodeEvent('metadata', { usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 }, metrics: { latencyMs: 100 } }),
    ];
    const body = (async function* () { yield Buffer.concat(events); })();
    const chunks = await collect(converseChunks(body, new ConverseStreamTranslator('aws', 'id1', 'm'), call(), (e) => e as GatewayError, 'aws'));
    assert.equal(chunks.map((ch) => ch.choices[0]?.delta.reasoning_content ?? '').join(''), 'Let me think. Done.');
    assert.equal(chunks.map((ch) => ch.choices[0]?.delta.content ?? '').join(''), '42');
    assert.equal(chunks.find((ch) => ch.choices[0]?.finish_reason)?.choices[0].finish_reason, 'content_filter');
    assert.deepEqual(chunks.at(-1)!.usage, { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 });
    // An exception message as the only frame.
    const bad = (async function* () { yield encodeException('validationException', 'bad input'); })();
    await assert.rejects(collect(converseChunks(bad, new ConverseStreamTranslator('aws', 'id', 'm'), call(), (e) => e as GatewayError, 'aws')), (e: unknown) => e instanceof GatewayError && e.status === 400 && e.type === 'ValidationException');
  });
});

describe('embeddings via InvokeModel', () => {
  test('Titan: one call per input, dimensions forwarded, token counts summed', async () => {
    const r = await provider.embeddings({ model: 'x', input: ['alpha beta', 'gamma'], dimensions: 256 }, 'amazon.titan-embed-text-v2:0', call());
    assert.equal(mock.requests.length, 2);
    assert.deepEqual(mock.requests.map((q) => [q.path, q.body]), [
      [`/model/${encodeURIComponent('amazon.titan-embed-text-v2:0')}/invoke`, { inputText: 'alpha beta', dimensions: 256 }],
      [`/model/${encodeURIComponent('amazon.titan-embed-text-v2:0')}/invoke`, { inputText: 'gamma', dimensions: 256 }],
    ]);
    assert.deepEqual(r.data.map((d) => d.index), [0, 1]);
    assert.deepEqual(r.data[0].embedding, mockTitanEmbedding('alpha beta', 256));
    assert.deepEqual(r.usage, { prompt_tokens: 3, total_tokens: 3 });
  });

  test('Cohere: one call with texts and input_type; base64 encoding on request', async () => {
    const r = await provider.embeddings({ model: 'x', input: ['one', 'two words'], encoding_format: 'base64' }, 'cohere.embed-english-v3', call());
    assert.deepEqual(mock.requests[0].body, { texts: ['one', 'two words'], input_type: 'search_document' });
    const raw = Buffer.from(r.data[1].embedding as string, 'base64');
    const decoded = Array.from(new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength)));
    const want = Array.from(new Float32Array(mockTitanEmbedding('two words', 8)));
    assert.deepEqual(decoded, want);
    assert.deepEqual(r.usage, { prompt_tokens: 3, total_tokens: 3 });
  });

  test('other models are rejected with a 400 naming the model', async () => {
    await assert.rejects(provider.embeddings({ model: 'x', input: 'a' }, MODEL, call()), (e: unknown) => e instanceof GatewayError && e.status === 400 && e.param === 'model');
  });
});

describe('authentication modes', () => {
  test('an api_key without a secret is sent as a Bedrock API key (Bearer)', async () => {
    const open = await startBedrockMock();
    const p = new BedrockProvider(config({ baseUrl: open.url, apiKey: 'bedrock-api-key-123', options: {} }), providerKind('bedrock')!);
    try {
      await p.chat({ model: 'x', messages: user('hi') }, 'amazon.nova-lite-v1:0', call());
      assert.equal(open.requests[0].headers.authorization, 'Bearer bedrock-api-key-123');
      assert.equal(open.requests[0].headers['x-amz-date'], undefined);
    } finally {
      await p.close();
      await open.close();
    }
  });
});

describe('property: event-stream framing', () => {
  test('tool input fragments survive arbitrary byte cuts and reassemble exactly', async () => {
    await fc.assert(fc.asyncProperty(
      fc.string({ unit: 'grapheme', maxLength: 60 }),
      fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 20 }),
      fc.array(fc.integer({ min: 1, max: 90 }), { minLength: 1, maxLength: 30 }),
      async (text, fragSizes, cutSizes) => {
        const args = JSON.stringify({ q: text });
        const frags: string[] = [];
        for (let i = 0, k = 0; i < args.length; k++) {
          const n = fragSizes[k % fragSizes.length];
          frags.push(args.slice(i, i + n));
          i += n;
        }
        const bytes = Buffer.concat([
          encodeEvent('messageStart', { role: 'assistant' }),
          encodeEvent('contentBlockStart', { contentBlockIndex: 0, start: { toolUse: { toolUseId: 't', name: 'f' } } }),
          ...frags.map((f) => encodeEvent('contentBlockDelta', { contentBlockIndex: 0, delta: { toolUse: { input: f } } })),
          encodeEvent('messageStop', { stopReason: 'tool_use' }),
        ]);
        const body = (async function* () {
          for (let i = 0, k = 0; i < bytes.length; k++) {
            const n = cutSizes[k % cutSizes.length];
            yield bytes.subarray(i, i + n);
            i += n;
          }
        })();
        const chunks = await collect(converseChunks(body, new ConverseStreamTranslator('aws', 'id', 'm'), call(), (e) => e as GatewayError, 'aws'));
        const got = chunks.flatMap((ch) => ch.choices[0]?.delta.tool_calls ?? []).map((tc) => tc.function?.arguments ?? '').join('');
        assert.equal(got, args);
      },
    ), { numRuns: 150 });
  });
});
