/**
 * Node-level exposition: the workers' registries summed (AggregatorRegistry) plus the main thread's own
 * registry, which alone carries process metrics so they are not counted once per worker.
 */
import { AggregatorRegistry, collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';

type metric = object;

/** The part of the cluster agent the metrics read (kept structural so observe/ does not import cluster/). */
export interface ClusterMetricsSource {
  metrics(): {
    members: Record<string, number>; gossipIn: Record<string, number>; gossipOut: Record<string, number>;
    dropped: Record<string, number>; syncRounds: number; lastConvergenceLagMs: number; bytesIn: number; bytesOut: number;
  };
}

function registerClusterMetrics(registry: Registry, c: ClusterMetricsSource): void {
  const byLabel = (g: Gauge | Counter, label: string, values: Record<string, number>) => {
    for (const [k, v] of Object.entries(values)) (g as Gauge).set({ [label]: k }, v);
  };
  new Gauge({ name: 'switchyard_cluster_members', help: 'Cluster members by state (this node included).', labelNames: ['state'], registers: [registry], collect() { byLabel(this, 'state', c.metrics().members); } });
  new Gauge({ name: 'switchyard_cluster_gossip_messages_in', help: 'Gossip messages received, by topic (monotonic).', labelNames: ['topic'], registers: [registry], collect() { byLabel(this, 'topic', c.metrics().gossipIn); } });
  new Gauge({ name: 'switchyard_cluster_gossip_messages_out', help: 'Gossip messages published, by topic (monotonic).', labelNames: ['topic'], registers: [registry], collect() { byLabel(this, 'topic', c.metrics().gossipOut); } });
  new Gauge({ name: 'switchyard_cluster_gossip_dropped', help: 'Gossip messages dropped, by reason (malformed, oversized, version, invalid; monotonic).', labelNames: ['reason'], registers: [registry], collect() { byLabel(this, 'reason', c.metrics().dropped); } });
  new Gauge({ name: 'switchyard_cluster_sync_rounds', help: 'Anti-entropy sync rounds completed (monotonic).', registers: [registry], collect() { this.set(c.metrics().syncRounds); } });
  new Gauge({ name: 'switchyard_cluster_convergence_lag_seconds', help: 'Age of the newest state received from peers when it arrived.', registers: [registry], collect() { this.set(c.metrics().lastConvergenceLagMs / 1000); } });
  new Gauge({ name: 'switchyard_cluster_gossip_bytes_in', help: 'Cluster bytes received (monotonic).', registers: [registry], collect() { this.set(c.metrics().bytesIn); } });
  new Gauge({ name: 'switchyard_cluster_gossip_bytes_out', help: 'Cluster bytes sent (monotonic).', registers: [registry], collect() { this.set(c.metrics().bytesOut); } });
}

export class NodeMetrics {
  readonly registry = new Registry();
  readonly workerRestarts = new Counter({ name: 'switchyard_worker_restarts_total', help: 'Worker threads restarted after they died.', registers: [this.registry] });
  readonly workers = new Gauge({ name: 'switchyard_workers', help: 'Worker threads currently running.', registers: [this.registry] });

  constructor(cluster?: ClusterMetricsSource) {
    if (cluster) registerClusterMetrics(this.registry, cluster);
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
