import type { GatewayState } from '../core/pipeline.js';

export type ControlCall = (method: string, args?: unknown) => Promise<unknown>;

/**
 * GET /api/cluster: members (state, address, version, last heartbeat, gossip lag) from the control plane,
 * with the cluster-wide circuit states, and the weights this node derives from the merged statistics.
 */
export async function clusterReport(gw: GatewayState, control: ControlCall) {
  const status = (await control('cluster.status')) as { routing: Record<string, Record<string, unknown>> } & Record<string, unknown>;
  const now = Date.now();
  // Deployments this node has not served yet are resolved now, so weights cover the whole cluster view.
  const known = Object.keys(status.routing).flatMap((id) => {
    try { return gw.router.resolve(id).deployments.filter((d) => d.id === id); } catch { return []; }
  });
  const weights = new Map(gw.router.state.snapshot(known, now).map((d) => [d.id, d]));
  for (const [id, r] of Object.entries(status.routing)) {
    const w = weights.get(id);
    if (w) Object.assign(r, { weight: w.weight, health: w.health, effective_weight: w.effective_weight, p50_ms: w.window.p50_ms, error_rate: w.window.error_rate });
  }
  return status;
}
