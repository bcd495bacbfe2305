/** Management API (/api/*). */
import type { GatewayState } from '../core/pipeline.js';
import type { Action, GovernanceSnapshot } from '../governance/index.js';
import type { Route } from '../http/index.js';
import { authenticateAdmin } from './auth.js';
import { governanceRoutes, guarded } from './governance.js';
import { clusterReport, type ControlCall } from './cluster.js';
import { logRoutes, type LogRouteOptions } from './logs.js';
import { routingReport } from './routing.js';

export type { ControlCall } from './cluster.js';
export { providerRoutes } from './providers.js';

/** Every /api route checks the caller's role (admin.auth.ts); nothing here is open. */
export function adminRoutes(gw: GatewayState, control: ControlCall, opts: LogRouteOptions & { snapshot: () => GovernanceSnapshot | undefined }): Route[] {
  const snap = opts.snapshot;
  const secured = (action: Action, routes: Route[]): Route[] => routes.map((r) => ({
    ...r,
    handle: (ctx, body, h, params, query, url) => {
      authenticateAdmin(ctx, snap(), action);
      return r.handle(ctx, body, h, params, query, url);
    },
  }));
  return [
    ...secured('logs.read', logRoutes(control, opts)),
    guarded(snap, 'get', '/api/routing', 'routing.read', 200, async () => routingReport(gw)),
    guarded(snap, 'get', '/api/cluster', 'cluster.read', 200, async () => clusterReport(gw, control)),
    ...governanceRoutes(snap, control),
  ];
}
