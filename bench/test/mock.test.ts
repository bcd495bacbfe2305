import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import OpenAI from 'openai';
import { request } from 'undici';
import { startMockUpstream, type MockOptions } from '../mock/index.js';
import { startMockProcess } from '../stack/index.js';

const CONTENT = 'Switchyard benchmark mock: a fixed, short completion so that measured time is gateway time.';
const closers: Array<() => Promise<void>> = [];
after(async () => { for (const c of closers) await c(); });

async function mock(opts: Partial<MockOptions>) {
  const m = await startMockUpstream(opts);
  closers.push(() => m.close());
  return { ...m, baseURL: `http://127.0.0.1:${m.port}/v1` };
}

const client = (baseURL: string, apiKey = 'bench-key') => new OpenAI({ baseURL, apiKey, maxRetries: 0, timeout: 5000 });

for (const engine of ['uws', 'node'] as const) {
  test(`${engine}: the official OpenAI SDK reads the mock's completion and stream`, async () => {
    const m = await mock({ engine, chunks: 5 });
    const c = client(m.baseURL);
    const res = await c.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(res.object, 'chat.completion');
    assert.equal(res.choices[0].message.content, CONTENT);
    assert.equal(res.choices[0].finish_reason, 'stop');
    assert.deepEqual(res.usage, { prompt_tokens: 12, completion_tokens: 18, total_tokens: 30 });

    const stream = await c.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } });
    let text = '';
    let contentChunks = 0;
    let finish: string | null = null;
    let usage: unknown = null;
    for await (const chunk of stream) {
      const d = chunk.choices[0]?.delta.content;
      if (d) { text += d; contentChunks++; }
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    assert.equal(text, CONTENT);
    assert.equal(contentChunks, 5);
    assert.equal(finish, 'stop');
    assert.deepEqual(usage, { prompt_tokens: 12, completion_tokens: 18, total_tokens: 30 });
    assert.deepEqual(m.stats, { requests: 2, streams: 1, unauthorized: 0, badRequests: 0, failed: 0, toolStreams: 0 });
  });

  test(`${engine}: wrong API key gets OpenAI's 401, unknown paths 404, empty body 400`, async () => {
    const m = await mock({ engine, apiKey: 'right' });
    await assert.rejects(client(m.baseURL, 'wrong').chat.completions.create({ model: 'm', messages: [] }), (e: InstanceType<typeof OpenAI.APIError>) => e.status === 401 && e.code === 'invalid_api_key');
    const unknown = await request(`http://127.0.0.1:${m.port}/v1/nope`, { method: 'POST', body: '{}' });
    assert.equal(unknown.statusCode, 404);
    assert.equal(((await unknown.body.json()) as { error: { code: string } }).error.code, 'unknown_url');
    const empty = await request(`http://127.0.0.1:${m.port}/v1/chat/completions`, { method: 'POST', headers: { authorization: 'Bearer right' } });
    assert.equal(empty.statusCode, 400);
    await empty.body.dump();
    assert.deepEqual(m.stats, { requests: 2, streams: 0, unauthorized: 1, badRequests: 1, failed: 0, toolStreams: 0 });
  });
}

test('latency, time to first token and chunk interval are honoured', async () => {
  const m = await mock({ latencyMs: 120, ttftMs: 60, chunks: 4, chunkIntervalMs: 30 });
  const url = `http://127.0.0.1:${m.port}/v1/chat/completions`;
  let t0 = performance.now();
  const plain = await request(url, { method: 'POST', body: '{"model":"m","messages":[]}' });
  await plain.body.text();
  const plainMs = performance.now() - t0;
  assert.ok(plainMs >= 118 && plainMs < 400, `non-streaming took ${plainMs} ms`);

  t0 = performance.now();
  const streamed = await request(url, { method: 'POST', body: '{"model":"m","stream":true}' });
  const arrivals: number[] = [];
  for await (const _ of streamed.body) arrivals.push(performance.now() - t0);
  assert.equal(streamed.headers['content-type'], 'text/event-stream');
  assert.ok(arrivals[0] >= 58 && arrivals[0] < 250, `first chunk after ${arrivals[0]} ms`);
  // first frame at 60 ms, 3 more chunks and the tail 30 ms apart: the end comes ~120 ms after the first.
  const last = arrivals[arrivals.length - 1];
  assert.ok(last - arrivals[0] >= 115 && last < 600, `stream lasted ${last} ms, first at ${arrivals[0]}`);
});

test('as a process it prints LISTENING <port> and exits when stopped', async () => {
  const m = await startMockProcess({ latencyMs: 0 });
  assert.ok(m.port > 0);
  const res = await request(`${m.origin}/health`);
  assert.equal(await res.body.text(), 'ok');
  await m.service.stop();
  assert.equal(m.service.alive(), false);
});
