/**
 * The Azure OpenAI adapter against the Azure mock upstream: deployment URLs with api-version, the api-key
 * header, OpenAI body/response/stream handling reused from the OpenAI-compatible adapter, Azure's
 * prompt-filter stream chunk, and content filtering (400 content_filter, finish_reason content_filter).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ResolvedProvider } from '../../src/config/index.js';
import { GatewayError } from '../../src/core/errors.js';
import type { ChatChunk } from '../../src/core/types.js';
import { AZURE_DEFAULT_API_VERSION, AzureProvider } from '../../src/providers/azure/index.js';
import { providerKind } from '../../src/providers/catalog.js';
import type { CallContext } from '../../src/providers/types.js';
import { startAzureMock, type AzureMock } from '../mocks/azure-upstream.js';
import { mockToolArguments } from '../mocks/openai/chat-plan.js';
import { mockEmbedding } from '../mocks/openai/embeddings.js';

const kind = providerKind('azure')!;
const config = (baseUrl: string, over: Partial<ResolvedProvider> = {}): ResolvedProvider => ({
  name: 'az', kind: 'azure', adapter: 'azure', baseUrl, apiKey: 'az-secret-key', headers: {}, timeoutMs: 5000,
  connectTimeoutMs: 2000, maxConnections: 4, latencyMs: 0, options: {}, keys: [],
  deployments: { 'gpt-4o': 'gpt4o-prod' }, ...over,
});
const newCall = (): CallContext => ({ signal: new AbortController().signal, requestId: 'r', dropped: [], upstreamStart: 0, upstreamEnd: 0 });
async function collect(stream: AsyncIterable<ChatChunk[]>): Promise<ChatChunk[]> {
  const out: ChatChunk[] = [];
  for await (const b of stream) out.push(...b);
  return out;
}

let mock: AzureMock;
let p: AzureProvider;
before(async () => {
  mock = await startAzureMock({ apiKey: 'az-secret-key', deployments: { 'gpt4o-prod': 'gpt-4o-2024-08-06', 'emb-prod': 'text-embedding-3-small', 'legacy': 'gpt-35-turbo-instruct' } });
  p = new AzureProvider(config(mock.url), kind);
});
after(async () => { await p.close(); await mock.close(); });

describe('azure adapter', () => {
  test('chat goes to the deployment URL with api-version and the api-key header (never Bearer)', async () => {
    mock.requests.length = 0;
    const r = await p.chat({ model: 'az/gpt-4o', messages: [{ role: 'user', content: 'hello azure' }] }, 'gpt-4o', newCall());
    assert.equal(r.choices[0]!.message.content, 'echo: hello azure');
    assert.equal(r.choices[0]!.finish_reason, 'stop');
    assert.deepEqual({ p: r.usage!.prompt_tokens, c: r.usage!.completion_tokens }, { p: 2, c: 3 });
    const rec = mock.requests[0]!;
    assert.equal(rec.path, '/openai/deployments/gpt4o-prod/chat/completions');
    assert.deepEqual(rec.query, { 'api-version': AZURE_DEFAULT_API_VERSION });
    assert.equal(AZURE_DEFAULT_API_VERSION, '2024-10-21');
    assert.equal(rec.headers['api-key'], 'az-secret-key');
    assert.equal(rec.headers.authorization, undefined);
    assert.deepEqual(rec.body, { model: 'gpt4o-prod', messages: [{ role: 'user', content: 'hello azure' }] });
  });

  test('api_version option and a model without a deployment entry (deployment = model)', async () => {
    const q = new AzureProvider(config(mock.url, { options: { api_version: '2025-04-01-preview' }, deployments: undefined }), kind);
    try {
      mock.requests.length = 0;
      await q.chat({ model: 'x', messages: [{ role: 'user', content: 'x' }] }, 'gpt4o-prod', newCall());
      assert.equal(mock.requests[0]!.path, '/openai/deployments/gpt4o-prod/chat/completions');
      assert.deepEqual(mock.requests[0]!.query, { 'api-version': '2025-04-01-preview' });
    } finally { await q.close(); }
  });

  test('stream: the prompt-filter chunk is dropped, role first, text, finish, usage last', async () => {
    const chunks = await collect(await p.chatStream({ model: 'x', messages: [{ role: 'user', content: 'stream me please' }], stream: true }, 'gpt-4o', newCall()));
    assert.equal(chunks[0]!.choices[0]!.delta.role, 'assistant');
    assert.ok(chunks.every((c) => c.choices.length > 0 || c.usage));
    assert.equal(chunks.map((c) => c.choices[0]?.delta.content ?? '').join(''), 'echo: stream me please');
    assert.equal(chunks.at(-2)!.choices[0]!.finish_reason, 'stop');
    assert.deepEqual(chunks.at(-1)!.choices, []);
    assert.equal(chunks.at(-1)!.usage!.completion_tokens, 4);
    assert.deepEqual(mock.requests.at(-1)!.body.stream_options, { include_usage: true });
  });

  test('a streamed parallel tool call is reassembled exactly', async () => {
    const tools = ['get_weather', 'get_time'].map((name) => ({ type: 'function' as const, function: { name, parameters: { type: 'object' } } }));
    const chunks = await collect(await p.chatStream({ model: 'x', messages: [{ role: 'user', content: 'parallel "quotes" ü' }], tools, stream: true }, 'gpt-4o', newCall()));
    const deltas = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    assert.deepEqual(deltas.filter((d) => d.id).map((d) => [d.index, d.function?.name]), [[0, 'get_weather'], [1, 'get_time']]);
    for (const i of [0, 1]) assert.equal(deltas.filter((d) => d.index === i).map((d) => d.function?.arguments ?? '').join(''), mockToolArguments('parallel "quotes" ü'));
    assert.equal(chunks.at(-2)!.choices[0]!.finish_reason, 'tool_calls');
  });

  test('a prompt refused by the content filter is a 400 with code content_filter', async () => {
    await assert.rejects(p.chat({ model: 'x', messages: [{ role: 'user', content: 'please trigger-prompt-filter' }] }, 'gpt-4o', newCall()), (e: unknown) => {
      assert.ok(e instanceof GatewayError);
      assert.deepEqual([e.status, e.code, e.param, e.provider], [400, 'content_filter', 'prompt', 'az']);
      assert.match(e.message, /^az: The response was filtered/);
      return true;
    });
    await assert.rejects(p.chatStream({ model: 'x', messages: [{ role: 'user', content: 'trigger-prompt-filter' }], stream: true }, 'gpt-4o', newCall()), (e: unknown) => (e as GatewayError).code === 'content_filter');
  });

  test('a filtered completion keeps finish_reason content_filter (unary and streamed)', async () => {
    const r = await p.chat({ model: 'x', messages: [{ role: 'user', content: 'trigger-output-filter' }] }, 'gpt-4o', newCall());
    assert.equal(r.choices[0]!.finish_reason, 'content_filter');
    const chunks = await collect(await p.chatStream({ model: 'x', messages: [{ role: 'user', content: 'trigger-output-filter' }], stream: true }, 'gpt-4o', newCall()));
    assert.deepEqual(chunks.map((c) => c.choices[0]?.finish_reason).filter(Boolean), ['content_filter']);
  });

  test('errors: wrong key 401, unknown deployment 404 with Azure code', async () => {
    const bad = new AzureProvider(config(mock.url, { apiKey: 'wrong' }), kind);
    try {
      await assert.rejects(bad.chat({ model: 'x', messages: [{ role: 'user', content: 'x' }] }, 'gpt-4o', newCall()), (e: unknown) => (e as GatewayError).status === 401);
    } finally { await bad.close(); }
    await assert.rejects(p.chat({ model: 'x', messages: [{ role: 'user', content: 'x' }] }, 'nope', newCall()), (e: unknown) => {
      assert.deepEqual([(e as GatewayError).status, (e as GatewayError).code], [404, 'DeploymentNotFound']);
      return true;
    });
  });

  test('embeddings and legacy completions go to their deployment URLs; models come from config', async () => {
    mock.requests.length = 0;
    const e = await p.embeddings({ model: 'x', input: 'hi there' }, 'emb-prod', newCall());
    assert.equal(mock.requests[0]!.path, '/openai/deployments/emb-prod/embeddings');
    assert.deepEqual(e.data[0]!.embedding, mockEmbedding('hi there'));
    const c = await p.completions({ model: 'x', prompt: 'say this' }, 'legacy', newCall());
    assert.equal(mock.requests[1]!.path, '/openai/deployments/legacy/completions');
    assert.equal(typeof c.choices[0]!.text, 'string');
    assert.deepEqual(await p.listModels(newCall()), ['gpt-4o']);
    const q = new AzureProvider(config(mock.url, { models: ['a', 'b'] }), kind);
    assert.deepEqual(await q.listModels(newCall()), ['a', 'b']);
    await q.close();
  });
});
