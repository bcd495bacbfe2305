import assert from 'node:assert/strict';
import net from 'node:net';
import { after, test } from 'node:test';
import OpenAI from 'openai';
import { request } from 'undici';
import { barChart, lineChart } from '../lib/svg.js';
import { startMockUpstream, TOOL_CALL, toolCallArguments, type MockOptions } from '../mock/index.js';
import { runStreams } from '../streams/index.js';
import { overheadTargets } from '../scenarios/overhead/suite.js';
import type { LoadFigures } from '../scenarios/side-by-side/index.js';

const closers: Array<() => Promise<void>> = [];
after(async () => { for (const c of closers) await c(); });

async function mock(opts: Partial<MockOptions>) {
  const m = await startMockUpstream(opts);
  closers.push(() => m.close());
  return { ...m, origin: `http://127.0.0.1:${m.port}` };
}

const TOOLS = [{ type: 'function' as const, function: { name: TOOL_CALL.name, parameters: { type: 'object', properties: {} } } }];
const toolBody = JSON.stringify({ model: 'gpt-4o-mini', stream: true, tools: TOOLS, messages: [{ role: 'user', content: 'weather?' }] });

test('the mock streams a tool call that the OpenAI SDK reassembles to the published arguments', async () => {
  const m = await mock({ chunks: 4 });
  const c = new OpenAI({ baseURL: `${m.origin}/v1`, apiKey: 'k', maxRetries: 0, timeout: 5000 });
  const stream = await c.chat.completions.create({ model: 'gpt-4o-mini', stream: true, tools: TOOLS, messages: [{ role: 'user', content: 'weather?' }] });
  let id = '', name = '', args = '', finish: string | null = null;
  for await (const ch of stream) {
    const t = ch.choices[0]?.delta.tool_calls?.[0];
    if (t?.id) id += t.id;
    if (t?.function?.name) name += t.function.name;
    if (t?.function?.arguments) args += t.function.arguments;
    finish = ch.choices[0]?.finish_reason ?? finish;
  }
  assert.equal(id, TOOL_CALL.id);
  assert.equal(name, TOOL_CALL.name);
  assert.equal(args, toolCallArguments());
  assert.deepEqual(JSON.parse(args).hours.length, 24);
  assert.equal(finish, 'tool_calls');
  assert.equal(m.stats.toolStreams, 1);
});

test('runStreams: exact tool-call check counts 0 mismatches, and every stream when the expectation differs', async () => {
  const m = await mock({ chunks: 4, chunkIntervalMs: 2 });
  const good = await runStreams({ origin: m.origin, path: '/v1/chat/completions', body: toolBody, concurrency: 4, durationMs: 300, expectToolCall: { id: TOOL_CALL.id, name: TOOL_CALL.name, arguments: toolCallArguments() } });
  assert.ok(good.ok >= 4, `ok=${good.ok}`);
  assert.equal(good.errors, 0);
  assert.equal(good.toolCallsChecked, good.ok);
  assert.equal(good.toolCallMismatches, 0);
  // 1 head frame + 12 argument frames + finish frame + [DONE] = 15 events per stream, 14 gaps
  assert.equal(good.events, good.ok * 15);
  assert.equal(good.gaps.count, good.ok * 14);
  assert.ok(good.gaps.count > 0 && good.ttft.count === good.ok);
  const bad = await runStreams({ origin: m.origin, path: '/v1/chat/completions', body: toolBody, concurrency: 2, durationMs: 200, expectToolCall: { id: TOOL_CALL.id, name: TOOL_CALL.name, arguments: toolCallArguments() + ' ' } });
  assert.ok(bad.ok > 0);
  assert.equal(bad.toolCallMismatches, bad.ok);
});

test('runStreams counts non-200 answers as errors by status', async () => {
  const m = await mock({ apiKey: 'right' });
  const r = await runStreams({ origin: m.origin, path: '/v1/chat/completions', body: toolBody, headers: { authorization: 'Bearer wrong' }, concurrency: 2, durationMs: 100 });
  assert.equal(r.ok, 0);
  assert.ok(r.errors > 0);
  assert.deepEqual(Object.keys(r.errorsByKind), ['status_401']);
});

test('a failing mock answers 500 at once in the OpenAI error shape and counts it', async () => {
  const m = await mock({ failStatus: 500 });
  const res = await request(`${m.origin}/v1/chat/completions`, { method: 'POST', body: '{"model":"x","messages":[]}', headers: { 'content-type': 'application/json' } });
  assert.equal(res.statusCode, 500);
  assert.equal(((await res.body.json()) as { error: { type: string } }).error.type, 'server_error');
  assert.equal(m.stats.failed, 1);
});

test('the Portkey preload binds a host-less listen() to 127.0.0.1', async () => {
  await import('../stack/portkey-localhost.js');
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, undefined as unknown as string, () => r()));
  assert.equal((server.address() as net.AddressInfo).address, '127.0.0.1');
  await new Promise((r) => server.close(r));
  const s2 = net.createServer();
  await new Promise<void>((r) => s2.listen(0, () => r()));
  assert.equal((s2.address() as net.AddressInfo).address, '127.0.0.1');
  await new Promise((r) => s2.close(r));
});

test('SVG charts: one bar per value, log axis for wide ranges, a polyline per series', () => {
  const bars = barChart('t', ['a', 'b'], [{ name: 'p50', values: [10, 100_000] }, { name: 'p99', values: [20, null] }], 'µs');
  assert.equal((bars.match(/<rect x="\d[^>]*fill="#/g) ?? []).length, 3 + 2); // 3 bars + 2 legend squares
  assert.match(bars, />100,000</);
  assert.match(bars, />10,000</); // log-axis tick
  const lines = lineChart('t', [1, 2, 3], 'x', [{ name: 's', values: [1, 2, 3] }, { name: 'u', values: [3, 2, 1] }], 'ms');
  assert.equal((lines.match(/<polyline/g) ?? []).length, 2);
  assert.ok(lines.startsWith('<svg') && lines.trimEnd().endsWith('</svg>'));
});

test('overhead targets: met/missed from figures (added latency vs direct, Portkey, CPU ratio)', () => {
  const arm = (id: string, p50: number, p99: number, cpu: number | null) => ({ arm: id, latency: { p50, p99 }, serverCpuUsPerRequest: cpu }) as unknown as LoadFigures['arms'][number];
  const f: LoadFigures = { load: 'open 500 rps', mode: { kind: 'open', rps: 500 }, arms: [arm('direct', 100, 300, null), arm('bare-proxy', 150, 400, 100), arm('switchyard-default', 200, 1400, 120), arm('switchyard-full', 260, 1500, 151), arm('portkey', 900, 5000, 500)] };
  const t = overheadTargets([f]);
  assert.deepEqual(t.map((x) => [x.target, x.met]), [
    ['open 500 rps: added p50 ≤ 150 µs', true],
    ['open 500 rps: added p99 ≤ 1 ms', false],
    ['open 500 rps: ahead of Portkey (p50 and p99)', true],
    ['open 500 rps: CPU/request all features ≤ 1.5× bare proxy', false],
  ]);
  assert.equal(t[3].measured, '151 vs 100 µs = 1.51×');
});
