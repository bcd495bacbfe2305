/**
 * The Cohere v2 drop-in dialect (/cohere/v2/chat) of a real node, driven with raw fetch and SSE parsed
 * the way a Cohere client does (eventsource-parser, one JSON event per `data:`), served (a) by the built-in
 * mock/echo model and (b) by the Cohere provider through the Cohere mock upstream (and the Azure provider
 * through the Azure mock upstream).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createParser } from 'eventsource-parser';
import OpenAI from 'openai';
import { startNode, type NodeHandle } from '../helpers/node-process.js';
import { startAzureMock, type AzureMock } from '../mocks/azure-upstream.js';
import { COHERE_CACHED_TOKENS, COHERE_PREAMBLE_TOKENS, cohereToolArguments, cohereToolCallId, startCohereMock, type CohereMock } from '../mocks/cohere-upstream.js';

let node: NodeHandle;
let co: CohereMock;
let az: AzureMock;

before(async () => {
  co = await startCohereMock({ requireKey: 'co-upstream-key' });
  az = await startAzureMock({ apiKey: 'az-upstream-key', deployments: { 'gpt4o-prod': 'gpt-4o' } });
  node = await startNode({
    workers: 1,
    config: {
      providers: {
        co: { type: 'cohere', base_url: co.url, api_key: 'co-upstream-key' },
        az: { type: 'azure', base_url: az.url, api_key: 'az-upstream-key', deployments: { 'gpt-4o': 'gpt4o-prod' } },
      },
      routing: { retries: 0 },
    },
  });
});
after(async () => { await node.stop(); await co.close(); await az.close(); });

const post = (body: unknown) => fetch(`${node.url}/cohere/v2/chat`, {
  method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer client-key' }, body: typeof body === 'string' ? body : JSON.stringify(body),
});

interface Ev { type: string; [k: string]: any }

/** Reads a Cohere SSE stream: every event's `event:` name must equal its JSON `type`. */
async function events(res: Response): Promise<Ev[]> {
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
  const out: Ev[] = [];
  const parser = createParser({ onEvent: (e) => { const ev = JSON.parse(e.data) as Ev; assert.equal(e.event, ev.type); out.push(ev); } });
  const decoder = new TextDecoder();
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) parser.feed(decoder.decode(chunk, { stream: true }));
  return out;
}
const text = (evs: Ev[]) => evs.filter((e) => e.type === 'content-delta').map((e) => e.delta.message.content.text ?? '').join('');
function toolCalls(evs: Ev[]): Array<{ id: string; name: string; arguments: string }> {
  const calls = new Map<number, { id: string; name: string; arguments: string }>();
  for (const e of evs) {
    if (e.type === 'tool-call-start') calls.set(e.index, { id: e.delta.message.tool_calls.id, name: e.delta.message.tool_calls.function.name, arguments: e.delta.message.tool_calls.function.arguments });
    if (e.type === 'tool-call-delta') calls.get(e.index)!.arguments += e.delta.message.tool_calls.function.arguments;
  }
  return [...calls.values()];
}
const tools = ['get_weather', 'get_time'].map((name) => ({ type: 'function', function: { name, description: `tool ${name}`, parameters: { type: 'object', properties: { city: { type: 'string' } } } } }));
const image = [{ type: 'text', text: 'describe this' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }, { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }];

describe('served by mock/echo', () => {
  test('text with usage, in the Cohere response shape', async () => {
    const res = await post({ model: 'mock/echo', messages: [{ role: 'system', content: 'be nice' }, { role: 'user', content: 'hello cohere' }] });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-switchyard-provider'), 'mock');
    const body = await res.json() as any;
    assert.equal(typeof body.id, 'string');
    assert.deepEqual(body.message, { role: 'assistant', content: [{ type: 'text', text: 'Switchyard mock reply to: hello cohere' }] });
    assert.equal(body.finish_reason, 'COMPLETE');
    assert.deepEqual(body.usage, { billed_units: { input_tokens: 4, output_tokens: 6 }, tokens: { input_tokens: 4, output_tokens: 6 }, cached_tokens: 0 });
  });

  test('streamed text: documented event order, text and usage in message-end', async () => {
    const evs = await events(await post({ model: 'mock/echo', stream: true, messages: [{ role: 'user', content: 'stream me please' }] }));
    const types = evs.map((e) => e.type);
    assert.deepEqual([types[0], types[1], types.at(-2), types.at(-1)], ['message-start', 'content-start', 'content-end', 'message-end']);
    assert.ok(types.slice(2, -2).every((t) => t === 'content-delta'));
    assert.deepEqual(evs[0]!.delta, { message: { role: 'assistant', content: [], tool_plan: '', tool_calls: [], citations: [] } });
    assert.equal(text(evs), 'Switchyard mock reply to: stream me please');
    assert.deepEqual(evs.at(-1)!.delta, { finish_reason: 'COMPLETE', usage: { billed_units: { input_tokens: 3, output_tokens: 7 }, tokens: { input_tokens: 3, output_tokens: 7 }, cached_tokens: 0 } });
  });

  test('a streamed parallel tool call is reassembled exactly', async () => {
    const user = 'parallel please: "quoted" ünïcode';
    const evs = await events(await post({ model: 'mock/echo', stream: true, tools, messages: [{ role: 'user', content: user }] }));
    const calls = toolCalls(evs);
    assert.deepEqual(calls.map((c) => c.name), ['get_weather', 'get_time']);
    calls.forEach((c, i) => assert.equal(c.arguments, JSON.stringify({ input: user, index: i })));
    assert.ok(calls.every((c) => c.id.length > 0));
    assert.equal(evs.filter((e) => e.type === 'tool-call-end').length, 2);
    assert.equal(evs.at(-1)!.delta.finish_reason, 'TOOL_CALL');
  });

  test('image input is accepted', async () => {
    const res = await post({ model: 'mock/echo', messages: [{ role: 'user', content: image }] });
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as any).message.content[0].text, 'Switchyard mock reply to: describe this');
  });

  test('errors in the Cohere shape: unknown model, invalid body, bad JSON', async () => {
    const unknown = await post({ model: 'nope/model', messages: [{ role: 'user', content: 'x' }] });
    assert.equal(unknown.status, 404);
    const u = await unknown.json() as any;
    assert.deepEqual(Object.keys(u), ['message']);
    assert.match(u.message, /nope/);

    const noMessages = await post({ model: 'mock/echo' });
    assert.equal(noMessages.status, 400);
    assert.deepEqual(await noMessages.json(), { message: 'invalid request: messages must be a non-empty list' });

    const badRole = await post({ model: 'mock/echo', messages: [{ role: 'wizard', content: 'x' }] });
    assert.equal(badRole.status, 400);
    assert.match(((await badRole.json()) as any).message, /messages\[0\]\.role/);

    const badJson = await post('{"model":');
    assert.equal(badJson.status, 400);
    assert.deepEqual(await badJson.json(), { message: 'invalid request: could not parse the JSON body' });
  });
});

describe('served by the Cohere provider through the Cohere mock upstream', () => {
  test('text with usage (cached tokens kept); the upstream got a Cohere v2 request with its own key', async () => {
    co.reset();
    const res = await post({ model: 'co/command-a-03-2025', temperature: 0.2, p: 0.5, stop_sequences: ['END'], messages: [{ role: 'user', content: 'hello upstream' }] });
    assert.equal(res.status, 200);
    const body = await res.json() as any;
    assert.equal(body.id, 'cohere-mock-1');
    assert.deepEqual(body.message.content, [{ type: 'text', text: 'echo: hello upstream' }]);
    const input = 2 + COHERE_PREAMBLE_TOKENS;
    assert.deepEqual(body.usage, { billed_units: { input_tokens: input, output_tokens: 3 }, tokens: { input_tokens: input, output_tokens: 3 }, cached_tokens: COHERE_CACHED_TOKENS });
    assert.equal(co.requests[0]!.headers.authorization, 'Bearer co-upstream-key');
    assert.deepEqual(co.requests[0]!.body, { model: 'command-a-03-2025', messages: [{ role: 'user', content: 'hello upstream' }], stop_sequences: ['END'], temperature: 0.2, p: 0.5 });
  });

  test('streamed text', async () => {
    const evs = await events(await post({ model: 'co/command-a-03-2025', stream: true, messages: [{ role: 'user', content: 'one two three' }] }));
    assert.equal(text(evs), 'echo: one two three');
    assert.equal(evs[0]!.type, 'message-start');
    assert.equal(evs.at(-1)!.delta.finish_reason, 'COMPLETE');
    assert.equal(evs.at(-1)!.delta.usage.tokens.output_tokens, 4);
  });

  test('a streamed parallel tool call (with its tool plan) is reassembled exactly, and tool results go back', async () => {
    co.reset();
    const user = 'parallel: {"tricky": "json\\n"} 😀';
    const evs = await events(await post({ model: 'co/command-a-03-2025', stream: true, tools, tool_choice: 'REQUIRED', messages: [{ role: 'user', content: user }] }));
    assert.deepEqual(toolCalls(evs), [
      { id: cohereToolCallId(1, 'get_weather', 0), name: 'get_weather', arguments: cohereToolArguments(user) },
      { id: cohereToolCallId(1, 'get_time', 1), name: 'get_time', arguments: cohereToolArguments(user) },
    ]);
    assert.equal(text(evs), 'I will call get_weather and get_time.');
    assert.equal(evs.at(-1)!.delta.finish_reason, 'TOOL_CALL');
    assert.deepEqual(co.requests[0]!.body.tools, tools);
    assert.equal(co.requests[0]!.body.tool_choice, 'REQUIRED');

    const res = await post({
      model: 'co/command-a-03-2025', tools,
      messages: [
        { role: 'user', content: user },
        { role: 'assistant', tool_plan: 'I will call get_weather.', tool_calls: [{ id: 'w1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'w1', content: [{ type: 'document', document: { data: '{"temp":21}' } }] },
      ],
    });
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as any).finish_reason, 'COMPLETE');
    assert.deepEqual(co.requests[1]!.body.messages.slice(1), [
      { role: 'assistant', tool_plan: 'I will call get_weather.', tool_calls: [{ id: 'w1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
      { role: 'tool', tool_call_id: 'w1', content: '{"temp":21}' },
    ]);
  });

  test('non-streamed tool calls carry the tool plan', async () => {
    const res = await post({ model: 'co/command-a-03-2025', tools, messages: [{ role: 'user', content: 'weather?' }] });
    const body = await res.json() as any;
    assert.equal(body.finish_reason, 'TOOL_CALL');
    assert.equal(body.message.tool_plan, 'I will call get_weather.');
    assert.deepEqual(body.message.tool_calls.map((c: any) => [c.function.name, c.function.arguments]), [['get_weather', cohereToolArguments('weather?')]]);
  });

  test('image input (base64 and URL) reaches the upstream unchanged', async () => {
    co.reset();
    const res = await post({ model: 'co/command-a-vision-07-2025', messages: [{ role: 'user', content: image }] });
    assert.equal(((await res.json()) as any).message.content[0].text, 'echo: describe this [images: 2]');
    assert.deepEqual(co.requests[0]!.body.messages, [{ role: 'user', content: image }]);
  });

  test('upstream errors keep their status in the Cohere shape; a mid-stream failure ends with an ERROR message-end', async () => {
    co.fail({ status: 429, message: 'rate limited, slow down' });
    const res = await post({ model: 'co/command-a-03-2025', messages: [{ role: 'user', content: 'x' }] });
    assert.equal(res.status, 429);
    assert.deepEqual(await res.json(), { message: 'co: rate limited, slow down' });

    co.fail({ errorAfterEvents: 4, message: 'model overloaded' });
    const evs = await events(await post({ model: 'co/command-a-03-2025', stream: true, messages: [{ role: 'user', content: 'a b c d e' }] }));
    assert.equal(text(evs), 'echo: a ');
    assert.equal(evs.at(-1)!.type, 'message-end');
    assert.equal(evs.at(-1)!.delta.finish_reason, 'ERROR');
    assert.equal(evs.at(-1)!.delta.error, 'co: model overloaded');
    assert.equal(evs.filter((e) => e.type === 'message-end').length, 1);
  });
});

describe('served by the Azure provider through the Azure mock upstream', () => {
  test('Cohere dialect, streamed, via an Azure deployment', async () => {
    az.requests.length = 0;
    const evs = await events(await post({ model: 'az/gpt-4o', stream: true, messages: [{ role: 'user', content: 'hi azure' }] }));
    assert.equal(text(evs), 'echo: hi azure');
    assert.equal(evs.at(-1)!.delta.finish_reason, 'COMPLETE');
    assert.equal(evs.at(-1)!.delta.usage.tokens.output_tokens, 3);
    assert.equal(az.requests[0]!.path, '/openai/deployments/gpt4o-prod/chat/completions');
    assert.equal(az.requests[0]!.headers['api-key'], 'az-upstream-key');
  });

  test('OpenAI SDK on /v1: content filter refusal is a 400 with code content_filter', async () => {
    const client = new OpenAI({ baseURL: `${node.url}/v1`, apiKey: 'client', maxRetries: 0 });
    const ok = await client.chat.completions.create({ model: 'az/gpt-4o', messages: [{ role: 'user', content: 'hello' }] });
    assert.equal(ok.choices[0]!.message.content, 'echo: hello');
    await assert.rejects(client.chat.completions.create({ model: 'az/gpt-4o', messages: [{ role: 'user', content: 'trigger-prompt-filter' }] }), (e: any) => {
      assert.equal(e.status, 400);
      assert.equal(e.code, 'content_filter');
      return true;
    });
  });
});
