/** Management API (/api/*). */
import { openaiDialect } from '../api/index.js';
import type { GatewayState } from '../core/pipeline.js';
import { sendBody, type Route } from '../http/index.js';
import { clusterReport, type ControlCall } from './cluster.js';
import { logRoutes, type LogRouteOptions } from './logs.js';
import { routingReport } from './routing.js';

export type { ControlCall } from './cluster.js';

export function adminRoutes(gw: GatewayState, control: ControlCall, opts: LogRouteOptions = { isDraining: () => false }): Route[] {
  return [
    ...logRoutes(control, opts),
    { method: 'get', pattern: '/api/routing', name: 'admin', dialect: openaiDialect, body: false, handle: (ctx) => sendBody(ctx, 200, JSON.stringify(routingReport(gw))) },
    { method: 'get', pattern: '/api/cluster', name: 'admin', dialect: openaiDialect, body: false, handle: async (ctx) => sendBody(ctx, 200, JSON.stringify(await clusterReport(gw, control))) },
  ];
}
