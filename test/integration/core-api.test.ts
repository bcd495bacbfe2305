/**
 * The OpenAI-compatible API of a real node (real uWS workers on a real port), driven by the official
 * `openai` SDK, against the built-in mock provider.
 */
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { startNode, type NodeHandle } from '../helpers/node-process.js';

let node: NodeHandle;
let client: OpenAI;

before(async () => {
  node = await startNode({ config: { models: { fast: 'mock/echo' }, server: { body_limit: '64kb' } } });
  client = new OpenAI({ baseURL: `${node.url}/v1`, apiKey: 'sk-client-secret-1234', maxRetries: 0 });
});
after(async () => { await node.stop(); });

const user = (content: string) => [{ role: 'user' as const, content }];

describe('chat completions', () => {
  test('non-streaming answer with gateway headers', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'mock/echo', messages: user('hello gateway') }, { headers: { 'x-request-id': 'req-abc-123' } })
      .withResponse();
    assert.equal(data.choices[0].message.content, 'Switchyard mock reply to: hello gateway');
    assert.equal(data.choices[0].finish_reason, 'stop');
    assert.deepEqual({ p: data.usage?.prompt_tokens, c: data.usage?.completion_tokens, t: data.usage?.total_tokens }, { p: 2, c: 6, t: 8 });
    assert.equal(response.headers.get('x-request-id'), 'req-abc-123');
    assert.equal(response.headers.get('x-switchyard-provider'), 'mock');
    assert.equal(response.headers.get('x-switchyard-model'), 'echo');
    assert.match(response.headers.get('x-switchyard-overhead-us') ?? '', /^\d+$/);
  });

  test('generates a request id when the client sends none', async () => {
    const { response } = await client.chat.completions.create({ model: 'mock/echo', messages: user('x') }).withResponse();
    assert.match(response.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
  });

  test('n choices, alias and the /openai/v1 prefix', async () => {
    const alt = new OpenAI({ baseURL: `${node.url}/openai/v1`, apiKey: 'k', maxRetries: 0 });
    const { data, response } = await alt.chat.completions.create({ model: 'fast', n: 3, messages: user('three') }).withResponse();
    assert.deepEqual(data.choices.map((c) => c.index), [0, 1, 2]);
    assert.equal(response.headers.get('x-switchyard-model'), 'echo');
  });

  test('streamed chat with usage', async () => {
    const stream = await client.chat.completions.create({
      model: 'mock/echo', messages: user('stream me please'), stream: true, stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined | null;
    let finish: string | null = null;
    for await (const chunk of stream) {
      if (chunk.usage) usage = chunk.usage;
      for (const c of chunk.choices) {
        text += c.delta.content ?? '';
        finish = c.finish_reason ?? finish;
      }
    }
    assert.equal(text, 'Switchyard mock reply to: stream me please');
    assert.equal(finish, 'stop');
    assert.deepEqual({ p: usage?.prompt_tokens, c: usage?.completion_tokens }, { p: 3, c: 7 });
  });

  test('streamed chat without include_usage carries no usage chunk', async () => {
    const res = await fetch(`${node.url}/v1/chat/completions`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mock/echo', messages: user('no usage'), stream: true }),
    });
    assert.equal(res.headers.get('content-type'), 'text/event-stream');
    const body = await res.text();
    assert.ok(body.endsWith('data: [DONE]\n\n'));
    assert.ok(!body.includes('"usage"'), body);
  });

  test('a streamed parallel tool call is reassembled exactly', async () => {
    const tools: OpenAI.ChatCompletionTool[] = ['get_weather', 'get_time'].map((name) => ({
      type: 'function', function: { name, parameters: { type: 'object', properties: { input: { type: 'string' } } } },
    }));
    const prompt = 'parallel please: "quotes", backslash \\ and ünïcödé 🚀 emoji';
    const stream = await client.chat.completions.create({ model: 'mock/echo', messages: user(prompt), tools, stream: true });
    const calls: Array<{ id?: string; name?: string; args: string }> = [];
    for await (const chunk of stream) {
      for (const tc of chunk.choices[0]?.delta.tool_calls ?? []) {
        const slot = (calls[tc.index] ??= { args: '' });
        if (tc.id) slot.id = tc.id;
        if (tc.function?.name) slot.name = tc.function.name;
        slot.args += tc.function?.arguments ?? '';
      }
    }
    assert.equal(calls.length, 2);
    assert.deepEqual(calls.map((c) => c.name), ['get_weather', 'get_time']);
    calls.forEach((c, i) => assert.equal(c.args, JSON.stringify({ input: prompt, index: i })));
  });
});

describe('other endpoints', () => {
  test('embeddings, float and base64', async () => {
    const f = await client.embeddings.create({ model: 'mock/embed', input: ['alpha', 'beta'], encoding_format: 'float' });
    const b = await client.embeddings.create({ model: 'mock/embed', input: ['alpha', 'beta'] }); // SDK asks for base64 and decodes
    assert.equal(f.data.length, 2);
    assert.equal(f.data[0].embedding.length, 8);
    for (let i = 0; i < 8; i++) assert.ok(Math.abs(f.data[1].embedding[i] - b.data[1].embedding[i]) < 1e-6);
    assert.notDeepEqual(f.data[0].embedding, f.data[1].embedding);
    assert.equal(f.usage.prompt_tokens, 2);
  });

  test('legacy completions', async () => {
    const r = await client.completions.create({ model: 'mock/echo', prompt: 'complete this' });
    assert.equal(r.choices[0].text, 'Switchyard mock reply to: complete this');
  });

  test('models list and retrieve', async () => {
    const ids: string[] = [];
    for await (const m of client.models.list()) ids.push(m.id);
    assert.ok(ids.includes('mock/echo'));
    assert.ok(ids.includes('fast'));
    const m = await client.models.retrieve('mock/echo');
    assert.equal(m.owned_by, 'mock');
  });

  test('health endpoints', async () => {
    assert.equal((await fetch(`${node.url}/health/live`)).status, 200);
    assert.equal((await fetch(`${node.url}/health/ready`)).status, 200);
  });
});

describe('bad input is rejected in the OpenAI error shape', () => {
  async function raw(body: string | Buffer, path = '/v1/chat/completions', method = 'POST') {
    const res = await fetch(`${node.url}${path}`, { method, headers: { 'content-type': 'application/json' }, body: method === 'GET' ? undefined : body });
    const json = (await res.json()) as { error: { message: string; type: string; code: string | null; param: string | null } };
    return { status: res.status, error: json.error };
  }

  test('malformed JSON -> 400', async () => {
    const r = await raw('{"model": "mock/echo", "messages": [');
    assert.equal(r.status, 400);
    assert.equal(r.error.type, 'invalid_request_error');
    assert.equal(r.error.code, 'invalid_json');
  });

  test('non-object body -> 400', async () => {
    const r = await raw('[1,2]');
    assert.equal(r.status, 400);
  });

  for (const [name, body, param] of [
    ['missing model', { messages: user('x') }, 'model'],
    ['missing messages', { model: 'mock/echo' }, 'messages'],
    ['empty messages', { model: 'mock/echo', messages: [] }, 'messages'],
    ['bad role', { model: 'mock/echo', messages: [{ role: 'wizard', content: 'x' }] }, 'messages[0].role'],
    ['bad content part', { model: 'mock/echo', messages: [{ role: 'user', content: [{ type: 'video' }] }] }, 'messages[0].content[0].type'],
    ['tool message without id', { model: 'mock/echo', messages: [{ role: 'tool', content: 'x' }] }, 'messages[0].tool_call_id'],
    ['temperature out of range', { model: 'mock/echo', messages: user('x'), temperature: 3 }, 'temperature'],
    ['n not an integer', { model: 'mock/echo', messages: user('x'), n: 1.5 }, 'n'],
    ['stream not boolean', { model: 'mock/echo', messages: user('x'), stream: 'yes' }, 'stream'],
    ['stream_options without stream', { model: 'mock/echo', messages: user('x'), stream_options: { include_usage: true } }, 'stream_options'],
    ['tool_choice without tools', { model: 'mock/echo', messages: user('x'), tool_choice: 'auto' }, 'tool_choice'],
    ['bad tool name', { model: 'mock/echo', messages: user('x'), tools: [{ type: 'function', function: { name: 'has space' } }] }, 'tools[0].function.name'],
    ['bad response_format', { model: 'mock/echo', messages: user('x'), response_format: { type: 'yaml' } }, 'response_format.type'],
    ['too many stops', { model: 'mock/echo', messages: user('x'), stop: ['a', 'b', 'c', 'd', 'e'] }, 'stop'],
  ] as const) {
    test(`${name} -> 400 naming ${param}`, async () => {
      const r = await raw(JSON.stringify(body));
      assert.equal(r.status, 400, JSON.stringify(r.error));
      assert.equal(r.error.type, 'invalid_request_error');
      assert.equal(r.error.param, param);
    });
  }

  test('unknown model -> 404 model_not_found (SDK sees NotFoundError)', async () => {
    await assert.rejects(client.chat.completions.create({ model: 'nope/thing', messages: user('x') }), (e: unknown) => {
      assert.ok(e instanceof OpenAI.NotFoundError);
      assert.equal((e as InstanceType<typeof OpenAI.NotFoundError>).code, 'model_not_found');
      return true;
    });
    const r = await raw(JSON.stringify({ model: 'gpt-4o', messages: user('x') }));
    assert.equal(r.status, 404);
    assert.equal(r.error.param, 'model');
  });

  test('body over the limit -> 413 (declared length and chunked)', async () => {
    const big = JSON.stringify({ model: 'mock/echo', messages: user('x'.repeat(100 * 1024)) });
    const r = await raw(big);
    assert.equal(r.status, 413);
    assert.equal(r.error.code, 'request_too_large');
    // Without Content-Length (chunked upload) the limit is enforced while reading.
    const res = await fetch(`${node.url}/v1/chat/completions`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, duplex: 'half',
      body: new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode(big)); c.close(); } }),
    } as RequestInit);
    assert.equal(res.status, 413);
  });

  test('a body near the limit arrives intact, with a declared length and chunked', async () => {
    // Multi-byte characters, so chunk boundaries fall inside them; the echo model answers with the text.
    const text = 'é€😀 abc '.repeat(4_600);
    const body = JSON.stringify({ model: 'mock/echo', messages: user(text) });
    assert.ok(Buffer.byteLength(body) > 60_000 && Buffer.byteLength(body) < 64 * 1024);
    type Answer = { choices: Array<{ message: { content: string } }> };
    const echoed = (a: Answer) => a.choices[0].message.content === `Switchyard mock reply to: ${text}`;
    const bytes = new TextEncoder().encode(body);
    const pause = () => new Promise((r) => setTimeout(r, 1));
    // Declared length, written in pieces so that the server reads it in several parts.
    const declared = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = httpRequest(`${node.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': bytes.length } }, (res) => {
        let out = '';
        res.setEncoding('utf8').on('data', (d) => { out += d; }).on('end', () => resolve({ status: res.statusCode ?? 0, text: out }));
      });
      req.on('error', reject);
      void (async () => {
        for (let i = 0; i < bytes.length; i += 7_001) { req.write(bytes.subarray(i, i + 7_001)); await pause(); }
        req.end();
      })();
    });
    assert.equal(declared.status, 200);
    assert.ok(echoed(JSON.parse(declared.text) as Answer), 'declared length: the text came back unchanged');
    const res = await fetch(`${node.url}/v1/chat/completions`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, duplex: 'half',
      body: new ReadableStream({
        async start(c) {
          for (let i = 0; i < bytes.length; i += 7_001) { c.enqueue(bytes.subarray(i, i + 7_001)); await pause(); }
          c.close();
        },
      }),
    } as RequestInit);
    assert.equal(res.status, 200);
    assert.ok(echoed((await res.json()) as Answer), 'chunked: the text came back unchanged');
  });

  test('unknown route and wrong method -> 404', async () => {
    const r = await raw('', '/v1/nothing-here', 'GET');
    assert.equal(r.status, 404);
    assert.match(r.error.message, /Invalid URL \(GET \/v1\/nothing-here\)/);
    const r2 = await raw('', '/v1/chat/completions', 'GET');
    assert.equal(r2.status, 404);
  });

  test('embeddings and completions validate too', async () => {
    assert.equal((await raw(JSON.stringify({ model: 'mock/embed' }), '/v1/embeddings')).error.param, 'input');
    assert.equal((await raw(JSON.stringify({ model: 'mock/embed', input: 'x', encoding_format: 'hex' }), '/v1/embeddings')).error.param, 'encoding_format');
    assert.equal((await raw(JSON.stringify({ model: 'mock/echo' }), '/v1/completions')).error.param, 'prompt');
  });

  test('the node still serves after all of that', async () => {
    const r = await client.chat.completions.create({ model: 'mock/echo', messages: user('still here') });
    assert.equal(r.choices[0].message.content, 'Switchyard mock reply to: still here');
  });
});
