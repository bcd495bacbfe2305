/**
 * The vertex adapter against the mock Google upstream: service-account OAuth (RS256 JWT exchanged at the
 * token_uri, cached, refreshed), Gemini models at publishers/google and Claude models at
 * publishers/anthropic (rawPredict / streamRawPredict with anthropic_version vertex-2023-10-16).
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { ResolvedProvider } from '../../src/config/index.js';
import type { GatewayError } from '../../src/core/errors.js';
import type { ChatChunk, ChatRequest } from '../../src/core/types.js';
import { providerKind } from '../../src/providers/catalog.js';
import { VertexProvider } from '../../src/providers/vertex/index.js';
import { ServiceAccountTokens } from '../../src/providers/vertex/auth.js';
import type { CallContext } from '../../src/providers/types.js';
import { anthropicReplyText, geminiMockVector, geminiReplyText, startGeminiMock, type GeminiMock } from '../mocks/gemini-upstream.js';

const keys = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
const EMAIL = 'gateway@proj-1.iam.gserviceaccount.com';

let mock: GeminiMock;
let provider: VertexProvider;

const call = (over: Partial<CallContext> = {}): CallContext => ({ signal: AbortSignal.timeout(10_000), requestId: 'r', upstreamStart: 0, upstreamEnd: 0, dropped: [], ...over });
const sa = (privateKey = keys.privateKey) => ({ type: 'service_account', project_id: 'proj-1', private_key_id: 'kid1', private_key: privateKey, client_email: EMAIL, token_uri: `${mock.url}/token` });

function config(credentials: string, over: Partial<ResolvedProvider> = {}): ResolvedProvider {
  return {
    name: 'vertex', kind: 'vertex', adapter: 'vertex', baseUrl: mock.url, headers: {}, timeoutMs: 10_000, keys: [],
    connectTimeoutMs: 5_000, maxConnections: 4, latencyMs: 0, options: { project: 'proj-1', location: 'us-east5', credentials }, ...over,
  } as ResolvedProvider;
}

async function collect(stream: AsyncIterable<ChatChunk[]>): Promise<ChatChunk[]> {
  const out: ChatChunk[] = [];
  for await (const b of stream) out.push(...b);
  return out;
}

const tools: ChatRequest['tools'] = ['get_weather', 'get_time'].map((name) => ({ type: 'function' as const, function: { name, parameters: { type: 'object', properties: { input: { type: 'string' } } } } }));

before(async () => {
  mock = await startGeminiMock({ publicKeyPem: keys.publicKey, clientEmail: EMAIL });
  provider = new VertexProvider(config(JSON.stringify(sa())), providerKind('vertex')!);
});
after(async () => { await provider.close(); await mock.close(); });
beforeEach(() => { mock.requests.length = 0; });

describe('vertex gemini models', () => {
  test('generateContent at the project/location path with a bearer token; the token is cached', async () => {
    const before = mock.tokensIssued;
    const r = await provider.chat({ model: 'x', messages: [{ role: 'user', content: 'hello vertex' }] }, 'gemini-2.5-pro', call());
    assert.equal(r.choices[0].message.content, geminiReplyText('hello vertex'));
    assert.equal(mock.requests[0].path, '/v1/projects/proj-1/locations/us-east5/publishers/google/models/gemini-2.5-pro:generateContent');
    assert.match(mock.requests[0].headers.authorization, /^Bearer ya29\.mock-\d+$/);
    await provider.chat({ model: 'x', messages: [{ role: 'user', content: 'again' }] }, 'gemini-2.5-pro', call());
    assert.equal(mock.tokensIssued - before, 1);
    assert.equal(mock.requests[1].headers.authorization, mock.requests[0].headers.authorization);
  });

  test('streamed text', async () => {
    const chunks = await collect(await provider.chatStream({ model: 'x', messages: [{ role: 'user', content: 'stream on vertex' }] }, 'gemini-2.5-flash', call()));
    assert.equal(mock.requests[0].path, '/v1/projects/proj-1/locations/us-east5/publishers/google/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
    assert.equal(chunks.map((c) => c.choices[0]?.delta.content ?? '').join(''), geminiReplyText('stream on vertex'));
    assert.deepEqual(chunks[chunks.length - 1].usage, { prompt_tokens: 3, completion_tokens: 7, total_tokens: 10, prompt_tokens_details: { cached_tokens: 0 } });
  });

  test('embeddings through :predict', async () => {
    const r = await provider.embeddings({ model: 'x', input: ['one two', 'three'], dimensions: 3 }, 'text-embedding-005', call());
    assert.deepEqual(mock.requests[0].body, { instances: [{ content: 'one two' }, { content: 'three' }], parameters: { outputDimensionality: 3 } });
    assert.deepEqual(r.data.map((d) => d.embedding), [geminiMockVector('one two', 3), geminiMockVector('three', 3)]);
    assert.deepEqual(r.usage, { prompt_tokens: 3, total_tokens: 3 });
  });
});

describe('vertex anthropic models', () => {
  test('rawPredict with anthropic_version and no model in the body', async () => {
    const r = await provider.chat({ model: 'x', messages: [{ role: 'system', content: 'sys' }, { role: 'user', content: 'hi claude' }], max_tokens: 100 }, 'claude-sonnet-4@20250514', call());
    const sent = mock.requests[0];
    assert.equal(sent.path, '/v1/projects/proj-1/locations/us-east5/publishers/anthropic/models/claude-sonnet-4%4020250514:rawPredict');
    assert.equal(sent.body.anthropic_version, 'vertex-2023-10-16');
    assert.equal('model' in sent.body, false);
    assert.equal(sent.body.max_tokens, 100);
    assert.equal(r.choices[0].message.content, anthropicReplyText('hi claude'));
    assert.equal(r.choices[0].finish_reason, 'stop');
    assert.equal(r.usage?.prompt_tokens, 2);
  });

  test('streamRawPredict: parallel tool calls reassembled exactly from small fragments', async () => {
    const prompt = 'parallel "x" ü';
    const chunks = await collect(await provider.chatStream({ model: 'x', messages: [{ role: 'user', content: prompt }], tools }, 'claude-3-5-haiku@20241022', call()));
    assert.equal(mock.requests[0].body.stream, true);
    const calls: Array<{ id: string; name: string; args: string }> = [];
    let fragments = 0;
    for (const c of chunks) for (const d of c.choices[0]?.delta.tool_calls ?? []) {
      if (d.id) calls.push({ id: d.id, name: d.function!.name!, args: '' });
      else { calls[d.index].args += d.function!.arguments; fragments++; }
    }
    assert.deepEqual(calls, [
      { id: 'toolu_mock_0', name: 'get_weather', args: JSON.stringify({ input: prompt, index: 0 }) },
      { id: 'toolu_mock_1', name: 'get_time', args: JSON.stringify({ input: prompt, index: 1 }) },
    ]);
    assert.ok(fragments > 6);
    assert.equal(chunks.find((c) => c.choices[0]?.finish_reason)?.choices[0].finish_reason, 'tool_calls');
    assert.deepEqual(chunks[chunks.length - 1].choices, []);
  });
});

describe('vertex credentials', () => {
  test('credentials from a file path work', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-vertex-'));
    const file = join(dir, 'sa.json');
    writeFileSync(file, JSON.stringify(sa()));
    const p = new VertexProvider(config(file), providerKind('vertex')!);
    const r = await p.chat({ model: 'x', messages: [{ role: 'user', content: 'from file' }] }, 'gemini-2.5-pro', call());
    assert.equal(r.choices[0].message.content, geminiReplyText('from file'));
    await p.close();
  });

  test('a key the token server rejects is a 401 before any model call, naming no secret', async () => {
    const p = new VertexProvider(config(JSON.stringify(sa(otherKey.privateKey))), providerKind('vertex')!);
    await assert.rejects(p.chat({ model: 'x', messages: [{ role: 'user', content: 'x' }] }, 'gemini-2.5-pro', call()), (e: GatewayError) => {
      assert.equal(e.status, 401);
      assert.equal(e.code, 'upstream_auth_failed');
      assert.equal(e.message, 'vertex: token exchange failed: Invalid JWT Signature.');
      return true;
    });
    assert.equal(mock.requests.length, 0);
    await p.close();
  });

  test('unreadable credentials fail each request with a clear error, not the constructor', async () => {
    const p = new VertexProvider(config('{"client_email": 1}'), providerKind('vertex')!);
    await assert.rejects(p.chat({ model: 'x', messages: [{ role: 'user', content: 'x' }] }, 'g', call()), (e: GatewayError) => e.code === 'invalid_credentials' && !e.message.includes('client_email": 1'));
    await p.close();
  });

  test('tokens are refreshed before they expire, and concurrent callers share one exchange', async () => {
    let now = Date.now();
    const tokens = new ServiceAccountTokens(sa(), 'vertex', () => now);
    const before = mock.tokensIssued;
    const [a, b] = await Promise.all([tokens.get(), tokens.get()]);
    assert.equal(a, b);
    assert.equal(mock.tokensIssued - before, 1);
    now += 54 * 60_000; // 6 minutes before the hour is up: still fresh
    assert.equal(await tokens.get(), a);
    now += 2 * 60_000; // inside the 5-minute margin: refreshed
    const c = await tokens.get();
    assert.notEqual(c, a);
    assert.equal(mock.tokensIssued - before, 2);
  });
});
