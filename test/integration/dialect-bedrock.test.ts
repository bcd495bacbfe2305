/**
 * The Bedrock ingress dialect on a real node, driven by the official @aws-sdk/client-bedrock-runtime
 * (HTTP/1.1 NodeHttpHandler): Converse and ConverseStream served (a) by the built-in mock/echo model and
 * (b) by the bedrock provider through the mock Bedrock upstream (whose SigV4 check is on).
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  BedrockRuntimeClient, ConverseCommand, ConverseStreamCommand, type ContentBlock, type ConverseStreamOutput, type Message, type Tool,
} from '@aws-sdk/client-bedrock-runtime';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { startNode, type NodeHandle } from '../helpers/node-process.js';
import { startBedrockMock, type BedrockMock } from '../mocks/bedrock-upstream.js';

const CREDS = { accessKeyId: 'AKIDUPSTREAM', secretAccessKey: 'upstream-secret-key', sessionToken: 'upstream-session' };
const UPSTREAM_MODEL = 'aws/anthropic.claude-3-5-sonnet-20240620-v1:0';

let node: NodeHandle;
let upstream: BedrockMock;
let client: BedrockRuntimeClient;
const codec = new EventStreamCodec(toUtf8, fromUtf8);

before(async () => {
  upstream = await startBedrockMock({ credentials: CREDS, region: 'eu-central-1' });
  node = await startNode({
    config: {
      routing: { retries: 0 }, // upstream errors must reach the client as they are (routing has its own tests)
      models: { fast: 'mock/echo' },
      providers: {
        aws: { type: 'bedrock', base_url: upstream.url, api_key: CREDS.accessKeyId, secret_access_key: CREDS.secretAccessKey, session_token: CREDS.sessionToken, region: 'eu-central-1' },
      },
    },
  });
  client = new BedrockRuntimeClient({
    region: 'us-east-1', endpoint: `${node.url}/bedrock`, maxAttempts: 1,
    credentials: { accessKeyId: 'client-key', secretAccessKey: 'client-secret' },
    requestHandler: new NodeHttpHandler({ connectionTimeout: 5_000, requestTimeout: 20_000 }),
  });
});
after(async () => {
  client?.destroy();
  await node?.stop();
  await upstream?.close();
});
beforeEach(() => upstream.reset());

const user = (...content: ContentBlock[]): Message[] => [{ role: 'user', content }];
const tools: Tool[] = ['get_weather', 'get_time'].map((name) => ({
  toolSpec: { name, description: `${name} tool`, inputSchema: { json: { type: 'object', properties: { input: { type: 'string' } } } } },
}));

interface Collected {
  text: string;
  role?: string;
  stopReason?: string;
  usage?: { inputTokens?: number; outputTokens?: number; totalTokens?: number; cacheReadInputTokens?: number };
  tools: Array<{ id?: string; name?: string; input: string; fragments: number }>;
  events: string[];
}

async function collect(stream: AsyncIterable<ConverseStreamOutput>): Promise<Collected> {
  const out: Collected = { text: '', tools: [], events: [] };
  const blockTool = new Map<number, number>();
  for await (const ev of stream) {
    out.events.push(Object.keys(ev).find((k) => (ev as unknown as Record<string, unknown>)[k] !== undefined) ?? '?');
    if (ev.messageStart) out.role = ev.messageStart.role;
    const start = ev.contentBlockStart;
    if (start?.start?.toolUse) {
      blockTool.set(start.contentBlockIndex!, out.tools.length);
      out.tools.push({ id: start.start.toolUse.toolUseId, name: start.start.toolUse.name, input: '', fragments: 0 });
    }
    const d = ev.contentBlockDelta;
    if (d?.delta?.text) out.text += d.delta.text;
    if (d?.delta?.toolUse) {
      const slot = out.tools[blockTool.get(d.contentBlockIndex!)!];
      slot.input += d.delta.toolUse.input ?? '';
      slot.fragments++;
    }
    if (ev.messageStop) out.stopReason = ev.messageStop.stopReason;
    if (ev.metadata) out.usage = ev.metadata.usage;
  }
  return out;
}

async function expectError(p: Promise<unknown>, name: string, status: number, message?: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    const err = e as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    assert.equal(err.name, name, err.message);
    assert.equal(err.$metadata?.httpStatusCode, status);
    if (message) assert.match(err.message, message);
    return true;
  });
}

describe('served by mock/echo', () => {
  test('Converse: text, stop reason, usage and request id', async () => {
    const r = await client.send(new ConverseCommand({ modelId: 'mock/echo', messages: user({ text: 'hello bedrock' }), system: [{ text: 'sys' }] }));
    assert.deepEqual(r.output?.message, { role: 'assistant', content: [{ text: 'Switchyard mock reply to: hello bedrock' }] });
    assert.equal(r.stopReason, 'end_turn');
    // The built-in mock reports cached_tokens: 0, which Bedrock spells cacheReadInputTokens.
    assert.deepEqual(r.usage, { inputTokens: 3, outputTokens: 6, totalTokens: 9, cacheReadInputTokens: 0 });
    assert.equal(r.$metadata.httpStatusCode, 200);
    assert.match(r.$metadata.requestId ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(typeof r.metrics?.latencyMs, 'number');
  });

  test('an alias works as modelId', async () => {
    const r = await client.send(new ConverseCommand({ modelId: 'fast', messages: user({ text: 'via alias' }) }));
    assert.equal(r.output?.message?.content?.[0].text, 'Switchyard mock reply to: via alias');
  });

  test('ConverseStream: streamed text in order, messageStop, metadata usage', async () => {
    const r = await client.send(new ConverseStreamCommand({ modelId: 'mock/echo', messages: user({ text: 'stream me please' }) }));
    const c = await collect(r.stream!);
    assert.equal(c.role, 'assistant');
    assert.equal(c.text, 'Switchyard mock reply to: stream me please');
    assert.equal(c.stopReason, 'end_turn');
    assert.deepEqual(c.usage, { inputTokens: 3, outputTokens: 7, totalTokens: 10, cacheReadInputTokens: 0 });
    assert.equal(c.events[0], 'messageStart');
    assert.deepEqual(c.events.slice(-3), ['contentBlockStop', 'messageStop', 'metadata']);
    assert.ok(c.events.filter((e) => e === 'contentBlockDelta').length >= 5);
  });

  test('ConverseStream: a parallel tool call is reassembled exactly', async () => {
    const prompt = 'parallel please: "quotes", backslash \\ and ünïcödé 🚀 emoji';
    const r = await client.send(new ConverseStreamCommand({ modelId: 'mock/echo', messages: user({ text: prompt }), toolConfig: { tools } }));
    const c = await collect(r.stream!);
    assert.deepEqual(c.tools.map((t) => t.name), ['get_weather', 'get_time']);
    c.tools.forEach((t, i) => assert.equal(t.input, JSON.stringify({ input: prompt, index: i })));
    assert.equal(c.stopReason, 'tool_use');
  });

  test('Converse: tool calls come back as toolUse blocks with parsed input', async () => {
    const r = await client.send(new ConverseCommand({ modelId: 'mock/echo', messages: user({ text: 'weather' }), toolConfig: { tools, toolChoice: { tool: { name: 'get_time' } } } }));
    assert.equal(r.stopReason, 'tool_use');
    const tu = r.output?.message?.content?.[0].toolUse;
    assert.equal(tu?.name, 'get_time');
    assert.deepEqual(tu?.input, { input: 'weather', index: 0 });
  });

  test('an image input is accepted', async () => {
    const r = await client.send(new ConverseCommand({
      modelId: 'mock/echo', messages: user({ text: 'describe' }, { image: { format: 'png', source: { bytes: Uint8Array.from([137, 80, 78, 71]) } } }),
    }));
    assert.equal(r.output?.message?.content?.[0].text, 'Switchyard mock reply to: describe');
  });
});

describe('errors in the Bedrock shape', () => {
  test('unknown model -> ResourceNotFoundException 404 (Converse and ConverseStream)', async () => {
    await expectError(client.send(new ConverseCommand({ modelId: 'nope/thing', messages: user({ text: 'x' }) })), 'ResourceNotFoundException', 404, /nope\/thing/);
    await expectError(client.send(new ConverseStreamCommand({ modelId: 'gpt-4o', messages: user({ text: 'x' }) })), 'ResourceNotFoundException', 404);
  });

  test('invalid bodies -> ValidationException 400 naming the field', async () => {
    await expectError(client.send(new ConverseCommand({ modelId: 'mock/echo', messages: [] })), 'ValidationException', 400, /'messages'/);
    await expectError(client.send(new ConverseCommand({ modelId: 'mock/echo', messages: user({ text: 'x' }), inferenceConfig: { temperature: 5 } })), 'ValidationException', 400, /inferenceConfig\.temperature/);
    await expectError(client.send(new ConverseCommand({ modelId: 'mock/echo', messages: [{ role: 'system' as 'user', content: [{ text: 'x' }] }] })), 'ValidationException', 400, /messages\.1\.member\.role/);
  });

  test('raw wire: x-amzn-errortype header and {"message"} body; malformed JSON', async () => {
    const res = await fetch(`${node.url}/bedrock/model/mock%2Fecho/converse`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"messages": [' });
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('x-amzn-errortype'), 'ValidationException');
    assert.deepEqual(await res.json(), { message: 'Malformed input request, please reformat your input and try again.' });
    const unk = await fetch(`${node.url}/bedrock/model/mock%2Fecho/invoke-something`, { method: 'POST', body: '{}' });
    assert.equal(unk.status, 404);
    assert.equal(unk.headers.get('x-amzn-errortype'), 'UnknownOperationException');
  });

  test('raw wire: the stream is application/vnd.amazon.eventstream', async () => {
    const res = await fetch(`${node.url}/bedrock/model/mock/echo/converse-stream`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ messages: [{ role: 'user', content: [{ text: 'unencoded path' }] }] }),
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/vnd.amazon.eventstream');
    let buf = Buffer.from(await res.arrayBuffer());
    const types: string[] = [];
    let text = '';
    while (buf.length) {
      const len = buf.readUInt32BE(0);
      const m = codec.decode(buf.subarray(0, len));
      buf = buf.subarray(len);
      assert.equal(m.headers[':message-type']?.value, 'event');
      assert.equal(m.headers[':content-type']?.value, 'application/json');
      const type = String(m.headers[':event-type']?.value);
      types.push(type);
      const payload = JSON.parse(toUtf8(m.body));
      if (type === 'contentBlockDelta') text += payload.delta.text;
    }
    assert.equal(text, 'Switchyard mock reply to: unencoded path');
    assert.deepEqual([types[0], ...types.slice(-3)], ['messageStart', 'contentBlockStop', 'messageStop', 'metadata']);
  });
});

describe('served by the bedrock provider through the mock upstream', () => {
  test('Converse: text, signed upstream request, usage with cache reads round-tripped', async () => {
    const r = await client.send(new ConverseCommand({ modelId: UPSTREAM_MODEL, messages: user({ text: 'hello upstream' }), inferenceConfig: { maxTokens: 100, temperature: 0.5 } }));
    assert.equal(r.output?.message?.content?.[0].text, 'Bedrock mock reply to: hello upstream');
    assert.equal(r.stopReason, 'end_turn');
    assert.deepEqual(r.usage, { inputTokens: 2, outputTokens: 6, totalTokens: 10, cacheReadInputTokens: 2 });
    const sent = upstream.requests[0];
    assert.equal(sent.modelId, 'anthropic.claude-3-5-sonnet-20240620-v1:0');
    assert.deepEqual(sent.body.inferenceConfig, { maxTokens: 100, temperature: 0.5 });
    assert.match(sent.headers.authorization, /Credential=AKIDUPSTREAM\/\d{8}\/eu-central-1\/bedrock\/aws4_request/);
  });

  test('ConverseStream: streamed text and usage', async () => {
    const r = await client.send(new ConverseStreamCommand({ modelId: UPSTREAM_MODEL, messages: user({ text: 'stream from upstream' }) }));
    const c = await collect(r.stream!);
    assert.equal(c.text, 'Bedrock mock reply to: stream from upstream');
    assert.equal(c.stopReason, 'end_turn');
    assert.deepEqual(c.usage, { inputTokens: 3, outputTokens: 7, totalTokens: 12, cacheReadInputTokens: 2 });
  });

  test('ConverseStream: a parallel tool call through two translations is reassembled exactly', async () => {
    const prompt = 'parallel: "q" \\ ünï 🚀';
    const r = await client.send(new ConverseStreamCommand({ modelId: UPSTREAM_MODEL, messages: user({ text: prompt }), toolConfig: { tools, toolChoice: { auto: {} } } }));
    const c = await collect(r.stream!);
    assert.deepEqual(c.tools.map((t) => [t.id, t.name]), [['tooluse_1_0', 'get_weather'], ['tooluse_1_1', 'get_time']]);
    c.tools.forEach((t, i) => {
      assert.equal(t.input, JSON.stringify({ input: prompt, index: i }));
      assert.ok(t.fragments > 5);
    });
    assert.equal(c.stopReason, 'tool_use');
    assert.deepEqual(upstream.requests[0].body.toolConfig.toolChoice, { auto: {} });
  });

  test('an image reaches the upstream byte-exactly', async () => {
    const bytes = Uint8Array.from([137, 80, 78, 71, 13, 10, 26, 10, 0, 255]);
    const r = await client.send(new ConverseCommand({ modelId: UPSTREAM_MODEL, messages: user({ text: 'look' }, { image: { format: 'webp', source: { bytes } } }) }));
    assert.equal(r.output?.message?.content?.[0].text, 'Bedrock mock reply to: look [1 image]');
    assert.deepEqual(upstream.requests[0].body.messages[0].content[1], { image: { format: 'webp', source: { bytes: Buffer.from(bytes).toString('base64') } } });
  });

  test('tool results in history round-trip to toolResult blocks', async () => {
    const r = await client.send(new ConverseCommand({
      modelId: UPSTREAM_MODEL, toolConfig: { tools },
      messages: [
        { role: 'user', content: [{ text: 'weather?' }] },
        { role: 'assistant', content: [{ toolUse: { toolUseId: 'tu1', name: 'get_weather', input: { city: 'Oslo' } } }] },
        { role: 'user', content: [{ toolResult: { toolUseId: 'tu1', content: [{ json: { temp: 3 } }] } }] },
      ],
    }));
    assert.equal(r.output?.message?.content?.[0].text, 'Bedrock mock reply to: weather?');
    assert.deepEqual(upstream.requests[0].body.messages.slice(1), [
      { role: 'assistant', content: [{ toolUse: { toolUseId: 'tu1', name: 'get_weather', input: { city: 'Oslo' } } }] },
      { role: 'user', content: [{ toolResult: { toolUseId: 'tu1', content: [{ text: '{"temp":3}' }] } }] },
    ]);
  });

  test('upstream HTTP errors keep their Bedrock name and status', async () => {
    upstream.fail({ kind: 'http', status: 429, errorType: 'ThrottlingException', message: 'Too many requests' });
    await expectError(client.send(new ConverseCommand({ modelId: UPSTREAM_MODEL, messages: user({ text: 'x' }) })), 'ThrottlingException', 429, /Too many requests/);
  });

  test('an exception inside the upstream stream ends the client stream with an exception event', async () => {
    upstream.fail({ kind: 'stream-exception', afterEvents: 3, exceptionType: 'throttlingException', message: 'slow down mid-stream' });
    const r = await client.send(new ConverseStreamCommand({ modelId: UPSTREAM_MODEL, messages: user({ text: 'a b c d e' }) }));
    let text = '';
    await assert.rejects((async () => {
      for await (const ev of r.stream!) text += ev.contentBlockDelta?.delta?.text ?? '';
    })(), (e: unknown) => {
      const err = e as Error;
      assert.equal(err.name, 'ThrottlingException');
      assert.match(err.message, /slow down mid-stream/);
      return true;
    });
    assert.equal(text, 'Bedrock mock');
  });

  test('a truncated upstream stream is an error for the client, never a clean end', async () => {
    upstream.fail({ kind: 'truncate', afterEvents: 4 });
    const r = await client.send(new ConverseStreamCommand({ modelId: UPSTREAM_MODEL, messages: user({ text: 'a b c d e' }) }));
    await assert.rejects(collect(r.stream!), (e: unknown) => {
      assert.equal((e as Error).name, 'ModelStreamErrorException');
      return true;
    });
  });
});
