/**
 * Label cardinality stays bounded: a client sending made-up model names (or a config with many keys) makes
 * at most the configured number of label values appear in the exposition, plus "other".
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { RequestState } from '../../src/core/request-state.js';
import type { HttpContext } from '../../src/http/index.js';
import { LabelLimiter, NodeMetrics, WorkerMetrics } from '../../src/observe/index.js';

interface Sample { name: string; labels: Record<string, string>; value: number }

/** Prometheus text format -> samples (enough of the format for prom-client's output). */
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

/** Every value a label takes anywhere in the exposition. */
function labelValues(text: string, label: string): Set<string> {
  return new Set(parse(text).map((s) => s.labels[label]).filter((v): v is string => v !== undefined));
}

/** A finished request as the data plane hands it to the metrics. */
function request(model: string, i: number): HttpContext {
  const st = new RequestState(`req-${i}`, 'chat');
  st.status = 200;
  st.provider = 'vendor';
  st.model = model;
  st.upstreamMs = 2;
  st.ttftMs = 3;
  st.usage = { prompt_tokens: 3, completion_tokens: 5, total_tokens: 8 };
  st.costUsd = 0.001;
  st.principal = { keyId: `vk_${i}`, keyName: `key ${i}`, teamId: `team_${i}` };
  return st as unknown as HttpContext;
}

test('1000 made-up model names leave exactly the first N values plus "other" in every family', async () => {
  const N = 7;
  const metrics = new WorkerMetrics({ maxLabelValues: N, perKeyLabels: true });
  const names = Array.from({ length: 1000 }, (_, i) => `made-up-model-${i}`);
  names.forEach((name, i) => {
    const ctx = request(name, i);
    metrics.started();
    metrics.streamGap(ctx, 5);
    metrics.settled(ctx);
    metrics.finished(ctx);
  });
  const text = await metrics.registry.metrics();
  assert.deepEqual([...labelValues(text, 'model')].sort(), [...names.slice(0, N), 'other'].sort());
  // Per-key labels are bounded the same way.
  assert.deepEqual([...labelValues(text, 'key')].sort(), [...Array.from({ length: N }, (_, i) => `vk_${i}`), 'other'].sort());
  assert.equal(labelValues(text, 'team').size, N + 1);
  // Nothing was lost: "other" carries the rest of the traffic.
  const requests = parse(text).filter((s) => s.name === 'switchyard_requests_total');
  assert.equal(requests.length, N + 1);
  assert.equal(requests.find((s) => s.labels.model === 'other')!.value, 1000 - N);
  assert.equal(requests.reduce((a, s) => a + s.value, 0), 1000);
  const tokens = parse(text).filter((s) => s.name === 'switchyard_key_tokens_total' && s.labels.direction === 'output');
  assert.equal(tokens.find((s) => s.labels.key === 'other')!.value, (1000 - N) * 5);
});

test('the node exposition of one worker keeps the bound, and made-up deployments fold into "other"', async () => {
  const N = 3;
  const worker = new WorkerMetrics({ maxLabelValues: N });
  const deployments = Array.from({ length: 50 }, (_, i) => ({ id: `p/m${i}`, circuit: i === 40 ? 'open' as const : 'closed' as const, effectiveWeight: 1 }));
  worker.trackRouting(() => deployments);
  for (let i = 0; i < 50; i++) worker.circuitTransition(`p/m${i}`, 'open');
  for (let i = 0; i < 200; i++) worker.finished(request(`m-${i}`, i));
  const node = new NodeMetrics(undefined, { maxLabelValues: N });
  node.trackClusterRouting(() => ({ deployments: Object.fromEntries(deployments.map((d) => [d.id, { status: d.circuit }])) }));
  const text = await node.exposition([await worker.registry.getMetricsAsJSON()]);
  assert.equal(labelValues(text, 'model').size, N + 1);
  const circuit = parse(text).filter((s) => s.name === 'switchyard_circuit_state');
  // The first N deployments, and "other" with the worst state among the rest (p/m40 is open).
  assert.deepEqual(circuit.map((s) => [s.labels.deployment, s.value]), [['p/m0', 0], ['p/m1', 0], ['p/m2', 0], ['other', 2]]);
  const cluster = parse(text).filter((s) => s.name === 'switchyard_cluster_circuit_state');
  assert.deepEqual(cluster.map((s) => [s.labels.deployment, s.value]), [['p/m0', 0], ['p/m1', 0], ['p/m2', 0], ['other', 2]]);
  // Weights of deployments past the bound are left out rather than averaged into a meaningless "other".
  assert.deepEqual(parse(text).filter((s) => s.name === 'switchyard_deployment_effective_weight').map((s) => s.labels.deployment), ['p/m0', 'p/m1', 'p/m2']);
  const transitions = parse(text).filter((s) => s.name === 'switchyard_circuit_transitions_total');
  assert.equal(transitions.length, N + 1);
  assert.equal(transitions.find((s) => s.labels.deployment === 'other')!.value, 50 - N);
});

test('LabelLimiter: at most max distinct values plus "other", first-come values kept verbatim', () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 20 }), fc.array(fc.string({ minLength: 1, maxLength: 6 }), { maxLength: 200 }), (max, values) => {
    const limiter = new LabelLimiter(max);
    const out = values.map((v) => limiter.value(v));
    const firstDistinct = [...new Set(values)].slice(0, max);
    const kept = new Set(firstDistinct);
    assert.ok(new Set(out.filter((v) => v !== 'other' || kept.has('other'))).size <= max);
    values.forEach((v, i) => assert.equal(out[i], kept.has(v) ? v : 'other'));
  }));
});
