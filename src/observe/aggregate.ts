/**
 * Node-level exposition: the workers' registries aggregated (AggregatorRegistry: counters and histograms
 * summed, gauges by their own aggregator) plus the main thread's own registry, which alone carries process
 * metrics (so they are not counted once per worker), cluster metrics, the cluster-wide circuit states and
 * the budget gauges.
 */
import { AggregatorRegistry, collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { registerBudgetGauge, type BudgetGaugeSource } from './budget-gauges.js';
import { DEFAULT_MAX_LABEL_VALUES, LabelLimiter } from './labels.js';
import { registerClusterCircuitGauge, type ClusterCircuitSource } from './routing-gauges.js';

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

export interface NodeMetricsOptions {
  /** Distinct deployments in the cluster circuit gauge, and budget series; default 200. */
  maxLabelValues?: number;
}

export class NodeMetrics {
  readonly registry = new Registry();
  readonly workerRestarts = new Counter({ name: 'switchyard_worker_restarts_total', help: 'Worker threads restarted after they died.', registers: [this.registry] });
  readonly workers = new Gauge({ name: 'switchyard_workers', help: 'Worker threads currently running.', registers: [this.registry] });
  private clusterRouting?: () => ClusterCircuitSource | undefined;
  private budgets?: BudgetGaugeSource;

  constructor(cluster?: ClusterMetricsSource, opts: NodeMetricsOptions = {}) {
    const max = opts.maxLabelValues ?? DEFAULT_MAX_LABEL_VALUES;
    if (cluster) registerClusterMetrics(this.registry, cluster);
    registerClusterCircuitGauge(this.registry, new LabelLimiter(max), () => this.clusterRouting?.());
    registerBudgetGauge(this.registry, max, () => this.budgets);
    collectDefaultMetrics({ register: this.registry, prefix: 'switchyard_' });
    // prom-client names these gauges *_total, which Prometheus reserves for counters (promtool rejects it).
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) {
      this.registry.removeSingleMetric(`switchyard_${name}`);
    }
  }

  /** The control plane's cluster routing view (read at scrape time). */
  trackClusterRouting(source: () => ClusterCircuitSource | undefined): void {
    this.clusterRouting = source;
  }

  /** The governance snapshot (and a spend lookup) the budget gauges are computed from at scrape time. */
  trackBudgets(source: BudgetGaugeSource): void {
    this.budgets = source;
  }

  async exposition(workerMetrics: metric[][]): Promise<string> {
    const agg = AggregatorRegistry.aggregate(workerMetrics);
    const [a, b] = await Promise.all([agg.metrics(), this.registry.metrics()]);
    return a + (a.endsWith('\n') || !a ? '' : '\n') + b;
  }
}

export const METRICS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;
