/**
 * Node-level exposition: the workers' registries summed (AggregatorRegistry) plus the main thread's own
 * registry, which alone carries process metrics so they are not counted once per worker.
 */
import { AggregatorRegistry, collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';

type metric = object;

export class NodeMetrics {
  readonly registry = new Registry();
  readonly workerRestarts = new Counter({ name: 'switchyard_worker_restarts_total', help: 'Worker threads restarted after they died.', registers: [this.registry] });
  readonly workers = new Gauge({ name: 'switchyard_workers', help: 'Worker threads currently running.', registers: [this.registry] });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'switchyard_' });
    // prom-client names these gauges *_total, which Prometheus reserves for counters (promtool rejects it).
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) {
      this.registry.removeSingleMetric(`switchyard_${name}`);
    }
  }

  async exposition(workerMetrics: metric[][]): Promise<string> {
    const agg = AggregatorRegistry.aggregate(workerMetrics);
    const [a, b] = await Promise.all([agg.metrics(), this.registry.metrics()]);
    return a + (a.endsWith('\n') || !a ? '' : '\n') + b;
  }
}

export const METRICS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;
