import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import OpenAI from 'openai';
import { request } from 'undici';
import { freePort } from '../lib/index.js';
import { startMockUpstream } from '../mock/index.js';
import { startBareProxy } from '../proxy/index.js';
import { startBareProxyProcess } from '../stack/index.js';

const closers: Array<() => Promise<void>> = [];
after(async () => { for (const c of closers.reverse()) await c(); });

async function setup(upstream?: string) {
  const mock = await startMockUpstream({ chunks: 6, apiKey: 'k' });
  closers.push(() => mock.close());
  const proxy = await startBareProxy({ host: '127.0.0.1', port: 0, upstream: upstream ?? `http://127.0.0.1:${mock.port}` });
  closers.push(() => proxy.close());
  return { mock, proxy, url: `http://127.0.0.1:${proxy.port}/v1/chat/completions`, directUrl: `http://127.0.0.1:${mock.port}/v1/chat/completions` };
}

const BODY = '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}';

test('forwards body, auth and answer unchanged; non-streaming keeps Content-Length', async () => {
  const { url, directUrl, mock } = await setup();
  const headers = { 'content-type': 'application/json', authorization: 'Bearer k' };
  const direct = await request(directUrl, { method: 'POST', body: BODY, headers });
  const viaProxy = await request(url, { method: 'POST', body: BODY, headers });
  const [a, b] = [await direct.body.text(), await viaProxy.body.text()];
  assert.equal(viaProxy.statusCode, 200);
  assert.equal(b, a);
  assert.equal(viaProxy.headers['content-length'], String(Buffer.byteLength(a)));
  assert.equal(viaProxy.headers['content-type'], 'application/json');

  const denied = await request(url, { method: 'POST', body: BODY, headers: { 'content-type': 'application/json', authorization: 'Bearer nope' } });
  assert.equal(denied.statusCode, 401);
  await denied.body.dump();
  assert.deepEqual(mock.stats, { requests: 3, streams: 0, unauthorized: 1, badRequests: 0, failed: 0, toolStreams: 0 });
});

test('streams SSE through to the OpenAI SDK', async () => {
  const { proxy } = await setup();
  const c = new OpenAI({ baseURL: `http://127.0.0.1:${proxy.port}/v1`, apiKey: 'k', maxRetries: 0, timeout: 5000 });
  const stream = await c.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true });
  let chunks = 0;
  let text = '';
  for await (const ch of stream) {
    chunks++;
    text += ch.choices[0]?.delta.content ?? '';
  }
  // role chunk + 6 content chunks + finish chunk
  assert.equal(chunks, 8);
  assert.equal(text, 'Switchyard benchmark mock: a fixed, short completion so that measured time is gateway time.');
});

test('an unreachable upstream gives a 502 in OpenAI error shape', async () => {
  const { url } = await setup(`http://127.0.0.1:${await freePort()}`);
  const res = await request(url, { method: 'POST', body: BODY });
  assert.equal(res.statusCode, 502);
  assert.deepEqual(await res.body.json(), { error: { message: 'upstream request failed', type: 'upstream_error', param: null, code: 'bad_gateway' } });
});

test('as a process it speaks the LISTENING protocol and proxies', async () => {
  const mock = await startMockUpstream({});
  closers.push(() => mock.close());
  const p = await startBareProxyProcess(`http://127.0.0.1:${mock.port}`);
  closers.push(() => p.service.stop());
  const res = await request(`${p.origin}/v1/chat/completions`, { method: 'POST', body: BODY });
  assert.equal(res.statusCode, 200);
  assert.equal(((await res.body.json()) as { object: string }).object, 'chat.completion');
});
