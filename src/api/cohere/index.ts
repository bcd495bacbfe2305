// Placeholder until the cohere ingress dialect lands: it exports the dialect's routes.
import type { GatewayState } from '../../core/pipeline.js';
import type { Route } from '../../http/index.js';

export function cohereRoutes(_gw: GatewayState): Route[] {
  return [];
}
