/**
 * The metric catalogue: request duration by status class, inter-token gaps (fed by the pipeline's stream
 * loop), cost and per-key counters, circuit-state and weight gauges aggregated across workers, cluster
 * circuit states and budget headroom on the main thread, and the config switch for per-key labels. The
 * node exposition must pass `promtool check metrics`.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadConfig } from '../../src/config/index.js';
import { observeStreamGaps, streamed } from '../../src/core/pipeline.js';
import { RequestState } from '../../src/core/request-state.js';
import type { ResponseSink } from '../../src/core/sink.js';
import { periodKey, type GovernanceSnapshot } from '../../src/governance/index.js';
import type { HttpContext } from '../../src/http/index.js';
import { budgetsRemaining, NodeMetrics, WorkerMetrics } from '../../src/observe/index.js';

interface Sample { name: string; labels: Record<string, string>; value: number }

function parse(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(m, `unparsable exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

/** The one sample of `name` whose labels include `labels` (fails when there is not exactly one). */
function one(text: string, name: string, labels: Record<string, string> = {}): number {
  const hits = parse(text).filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  assert.equal(hits.length, 1, `${name} ${JSON.stringify(labels)}: ${hits.length} samples\n${text.split('\n').filter((l) => l.startsWith(name)).join('\n')}`);
  return hits[0]!.value;
}

function ctx(route: string, status: number, extra: Partial<RequestState> = {}): HttpContext {
  const st = new RequestState('r', route);
  st.status = status;
  Object.assign(st, extra);
  return st as unknown as HttpContext;
}

const tmp = mkdtempSync(join(tmpdir(), 'sy-metrics-unit-'));
after(() => { observeStreamGaps(undefined); rmSync(tmp, { recursive: true, force: true }); });

test('request duration is observed per route and status class', async () => {
  const m = new WorkerMetrics();
  m.finished(ctx('chat', 200, { provider: 'p', model: 'a' }));
  m.finished(ctx('chat', 201, { provider: 'p', model: 'a' }));
  m.finished(ctx('chat', 429));
  m.finished(ctx('embeddings', 503));
  m.finished(ctx('not_found', 404));
  const text = await m.registry.metrics();
  assert.equal(one(text, 'switchyard_request_duration_seconds_count', { route: 'chat', status_class: '2xx' }), 2);
  assert.equal(one(text, 'switchyard_request_duration_seconds_count', { route: 'chat', status_class: '4xx' }), 1);
  assert.equal(one(text, 'switchyard_request_duration_seconds_count', { route: 'embeddings', status_class: '5xx' }), 1);
  assert.equal(one(text, 'switchyard_request_duration_seconds_count', { route: 'not_found', status_class: '4xx' }), 1);
  // Unit-test requests take well under a millisecond: all in the first bucket.
  assert.equal(one(text, 'switchyard_request_duration_seconds_bucket', { route: 'chat', status_class: '2xx', le: '0.001' }), 2);
});

test('the stream loop reports gaps between batches sent to the client, not before the first or for dropped usage chunks', async () => {
  const m = new WorkerMetrics();
  const gaps: number[] = [];
  observeStreamGaps((st, ms) => { gaps.push(ms); m.streamGap(st, ms); });
  const st = new RequestState('s', 'chat');
  st.provider = 'p';
  st.model = 'fast';
  type C = { choices: unknown[]; usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number } | null };
  const sent: C[][] = [];
  const sink: ResponseSink<never, C> = {
    response() { throw new Error('not a unary call'); }, batch(b) { sent.push(b); return true; },
    writable: async () => {}, end() {}, streamError(e) { throw e; },
  };
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  async function* upstream(): AsyncIterable<C[]> {
    await sleep(30);
    yield [{ choices: [1] }];
    await sleep(40);
    yield [{ choices: [2] }, { choices: [3] }];
    await sleep(40);
    yield [{ choices: [4] }];
    await sleep(20);
    yield [{ choices: [], usage: { prompt_tokens: 1, completion_tokens: 3, total_tokens: 4 } }]; // stripped: the client did not ask for usage
  }
  const call = { signal: st.signal, requestId: 's', dropParams: false, dropped: [], upstreamStart: 0, upstreamEnd: 0 };
  await streamed(st, sink, call, async () => upstream(), false);
  assert.equal(sent.length, 3);
  assert.equal(gaps.length, 2, `gaps: ${gaps}`);
  for (const g of gaps) assert.ok(g >= 35 && g < 1000, `gap ${g} ms`);
  const text = await m.registry.metrics();
  assert.equal(one(text, 'switchyard_inter_token_latency_seconds_count', { provider: 'p', model: 'fast' }), 2);
  assert.equal(one(text, 'switchyard_inter_token_latency_seconds_bucket', { provider: 'p', model: 'fast', le: '0.025' }), 0);
  assert.equal(one(text, 'switchyard_inter_token_latency_seconds_bucket', { provider: 'p', model: 'fast', le: '1' }), 2);
  observeStreamGaps(undefined);
});

test('cost is counted at settlement per provider/model; per-key counters exist only when enabled', async () => {
  const off = new WorkerMetrics();
  const on = new WorkerMetrics({ perKeyLabels: true });
  const usage = { prompt_tokens: 10, completion_tokens: 4, total_tokens: 14 };
  const settledReq = (keyId: string, teamId: string | undefined, costUsd: number) =>
    Object.assign(new RequestState('c', 'chat'), { provider: 'openai', model: 'gpt-x', usage, costUsd, principal: { keyId, keyName: 'n', teamId } });
  for (const m of [off, on]) {
    m.settled(settledReq('vk_a', 'eng', 0.25));
    m.settled(settledReq('vk_a', 'eng', 0.5));
    m.settled(settledReq('vk_b', undefined, 0.125));
    m.settled(Object.assign(new RequestState('x', 'chat'), { costUsd: 1 })); // never reached a provider: not counted
  }
  const a = await off.registry.metrics();
  assert.equal(one(a, 'switchyard_cost_usd_total', { provider: 'openai', model: 'gpt-x' }), 0.875);
  assert.ok(!a.includes('switchyard_key_'), 'per-key families must not exist by default');
  const b = await on.registry.metrics();
  assert.equal(one(b, 'switchyard_cost_usd_total', { provider: 'openai', model: 'gpt-x' }), 0.875);
  assert.equal(one(b, 'switchyard_key_cost_usd_total', { key: 'vk_a', team: 'eng' }), 0.75);
  assert.equal(one(b, 'switchyard_key_cost_usd_total', { key: 'vk_b', team: '' }), 0.125);
  assert.equal(one(b, 'switchyard_key_tokens_total', { key: 'vk_a', team: 'eng', direction: 'input' }), 20);
  assert.equal(one(b, 'switchyard_key_tokens_total', { key: 'vk_b', direction: 'output' }), 4);
});

test('node exposition: circuit state is the worst across workers, weight the average; cluster view and budgets from the main thread', async () => {
  const w1 = new WorkerMetrics();
  const w2 = new WorkerMetrics();
  w1.trackRouting(() => [{ id: 'a/m', circuit: 'half_open', effectiveWeight: 1 }, { id: 'b/m', circuit: 'closed', effectiveWeight: 0.5 }]);
  w2.trackRouting(() => [{ id: 'a/m', circuit: 'open', effectiveWeight: 0 }, { id: 'b/m', circuit: 'half_open', effectiveWeight: 0.25 }]);
  for (const w of [w1, w2]) w.finished(ctx('chat', 200, { provider: 'a', model: 'm' }));

  const now = Date.now();
  const key = { id: 'vk_1', name: 'k', hash: 'a'.repeat(64), prefix: 'sy-x', active: true, budgets: [{ amountUsd: 10, period: '1d' as const }], limits: {}, metadata: {}, createdAt: now - 3600_000, teamId: 'eng' };
  const team = { id: 'eng', name: 'Eng', budgets: [{ amountUsd: 5, period: '1M' as const, provider: 'openai' }], limits: {}, createdAt: now - 86_400_000 };
  const customer = { id: 'acme', name: 'Acme', budgets: [{ amountUsd: 100, period: '1w' as const, calendarAligned: true }] };
  const keySpend = periodKey(key.budgets[0]!, { kind: 'key', id: key.id, createdAt: key.createdAt }, now);
  const teamSpend = periodKey(team.budgets[0]!, { kind: 'team', id: team.id, createdAt: team.createdAt }, now);
  const snap = {
    at: now, settings: { enforceAuth: false }, keys: [key], teams: [team], customers: [customer], counters: { [keySpend]: 3.5 }, acks: {},
    admin: { tokenHashes: [], users: [] }, pricing: {},
  } as unknown as GovernanceSnapshot;
  const lookups: string[] = [];
  const node = new NodeMetrics();
  node.trackClusterRouting(() => ({ deployments: { 'a/m': { status: 'open' }, 'b/m': { status: 'closed' } } }));
  node.trackBudgets({ snapshot: () => snap, spend: (k) => { lookups.push(k); return k === teamSpend ? 7 : 0; } });

  const text = await node.exposition([await w1.registry.getMetricsAsJSON(), await w2.registry.getMetricsAsJSON()]);
  assert.equal(one(text, 'switchyard_circuit_state', { deployment: 'a/m' }), 2);
  assert.equal(one(text, 'switchyard_circuit_state', { deployment: 'b/m' }), 1);
  assert.equal(one(text, 'switchyard_deployment_effective_weight', { deployment: 'a/m' }), 0.5);
  assert.equal(one(text, 'switchyard_deployment_effective_weight', { deployment: 'b/m' }), 0.375);
  assert.equal(one(text, 'switchyard_cluster_circuit_state', { deployment: 'a/m' }), 2);
  assert.equal(one(text, 'switchyard_cluster_circuit_state', { deployment: 'b/m' }), 0);
  assert.equal(one(text, 'switchyard_requests_total', { route: 'chat', status: '200' }), 2);
  assert.equal(one(text, 'switchyard_budget_remaining_usd', { level: 'key', id: 'vk_1', period: '1d', provider: '' }), 6.5);
  // Spent past the amount (7 of 5): no headroom, never negative.
  assert.equal(one(text, 'switchyard_budget_remaining_usd', { level: 'team', id: 'eng', period: '1M', provider: 'openai' }), 0);
  assert.equal(one(text, 'switchyard_budget_remaining_usd', { level: 'customer', id: 'acme', period: '1w', provider: '' }), 100);
  assert.ok(lookups.includes(teamSpend) && !lookups.includes(keySpend), 'snapshot counters first, then the store');

  const file = join(tmp, 'node.prom');
  writeFileSync(file, text);
  const out = execFileSync('sh', ['-c', `promtool check metrics < ${file} 2>&1; echo "exit=$?"`]).toString();
  assert.match(out, /exit=0/, out);
});

test('budget series are bounded in count', () => {
  const now = Date.now();
  const keys = Array.from({ length: 30 }, (_, i) => ({ id: `vk_${i}`, createdAt: now, budgets: [{ amountUsd: 1, period: '1d' }, { amountUsd: 2, period: '1M' }] }));
  const snap = { keys, teams: [], customers: [], counters: {} } as unknown as GovernanceSnapshot;
  const r = budgetsRemaining(snap, now, 9);
  assert.equal(r.length, 9);
  assert.deepEqual(r.slice(0, 2).map((b) => [b.id, b.period, b.remainingUsd]), [['vk_0', '1d', 1], ['vk_0', '1M', 2]]);
});

test('observability.metrics in the config file: per_key_labels off by default, max_label_values bounded', () => {
  const file = join(tmp, 'c.yaml');
  writeFileSync(file, 'observability:\n  metrics:\n    per_key_labels: true\n    max_label_values: 50\n');
  assert.deepEqual(loadConfig({ config: file }, {}).observability?.metrics, { perKeyLabels: true, maxLabelValues: 50 });
  assert.deepEqual(loadConfig({}, {}).observability?.metrics, { perKeyLabels: false, maxLabelValues: 200 });
  writeFileSync(file, 'observability:\n  metrics:\n    per_key_lables: true\n');
  assert.throws(() => loadConfig({ config: file }, {}), /per_key_lables/);
});
