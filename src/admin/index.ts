/** Management API (/api/*). */
import { openaiDialect } from '../api/index.js';
import type { GatewayState } from '../core/pipeline.js';
import { sendBody, type Route } from '../http/index.js';
import { routingReport } from './routing.js';

export function adminRoutes(gw: GatewayState): Route[] {
  return [
    { method: 'get', pattern: '/api/routing', name: 'admin', dialect: openaiDialect, body: false, handle: (ctx) => sendBody(ctx, 200, JSON.stringify(routingReport(gw))) },
  ];
}
