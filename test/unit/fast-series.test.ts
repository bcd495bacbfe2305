/**
 * FastCounter/FastHistogram must expose exactly what prom-client's Counter/Histogram would for the same
 * updates: the same text exposition, and the same sums when workers' registries are aggregated.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AggregatorRegistry, Counter, Histogram, Registry } from 'prom-client';
import { FastCounter, FastHistogram } from '../../src/observe/index.js';

const BUCKETS = [0.001, 0.01, 0.1, 1];
const OBSERVATIONS: Array<[string, string, number]> = [
  ['chat', '2xx', 0.0005], ['chat', '2xx', 0.001], ['chat', '2xx', 0.05], ['chat', '5xx', 3], ['embeddings', '2xx', 0.2], ['chat', '2xx', 1],
];
const INCS: Array<[string, string, number]> = [['openai', 'gpt-4o', 1], ['openai', 'gpt-4o', 2.5], ['anthropic', 'claude', 0], ['openai', 'gpt-4o-mini', 7]];

function withPromClient(scale = 1): Registry {
  const registry = new Registry();
  const h = new Histogram({ name: 't_seconds', help: 'h', labelNames: ['route', 'status_class'], buckets: BUCKETS, registers: [registry] });
  const c = new Counter({ name: 't_total', help: 'c', labelNames: ['provider', 'model'], registers: [registry] });
  for (const [route, status_class, v] of OBSERVATIONS) h.observe({ route, status_class }, v * scale);
  for (const [provider, model, n] of INCS) c.inc({ provider, model }, n * scale);
  return registry;
}

function withFast(scale = 1): Registry {
  const registry = new Registry();
  const h = new FastHistogram('t_seconds', 'h', ['route', 'status_class'], BUCKETS, registry);
  const c = new FastCounter('t_total', 'c', ['provider', 'model'], registry);
  for (const [route, status, v] of OBSERVATIONS) h.observe([route, status], v * scale);
  for (const [provider, model, n] of INCS) c.inc([provider, model], n * scale);
  return registry;
}

test('the exposition is the one prom-client writes for the same observations', async () => {
  assert.equal(await withFast().metrics(), await withPromClient().metrics());
});

test('aggregated across workers, the sums are the ones of prom-client metrics', async () => {
  const fast = AggregatorRegistry.aggregate([await withFast().getMetricsAsJSON(), await withFast(2).getMetricsAsJSON()]);
  const prom = AggregatorRegistry.aggregate([await withPromClient().getMetricsAsJSON(), await withPromClient(2).getMetricsAsJSON()]);
  assert.equal(await fast.metrics(), await prom.metrics());
  assert.match(await fast.metrics(), /t_total\{provider="openai",model="gpt-4o"\} 10\.5/);
  assert.match(await fast.metrics(), /t_seconds_bucket\{le="0\.01",route="chat",status_class="2xx"\} 4/);
});

test('label values that contain the separator do not merge series; invalid amounts are ignored', async () => {
  const registry = new Registry();
  const c = new FastCounter('odd_total', 'c', ['a', 'b'], registry);
  c.inc(['x\u0001y', 'z']);
  c.inc(['x', 'y\u0001z'], 2);
  c.inc(['x', 'y\u0001z'], -1);
  c.inc(['x', 'y\u0001z'], Number.NaN);
  c.inc(['x', 'y\u0001z'], Infinity);
  const values = (await c.get()).values.map((v) => [v.labels.a, v.labels.b, v.value]);
  assert.deepEqual(values.sort(), [['x\u0001y', 'z', 1], ['x', 'y\u0001z', 2]]);
  const h = new FastHistogram('odd_seconds', 'h', ['a'], [1], registry);
  h.observe(['a'], Number.NaN);
  assert.equal((await h.get()).values.length, 0);
  // A label value that is not a string at run time (typed away, e.g. an upstream's missing error type) does not throw.
  const e = new FastCounter('odd_errors_total', 'c', ['provider', 'type'], registry);
  e.inc(['up', undefined as unknown as string]);
  e.inc(['up', undefined as unknown as string]);
  assert.deepEqual((await e.get()).values.map((v) => [v.labels, v.value]), [[{ provider: 'up', type: '' }, 2]]);
});
