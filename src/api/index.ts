/** Ingress dialects: each converts its wire format to the canonical types and back. */
import type { GatewayState } from '../core/pipeline.js';
import type { Dialect, Route } from '../http/index.js';
import { anthropicDialect, anthropicRoutes } from './anthropic/index.js';
import { bedrockDialect, bedrockRoutes } from './bedrock/index.js';
import { cohereDialect, cohereRoutes } from './cohere/index.js';
import { genaiDialect, genaiRoutes } from './genai/index.js';
import { openaiRoutes } from './openai/index.js';

export { openaiDialect } from './openai/index.js';

export function ingressRoutes(gw: GatewayState): Route[] {
  return [...openaiRoutes(gw), ...anthropicRoutes(gw), ...genaiRoutes(gw), ...bedrockRoutes(gw), ...cohereRoutes(gw)];
}

/** Unknown URLs under a dialect's prefix answer in that dialect's error shape. */
export const PREFIX_DIALECTS: Array<[string, Dialect]> = [
  ['/anthropic/', anthropicDialect], ['/genai/', genaiDialect], ['/bedrock/', bedrockDialect], ['/cohere/', cohereDialect],
];
