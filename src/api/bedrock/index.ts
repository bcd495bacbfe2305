// Placeholder until the bedrock ingress dialect lands: it exports the dialect's routes.
import type { GatewayState } from '../../core/pipeline.js';
import type { Route } from '../../http/index.js';

export function bedrockRoutes(_gw: GatewayState): Route[] {
  return [];
}
