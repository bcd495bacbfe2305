/** Ingress dialects: each converts its wire format to the canonical types and back. */
import type { GatewayState } from '../core/pipeline.js';
import type { Route } from '../http/index.js';
import { anthropicRoutes } from './anthropic/index.js';
import { bedrockRoutes } from './bedrock/index.js';
import { cohereRoutes } from './cohere/index.js';
import { genaiRoutes } from './genai/index.js';
import { openaiRoutes } from './openai/index.js';

export { openaiDialect } from './openai/index.js';

export function ingressRoutes(gw: GatewayState): Route[] {
  return [...openaiRoutes(gw), ...anthropicRoutes(gw), ...genaiRoutes(gw), ...bedrockRoutes(gw), ...cohereRoutes(gw)];
}
