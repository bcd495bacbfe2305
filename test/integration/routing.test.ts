/**
 * Routing and resilience against a fault-injecting upstream: which deployment served, how many retries,
 * which fallback, and what the client saw.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { startOpenAIMock, type OpenAIMock } from '../mocks/index.js';
import { startNode, type NodeHandle, adminHeaders } from '../helpers/node-process.js';

let mock: OpenAIMock;
let node: NodeHandle;

before(async () => {
  mock = await startOpenAIMock({ requireKey: 'good-key' });
  const up = { type: 'custom', base_url: mock.url, api_key: 'good-key' };
  node = await startNode({
    workers: 1,
    config: {
      providers: {
        a: up, b: up,
        k: { type: 'custom', base_url: mock.url, keys: [{ key: 'revoked-key', name: 'old' }, { key: 'good-key', name: 'new' }] },
      },
      models: {
        smart: { deployments: [{ target: 'a/primary' }], fallbacks: ['b/backup'] },
        small: {
          deployments: [{ target: 'a/small-ctx' }], fallbacks: ['b/backup'],
          context_window_fallbacks: ['b/large-ctx'], content_policy_fallbacks: ['b/lenient'],
        },
        pair: { deployments: [{ target: 'a/left', weight: 1 }, { target: 'b/right', weight: 1 }] },
      },
      routing: {
        retries: 1, backoff_base_ms: 10, backoff_max_ms: 50, max_retry_after_ms: 3000,
        max_concurrency: 2, queue_size: 1, queue_timeout_ms: 5000,
        breaker: { consecutive_failures: 3, min_calls: 1000, cooldown_ms: 1000, cooldown_multiplier: 1, half_open_successes: 1 },
      },
    },
  });
});
after(async () => { await node.stop(); await mock.close(); });
beforeEach(() => mock.reset());

async function chat(model: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  const res = await fetch(`${node.url}/v1/chat/completions`, {
    method: 'POST', headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'route me' }], ...extra }),
  });
  const text = await res.text();
  return {
    status: res.status, text, json: (() => { try { return JSON.parse(text); } catch { return undefined; } })(),
    deployment: res.headers.get('x-switchyard-deployment'), retries: res.headers.get('x-switchyard-retries'),
    fallback: res.headers.get('x-switchyard-fallback-index'), retryAfter: res.headers.get('retry-after'),
  };
}
const upstreamModels = () => mock.requests.map((r) => r.body?.model as string);

describe('retries', () => {
  test('a 500 is retried on the same deployment and the client sees success', async () => {
    mock.setFaults([{ match: { model: 'solo' }, status: 500, times: 1 }]);
    const r = await chat('a/solo');
    assert.equal(r.status, 200);
    assert.equal(r.deployment, 'a/solo');
    assert.equal(r.retries, '1');
    assert.equal(r.fallback, '0');
    assert.deepEqual(upstreamModels(), ['solo', 'solo']);
  });

  test('429 with Retry-After is honoured before the retry', async () => {
    mock.setFaults([{ match: { model: 'limited' }, status: 429, retryAfter: '1', times: 1 }]);
    const t0 = Date.now();
    const r = await chat('a/limited');
    assert.equal(r.status, 200);
    assert.ok(Date.now() - t0 >= 950, `retried after ${Date.now() - t0} ms`);
    assert.equal(r.retries, '1');
  });

  test('a connection reset is retried', async () => {
    mock.setFaults([{ match: { model: 'flaky' }, reset: true, times: 1 }]);
    const r = await chat('a/flaky');
    assert.equal(r.status, 200);
    assert.equal(r.retries, '1');
  });

  test('a 400 is not retried', async () => {
    mock.setFaults([{ match: { model: 'strict' }, status: 400 }]);
    const r = await chat('a/strict');
    assert.equal(r.status, 400);
    assert.deepEqual(upstreamModels(), ['strict']);
  });

  test('401 switches to the next key without backoff and cools the bad key down', async () => {
    // The weighted pick starts on either key; send until the revoked one was tried once.
    const revokedUses = () => mock.requests.filter((r) => r.headers.authorization === 'Bearer revoked-key').length;
    for (let i = 0; i < 20 && revokedUses() === 0; i++) {
      const r = await chat('k/any');
      assert.equal(r.status, 200);
      assert.equal(r.deployment, 'k/any#new');
    }
    assert.equal(revokedUses(), 1);
    // From now on the revoked key is cooling down: every request goes straight to the good one.
    for (let i = 0; i < 5; i++) {
      const r = await chat('k/any');
      assert.equal(r.status, 200);
      assert.equal(r.deployment, 'k/any#new');
      assert.equal(r.retries, '0');
    }
    assert.equal(revokedUses(), 1);
  });
});

describe('fallbacks', () => {
  test('alias chain: the primary fails, the fallback serves', async () => {
    mock.setFaults([{ match: { model: 'primary' }, status: 503 }]);
    const r = await chat('smart');
    assert.equal(r.status, 200);
    assert.equal(r.deployment, 'b/backup');
    assert.equal(r.fallback, '1');
    assert.deepEqual(upstreamModels(), ['primary', 'primary', 'backup']);
  });

  test('per-request fallbacks override the chain', async () => {
    mock.setFaults([{ match: { model: 'down' }, status: 500 }, { match: { model: 'also-down' }, status: 502 }]);
    const r = await chat('a/down', { fallbacks: ['a/also-down', 'b/rescue'] });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.deployment, 'b/rescue');
    assert.equal(r.fallback, '2');
    assert.deepEqual(upstreamModels(), ['down', 'down', 'also-down', 'also-down', 'rescue']);
    assert.equal(mock.requests.at(-1)!.body.fallbacks, undefined, 'gateway-only fields must not reach the upstream');
  });

  test('context-window errors take the context-window chain', async () => {
    mock.setFaults([{ match: { model: 'small-ctx' }, status: 400, errorBody: { error: { message: "This model's maximum context length is 8192 tokens.", type: 'invalid_request_error', param: 'messages', code: 'context_length_exceeded' } } }]);
    const r = await chat('small');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.deployment, 'b/large-ctx');
    assert.equal(r.fallback, '1');
    assert.deepEqual(upstreamModels(), ['small-ctx', 'large-ctx']);
  });

  test('content-policy errors take the content-policy chain', async () => {
    mock.setFaults([{ match: { model: 'small-ctx' }, status: 400, errorBody: { error: { message: 'blocked by policy', type: 'invalid_request_error', param: null, code: 'content_policy_violation' } } }]);
    const r = await chat('small');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.deployment, 'b/lenient');
  });

  test('every deployment and fallback failing returns the last upstream error', async () => {
    mock.setFaults([{ status: 500 }]);
    const r = await chat('smart');
    assert.equal(r.status, 500);
    assert.equal(r.json.error.provider, 'b');
  });
});

describe('timeouts and streams', () => {
  test('slow first byte: the stream fails over before any byte reached the client', async () => {
    mock.setFaults([{ match: { model: 'primary' }, delayMs: 3000 }]);
    const t0 = Date.now();
    const r = await chat('smart', { stream: true }, { 'x-switchyard-first-byte-timeout-ms': '300' });
    assert.equal(r.status, 200);
    assert.equal(r.deployment, 'b/backup');
    assert.ok(r.text.includes('echo: route me') || r.text.includes('"content"'), r.text);
    assert.ok(r.text.endsWith('data: [DONE]\n\n'));
    assert.ok(Date.now() - t0 < 2500, `took ${Date.now() - t0} ms`);
  });

  test('a stream cut before its first event fails over transparently', async () => {
    mock.setFaults([{ match: { model: 'primary' }, cutAfterChunks: 0 }]);
    const r = await chat('smart', { stream: true });
    assert.equal(r.status, 200);
    assert.equal(r.deployment, 'b/backup');
    assert.ok(r.text.endsWith('data: [DONE]\n\n'));
    assert.ok(!r.text.includes('"error"'));
  });

  test('a stream cut after it started ends with an error event (no failover, no [DONE])', async () => {
    mock.setFaults([{ match: { model: 'cut-late' }, cutAfterChunks: 2 }]);
    const r = await chat('a/cut-late', { stream: true, fallbacks: ['b/backup'] });
    assert.equal(r.status, 200);
    assert.equal(r.deployment, 'a/cut-late');
    assert.match(r.text, /data: \{"error":\{/);
    assert.ok(!r.text.includes('[DONE]'));
  });

  test('a hung upstream hits the total timeout: 504', async () => {
    mock.setFaults([{ match: { model: 'hung' }, hang: true }]);
    const t0 = Date.now();
    const r = await chat('a/hung', {}, { 'x-switchyard-timeout-ms': '300' });
    assert.equal(r.status, 504);
    assert.equal(r.json.error.type, 'timeout_error');
    assert.ok(Date.now() - t0 < 2000);
  });
});

describe('backpressure', () => {
  test('concurrency limit with a bounded queue: the overflow gets 429 with Retry-After', async () => {
    mock.setFaults([{ match: { model: 'busy' }, delayMs: 600 }]);
    const results = await Promise.all([0, 1, 2, 3, 4].map((i) => new Promise((r) => setTimeout(r, i * 20)).then(() => chat('a/busy'))));
    const statuses = results.map((r) => r.status).sort();
    assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
    const rejected = results.find((r) => r.status === 429)!;
    assert.equal(rejected.retryAfter, '1');
    assert.equal(rejected.json.error.code, 'queue_full');
  });
});

describe('circuit breaker and adaptive weights', () => {
  test('one of two deployments fails under steady load: no client errors, breaker opens, traffic shifts and returns', async () => {
    const t0 = Date.now();
    const served: Array<{ t: number; deployment: string | null; status: number }> = [];
    let phase = 'healthy';
    const marks: Record<string, number> = {};
    const run = async (ms: number) => {
      const end = Date.now() + ms;
      while (Date.now() < end) {
        const r = await chat('pair');
        served.push({ t: Date.now() - t0, deployment: r.deployment, status: r.status });
        await new Promise((res) => setTimeout(res, 10));
      }
    };
    await run(600);
    phase = 'failing';
    marks.failStart = Date.now() - t0;
    mock.setFaults([{ match: { model: 'left' }, status: 503 }]);
    await run(800);
    const report = await (await fetch(`${node.url}/api/routing`, { headers: adminHeaders })).json() as { deployments: Array<{ id: string; circuit: { state: string; since: number } }> };
    const left = report.deployments.find((d) => d.id === 'a/left')!;
    assert.equal(left.circuit.state, 'open');
    marks.opened = left.circuit.since - t0;
    phase = 'recovered';
    mock.setFaults([]);
    marks.recovered = Date.now() - t0;
    await run(2000);
    void phase;
    assert.ok(served.every((s) => s.status === 200), 'a client saw an error');
    const during = served.filter((s) => s.t > marks.opened && s.t < marks.recovered);
    assert.ok(during.length > 5 && during.every((s) => s.deployment === 'b/right'), 'traffic did not shift');
    const returned = served.filter((s) => s.t > marks.recovered + 1500 && s.deployment === 'a/left');
    assert.ok(returned.length > 0, 'traffic did not return after recovery');
    const firstBack = served.find((s) => s.t > marks.recovered && s.deployment === 'a/left')!;
    // The report merges the worker's breaker with the cluster view, which follows the worker's observations
    // with a lag (batched every 50 ms, merged on the main thread): right at the end of the traffic it can
    // still be in its half-open step. With traffic going on, it must close within a second.
    const state = async () => ((await (await fetch(`${node.url}/api/routing`, { headers: adminHeaders })).json()) as typeof report).deployments.find((d) => d.id === 'a/left')!.circuit.state;
    let final = await state();
    for (let deadline = Date.now() + 1000; final !== 'closed' && Date.now() < deadline; final = await state()) await run(50);
    assert.equal(final, 'closed');
    console.log(`# breaker timings: failures start ${marks.failStart} ms, circuit open ${marks.opened} ms (+${marks.opened - marks.failStart}), upstream recovered ${marks.recovered} ms, traffic back ${firstBack.t} ms (+${firstBack.t - marks.recovered}); ${served.length} requests, 0 client errors`);
  });
});

test('panic mode: a single deployment whose circuit is open still gets traffic instead of an outage', async () => {
  mock.setFaults([{ match: { model: 'lonely' }, status: 500 }]);
  for (let i = 0; i < 3; i++) assert.equal((await chat('a/lonely')).status, 500);
  const report = await (await fetch(`${node.url}/api/routing`, { headers: adminHeaders })).json() as { deployments: Array<{ id: string; circuit: { state: string } }> };
  assert.equal(report.deployments.find((d) => d.id === 'a/lonely')!.circuit.state, 'open');
  mock.setFaults([]);
  const r = await chat('a/lonely');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.deployment, 'a/lonely');
});

test('GET /api/routing reports weights, health, window statistics and circuit states', async () => {
  await chat('a/report-me');
  const r = await (await fetch(`${node.url}/api/routing`, { headers: adminHeaders })).json() as { deployments: Array<Record<string, any>>; aliases: Record<string, any> };
  const d = r.deployments.find((x) => x.id === 'a/report-me')!;
  assert.equal(d.provider, 'a');
  assert.equal(d.weight, 1);
  assert.equal(typeof d.health, 'number');
  assert.equal(typeof d.effective_weight, 'number');
  assert.equal(d.circuit.state, 'closed');
  assert.ok(d.window.requests >= 1);
  assert.deepEqual(r.aliases.smart.fallbacks, ['b/backup']);
});
