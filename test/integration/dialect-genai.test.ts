/**
 * The Google GenAI dialect of a real node, driven by the official @google/genai SDK
 * (httpOptions.baseUrl = <node>/genai), served by the built-in mock/echo model and by the gemini
 * provider through the mock Gemini upstream.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ApiError, GoogleGenAI, Type, type FunctionDeclaration } from '@google/genai';
import { startNode, type NodeHandle } from '../helpers/node-process.js';
import { geminiMockVector, geminiReplyText, startGeminiMock, type GeminiMock } from '../mocks/gemini-upstream.js';

let node: NodeHandle;
let upstream: GeminiMock;
let ai: GoogleGenAI;

before(async () => {
  upstream = await startGeminiMock({ requireKey: 'AIza-upstream-key' });
  node = await startNode({
    workers: 1,
    config: {
      routing: { retries: 0 }, // upstream errors must reach the client as they are (routing has its own tests)
      providers: { gem: { type: 'gemini', base_url: upstream.url, api_key: 'AIza-upstream-key' } },
      models: { flash: 'gem/gemini-2.5-flash' },
    },
  });
  ai = new GoogleGenAI({ apiKey: 'client-key-123', httpOptions: { baseUrl: `${node.url}/genai` } });
});
after(async () => { await node?.stop(); await upstream?.close(); });

const tools: FunctionDeclaration[] = ['get_weather', 'get_time'].map((name) => ({
  name, description: `${name} tool`, parameters: { type: Type.OBJECT, properties: { input: { type: Type.STRING } } },
}));

const PNG_B64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

for (const [label, model, reply, usage] of [
  ['mock/echo', 'mock/echo', (t: string) => `Switchyard mock reply to: ${t}`, { p: 2, c: 6 }],
  ['gemini provider', 'gem/gemini-2.5-flash', (t: string) => geminiReplyText(t), { p: 2, c: 6 }],
] as const) {
  describe(`genai dialect via ${label}`, () => {
    test('text with usage', async () => {
      const r = await ai.models.generateContent({ model, contents: 'hello genai', config: { temperature: 0.2, maxOutputTokens: 64 } });
      assert.equal(r.text, reply('hello genai'));
      assert.equal(r.candidates?.[0].finishReason, 'STOP');
      assert.deepEqual({ p: r.usageMetadata?.promptTokenCount, c: r.usageMetadata?.candidatesTokenCount, t: r.usageMetadata?.totalTokenCount }, { ...usage, t: usage.p + usage.c });
    });

    test('streamed text', async () => {
      const stream = await ai.models.generateContentStream({ model, contents: 'stream me please' });
      let text = '';
      let events = 0;
      let last: Awaited<ReturnType<typeof ai.models.generateContent>> | undefined;
      for await (const chunk of stream) { text += chunk.text ?? ''; events++; last = chunk; }
      assert.equal(text, reply('stream me please'));
      assert.ok(events >= 4, `events: ${events}`);
      assert.equal(last?.candidates?.[0].finishReason, 'STOP');
      assert.equal(last?.usageMetadata?.promptTokenCount, 3);
    });

    test('a streamed parallel tool call is reassembled exactly', async () => {
      const prompt = 'parallel: "quotes", ünïcödé and \\ backslash';
      const stream = await ai.models.generateContentStream({ model, contents: prompt, config: { tools: [{ functionDeclarations: tools }] } });
      const calls: Array<{ name?: string; args?: unknown }> = [];
      for await (const chunk of stream) for (const fc of chunk.functionCalls ?? []) calls.push({ name: fc.name, args: fc.args });
      assert.deepEqual(calls, [
        { name: 'get_weather', args: { input: prompt, index: 0 } },
        { name: 'get_time', args: { input: prompt, index: 1 } },
      ]);
    });

    test('an image input', async () => {
      const r = await ai.models.generateContent({
        model, contents: [{ role: 'user', parts: [{ text: 'describe' }, { inlineData: { mimeType: 'image/png', data: PNG_B64 } }] }],
      });
      assert.equal(r.text, model === 'mock/echo' ? reply('describe') : geminiReplyText('describe', ['image/png']));
    });
  });
}

describe('genai dialect specifics', () => {
  test('the upstream receives the Gemini body, its own key and never the client key', async () => {
    upstream.requests.length = 0;
    await ai.models.generateContent({
      model: 'flash', contents: [{ role: 'user', parts: [{ text: 'describe' }, { inlineData: { mimeType: 'image/png', data: PNG_B64 } }] }],
      config: { systemInstruction: 'be terse', topK: 5, stopSequences: ['END'] },
    });
    const r = upstream.requests[0];
    assert.equal(r.path, '/v1beta/models/gemini-2.5-flash:generateContent');
    assert.equal(r.headers['x-goog-api-key'], 'AIza-upstream-key');
    assert.deepEqual(r.body, {
      contents: [{ role: 'user', parts: [{ text: 'describe' }, { inlineData: { mimeType: 'image/png', data: PNG_B64 } }] }],
      systemInstruction: { parts: [{ text: 'be terse' }] },
      generationConfig: { topK: 5, stopSequences: ['END'] },
    });
  });

  test('a tool round trip: functionResponse goes back by name', async () => {
    const r = await ai.models.generateContent({
      model: 'gem/g', config: { tools: [{ functionDeclarations: tools }] },
      contents: [
        { role: 'user', parts: [{ text: 'weather?' }] },
        { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Oslo' } } }] },
        { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { temp: -3 } } }] },
      ],
    });
    assert.equal(r.text, 'Gemini mock got tool results: get_weather={"temp":-3}');
  });

  test('embeddings through batchEmbedContents', async () => {
    const r = await ai.models.embedContent({ model: 'gem/text-embedding-004', contents: ['alpha', 'beta'], config: { outputDimensionality: 4 } });
    assert.deepEqual(r.embeddings?.map((e) => e.values), [geminiMockVector('alpha', 4), geminiMockVector('beta', 4)]);
    const m = await ai.models.embedContent({ model: 'mock/embed', contents: 'alpha' });
    assert.equal(m.embeddings?.length, 1);
    assert.ok((m.embeddings?.[0].values?.length ?? 0) > 0);
  });

  test('unknown model: 404 in Google error shape', async () => {
    await assert.rejects(ai.models.generateContent({ model: 'nope/model', contents: 'x' }), (e: unknown) => {
      assert.ok(e instanceof ApiError);
      assert.equal(e.status, 404);
      const body = JSON.parse(e.message);
      assert.equal(body.error.code, 404);
      assert.equal(body.error.status, 'NOT_FOUND');
      assert.match(body.error.message, /nope\/model/);
      return true;
    });
  });

  test('invalid bodies: 400 INVALID_ARGUMENT naming the field', async () => {
    const post = async (body: string, path = 'mock/echo:generateContent') => {
      const res = await fetch(`${node.url}/genai/v1beta/models/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      return { status: res.status, body: await res.json() as { error: { code: number; status: string; message: string; details?: Array<{ fieldViolations: Array<{ field: string }> }> } } };
    };
    const bad = await post('{"contents": [');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.status, 'INVALID_ARGUMENT');
    for (const [body, field] of [
      [{}, 'contents'],
      [{ contents: [{ role: 'wizard', parts: [{ text: 'x' }] }] }, 'contents[0].role'],
      [{ contents: [{ parts: [{ video: 1 }] }] }, 'contents[0].parts[0]'],
      [{ contents: [{ parts: [{ text: 'x' }] }], generationConfig: { temperature: 'hot' } }, 'generationConfig.temperature'],
      [{ contents: [{ parts: [{ text: 'x' }] }], tools: [{ googleSearch: {} }] }, 'tools[0].googleSearch'],
    ] as const) {
      const r = await post(JSON.stringify(body));
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(r.body.error.code, 400);
      assert.equal(r.body.error.details?.[0].fieldViolations[0].field, field);
    }
    const unknownMethod = await post('{}', 'mock/echo:countTokens');
    assert.equal(unknownMethod.status, 404);
    assert.equal(unknownMethod.body.error.status, 'NOT_FOUND');
  });

  test('upstream errors keep their status in Google shape; the SDK raises them', async () => {
    upstream.failNext(429, 'Quota exceeded for gemini.');
    await assert.rejects(ai.models.generateContent({ model: 'gem/g', contents: 'x' }), (e: unknown) => {
      assert.ok(e instanceof ApiError);
      assert.equal(e.status, 429);
      assert.equal(JSON.parse(e.message).error.status, 'RESOURCE_EXHAUSTED');
      return true;
    });
  });

  test('a stream that fails after it started ends with an error event the SDK raises', async () => {
    upstream.options.streamFault = 'error';
    try {
      const stream = await ai.models.generateContentStream({ model: 'gem/g', contents: 'one two three four' });
      let text = '';
      await assert.rejects((async () => { for await (const c of stream) text += c.text ?? ''; })(), (e: unknown) => {
        assert.ok(e instanceof ApiError);
        assert.equal(e.status, 500);
        return true;
      });
      assert.equal(text, 'Gemini');
    } finally {
      upstream.options.streamFault = undefined;
    }
  });

  test('percent-encoded model names and the JSON-array form of streamGenerateContent', async () => {
    const res = await fetch(`${node.url}/genai/v1beta/models/mock%2Fecho:streamGenerateContent`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ contents: [{ parts: [{ text: 'arr' }] }] }),
    });
    assert.equal(res.status, 200);
    const body = await res.json() as Array<{ candidates: Array<{ content: { parts: Array<{ text: string }> } }> }>;
    assert.equal(body[0].candidates[0].content.parts[0].text, 'Switchyard mock reply to: arr');
  });
});
