/**
 * Observability end to end on a real node (2 uWS workers) in front of the OpenAI mock:
 * - the request log: GET /api/logs returns exactly the requests sent, filters and cursor pages are right,
 *   ?cluster=1 merges (one live node here), the live tail delivers a new entry within a second, and the
 *   `switchyard logs` CLI prints it;
 * - tracing: spans reach an OTLP/HTTP receiver run by the test (JSON), with the client's traceparent as the
 *   parent, GenAI attributes, and the upstream attempt's span context sent to the upstream as traceparent.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, test } from 'node:test';
import { createParser } from 'eventsource-parser';
import { startOpenAIMock, type OpenAIMock } from '../mocks/index.js';
import { ADMIN_TOKEN, runCli, startNode, type NodeHandle, adminHeaders } from '../helpers/node-process.js';

interface OtlpSpan {
  traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number;
  attributes: Array<{ key: string; value: { stringValue?: string; intValue?: string | number; doubleValue?: number; boolValue?: boolean } }>;
}

let mock: OpenAIMock;
let node: NodeHandle;
let receiver: Server;
const spans: OtlpSpan[] = [];
const exports: string[] = [];

before(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      exports.push(`${req.method} ${req.url} ${req.headers['content-type']}`);
      const doc = JSON.parse(body) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: OtlpSpan[] }> }> };
      for (const rs of doc.resourceSpans) for (const ss of rs.scopeSpans) spans.push(...ss.spans);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const otlp = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
  mock = await startOpenAIMock();
  node = await startNode({
    workers: 2,
    args: ['--otel', otlp],
    config: {
      providers: { up: { type: 'custom', base_url: mock.url, api_key: 'sk-upstream-observe-1' } },
      routing: { retries: 0 },
      observability: { otel: { export_delay_ms: 100 }, request_log: { flush_ms: 50 } },
    },
  });
});

after(async () => {
  await node?.stop();
  await mock?.close();
  await new Promise((r) => receiver?.close(r));
});

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN = '00f067aa0ba902b7';

function chat(id: string, model: string, extra: Record<string, string> = {}, stream = false): Promise<Response> {
  return fetch(`${node.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': id, ...extra },
    body: JSON.stringify({ model, stream, messages: [{ role: 'user', content: 'one two three' }] }),
  });
}

async function logs(query = ''): Promise<{ data: Array<Record<string, any>>; next_cursor: string | null; nodes?: unknown[] }> {
  const r = await fetch(`${node.url}/api/logs${query ? `?${query}` : ''}`, { headers: adminHeaders });
  assert.equal(r.status, 200, await r.clone().text());
  return r.json() as Promise<any>;
}

async function eventually<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, ms = 5_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const attr = (s: OtlpSpan, k: string) => {
  const v = s.attributes.find((a) => a.key === k)?.value;
  return v?.stringValue ?? (v?.intValue !== undefined ? Number(v.intValue) : v?.doubleValue ?? v?.boolValue);
};

test('request log: exactly the requests sent, with filters, cursor pages and the cluster view', async () => {
  const ids = ['obs-a', 'obs-b', 'obs-c', 'obs-d'];
  assert.equal((await chat(ids[0], 'up/gpt-4o')).status, 200);
  assert.equal((await chat(ids[1], 'up/gpt-4o-mini')).status, 200);
  const s = await chat(ids[2], 'up/gpt-4o', {}, true);
  assert.equal(s.status, 200);
  await s.text();
  assert.equal((await chat(ids[3], 'nope/unknown')).status, 404);
  await fetch(`${node.url}/health/live`); // probes are not traffic: not logged

  const all = await eventually('four log entries', async () => {
    const p = await logs();
    return p.data.length >= 4 ? p : undefined;
  });
  assert.deepEqual(all.data.map((e) => e.request_id), [...ids].reverse());
  assert.equal(all.next_cursor, null);
  const a = all.data[3];
  assert.equal(a.provider, 'up');
  assert.equal(a.model, 'gpt-4o');
  assert.equal(a.status, 200);
  assert.equal(a.route, 'chat');
  assert.equal(a.tokens_in, 3);
  assert.equal(a.retries, 0);
  assert.equal(a.fallback_index, 0);
  assert.equal(a.key_id, null);
  assert.ok(a.latency_ms > 0 && typeof a.node_id === 'string' && a.node_id.length > 0);
  assert.equal(a.request_body, undefined); // bodies are off by default
  const streamed = all.data[1];
  assert.equal(streamed.stream, true);
  assert.ok(streamed.ttft_ms > 0);
  const bad = all.data[0];
  assert.equal(bad.status, 404);
  assert.equal(bad.provider, null);
  assert.equal(typeof bad.error_type, 'string');

  const ids404 = (await logs('status=404')).data.map((e) => e.request_id);
  assert.deepEqual(ids404, ['obs-d']);
  assert.deepEqual((await logs('model=gpt-4o-mini')).data.map((e) => e.request_id), ['obs-b']);
  assert.deepEqual((await logs('provider=up')).data.map((e) => e.request_id), ['obs-c', 'obs-b', 'obs-a']);
  assert.deepEqual((await logs(`from=${a.time}&to=${all.data[1].time}&provider=up`)).data.map((e) => e.request_id), ['obs-c', 'obs-b', 'obs-a']);
  assert.deepEqual((await logs('min_latency_ms=100000')).data, []);

  const paged: string[] = [];
  let cursor: string | null = null;
  do {
    const p: Awaited<ReturnType<typeof logs>> = await logs(`limit=1${cursor ? `&cursor=${cursor}` : ''}`);
    assert.ok(p.data.length <= 1);
    paged.push(...p.data.map((e) => e.request_id));
    cursor = p.next_cursor;
  } while (cursor);
  assert.deepEqual(paged, [...ids].reverse());

  const cluster = await logs('cluster=1');
  assert.deepEqual(cluster.data.map((e) => e.request_id), [...ids].reverse());
  assert.equal((cluster.nodes as Array<{ ok: boolean }>).length, 1);

  const badQuery = await fetch(`${node.url}/api/logs?colour=red`, { headers: adminHeaders });
  assert.equal(badQuery.status, 400);
  assert.deepEqual(await badQuery.json(), { error: { message: 'unknown parameter "colour"', type: 'invalid_request_error', param: null, code: 'invalid_log_query' } });

  const cli = await runCli(['logs', '--url', node.url, '--status', '404', '--json', '--admin-token', ADMIN_TOKEN]);
  assert.equal(cli.code, 0, cli.out);
  assert.deepEqual(cli.out.trim().split('\n').map((l) => JSON.parse(l).request_id), ['obs-d']);
});

test('live tail: a new request shows up on /api/logs/stream within a second', async () => {
  const ac = new AbortController();
  const res = await fetch(`${node.url}/api/logs/stream?provider=up`, { signal: ac.signal, headers: adminHeaders });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/event-stream');
  const got: Array<{ request_id: string; at: number }> = [];
  const parser = createParser({ onEvent: (ev) => { if (ev.event === 'log') got.push({ request_id: JSON.parse(ev.data).request_id, at: Date.now() }); } });
  const reading = (async () => {
    const dec = new TextDecoder();
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) parser.feed(dec.decode(chunk, { stream: true }));
    } catch { /* aborted */ }
  })();
  await new Promise((r) => setTimeout(r, 300)); // the tail has taken its starting cursor
  await (await chat('tail-x', 'nope/unknown')).text(); // filtered out (no provider)
  const r = await chat('tail-1', 'up/gpt-4o');
  await r.text();
  const done = Date.now();
  await eventually('the tailed entry', () => (got.length ? true : undefined), 2_000);
  ac.abort();
  await reading;
  assert.deepEqual(got.map((g) => g.request_id), ['tail-1']);
  assert.ok(got[0].at - done < 1_000, `delivered after ${got[0].at - done} ms`);
});

test('tracing: client traceparent is the parent, GenAI attributes, traceparent propagated upstream', async () => {
  mock.reset();
  const r = await chat('trace-1', 'up/gpt-4o', { traceparent: `00-${TRACE_ID}-${CLIENT_SPAN}-01` });
  assert.equal(r.status, 200);
  await r.text();
  const mine = await eventually('spans of the traced request', () => {
    const t = spans.filter((s) => s.traceId === TRACE_ID);
    return t.length >= 3 ? t : undefined;
  });
  assert.ok(exports.every((e) => e.startsWith('POST /v1/traces application/json')), exports.join('\n'));
  const server = mine.find((s) => s.kind === 2)!;
  const route = mine.find((s) => s.name === 'route')!;
  const attempt = mine.find((s) => s.kind === 3)!;
  assert.equal(server.name, 'POST /v1/chat/completions');
  assert.equal(server.parentSpanId, CLIENT_SPAN);
  assert.equal(attr(server, 'http.response.status_code'), 200);
  assert.equal(attr(server, 'switchyard.request_id'), 'trace-1');
  assert.equal(attr(server, 'gen_ai.request.model'), 'up/gpt-4o');
  assert.equal(attr(server, 'gen_ai.usage.input_tokens'), 3);
  assert.equal(route.parentSpanId, server.spanId);
  assert.equal(attempt.parentSpanId, route.spanId);
  assert.equal(attempt.name, 'chat gpt-4o');
  assert.equal(attr(attempt, 'gen_ai.operation.name'), 'chat');
  assert.equal(attr(attempt, 'gen_ai.system'), 'custom');
  assert.equal(attr(attempt, 'gen_ai.request.model'), 'gpt-4o');
  assert.equal(attr(attempt, 'gen_ai.response.model'), 'gpt-4o');
  assert.equal(attr(attempt, 'gen_ai.usage.input_tokens'), 3);
  assert.equal(typeof attr(attempt, 'gen_ai.usage.output_tokens'), 'number');
  assert.equal(attr(attempt, 'switchyard.deployment'), 'up/gpt-4o');
  // The upstream saw the attempt span as its parent, in the same trace.
  assert.equal(mock.requests.length, 1);
  assert.equal(mock.requests[0].headers.traceparent, `00-${TRACE_ID}-${attempt.spanId}-01`);
  // Nothing secret in the spans.
  assert.ok(!JSON.stringify(mine).includes('sk-upstream-observe-1'));
});

test('tracing: a stream gets a stream span under its attempt, and requests without traceparent start a new trace', async () => {
  const r = await chat('trace-2', 'up/gpt-4o', {}, true);
  await r.text();
  const server = await eventually('the streamed request span', () => spans.find((s) => s.kind === 2 && attr(s, 'switchyard.request_id') === 'trace-2'));
  assert.equal(server.parentSpanId || undefined, undefined);
  assert.notEqual(server.traceId, TRACE_ID);
  const stream = await eventually('the stream span', () => spans.find((s) => s.traceId === server.traceId && s.name === 'stream'));
  const attempt = spans.find((s) => s.traceId === server.traceId && s.kind === 3)!;
  assert.equal(stream.parentSpanId, attempt.spanId);
  assert.ok(Number(attr(server, 'gen_ai.server.time_to_first_token')) > 0);
});
