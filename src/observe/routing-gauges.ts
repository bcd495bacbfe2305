/**
 * Routing state as gauges, read at scrape time (never on the request path). Workers report their own view
 * (local breaker, or the cluster's when that one is worse, exactly as /api/routing shows it); the main
 * thread reports the cluster-wide circuit state from the control plane's routing view. Deployment labels
 * are bounded: past the limit, deployments fold into "other" (worst circuit state; no weight).
 */
import { Gauge, type Registry } from 'prom-client';
import { CIRCUIT_VALUE, LabelLimiter, OTHER, type CircuitStatus } from './labels.js';

/** One deployment as a worker's router sees it (structural, so observe/ does not import router/). */
export interface DeploymentGaugeView { id: string; circuit: CircuitStatus; effectiveWeight: number }
export type DeploymentGaugeSource = () => Iterable<DeploymentGaugeView>;

/** The part of the control plane's routing view the cluster gauge reads. */
export interface ClusterCircuitSource { deployments: Record<string, { status: CircuitStatus }> }

/** Sets `gauge` to the worst circuit state per (bounded) deployment label. */
function setCircuits(gauge: Gauge, items: Iterable<{ id: string; status: CircuitStatus }>, deployments: LabelLimiter): void {
  const worst = new Map<string, number>();
  for (const { id, status } of items) {
    const label = deployments.value(id);
    const v = CIRCUIT_VALUE[status] ?? 0;
    if ((worst.get(label) ?? -1) < v) worst.set(label, v);
  }
  gauge.reset();
  for (const [deployment, v] of worst) gauge.set({ deployment }, v);
}

/** Per-worker gauges; across workers the circuit state is aggregated with max, the weight with average. */
export function registerDeploymentGauges(registry: Registry, deployments: LabelLimiter, read: DeploymentGaugeSource): void {
  new Gauge({
    name: 'switchyard_circuit_state', help: 'Circuit breaker state per deployment as this node routes by it: 0 closed, 1 half-open, 2 open (worst across workers).',
    labelNames: ['deployment'], registers: [registry], aggregator: 'max',
    collect() { setCircuits(this, mapCircuits(read()), deployments); },
  });
  new Gauge({
    name: 'switchyard_deployment_effective_weight', help: 'Effective routing weight per deployment (configured weight x health; 0 when not eligible), averaged across workers.',
    labelNames: ['deployment'], registers: [registry], aggregator: 'average',
    collect() {
      this.reset();
      for (const d of read()) {
        const deployment = deployments.value(d.id);
        if (deployment !== OTHER) this.set({ deployment }, d.effectiveWeight);
      }
    },
  });
}

function* mapCircuits(items: Iterable<DeploymentGaugeView>): Iterable<{ id: string; status: CircuitStatus }> {
  for (const d of items) yield { id: d.id, status: d.circuit };
}

/** Main thread: the cluster-wide circuit state every node converges on. */
export function registerClusterCircuitGauge(registry: Registry, deployments: LabelLimiter, source: () => ClusterCircuitSource | undefined): void {
  new Gauge({
    name: 'switchyard_cluster_circuit_state', help: 'Cluster-wide circuit breaker state per deployment (merged statistics of every node): 0 closed, 1 half-open, 2 open.',
    labelNames: ['deployment'], registers: [registry],
    collect() {
      const view = source();
      if (!view) return;
      setCircuits(this, Object.entries(view.deployments).map(([id, d]) => ({ id, status: d.status })), deployments);
    },
  });
}
