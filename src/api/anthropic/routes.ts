import type { GatewayState } from '../../core/pipeline.js';
import type { Route } from '../../http/index.js';
import { anthropicDialect } from './dialect.js';
import { countTokens, createMessage } from './handlers.js';

/**
 * Anthropic Messages API routes under /anthropic (the SDK's baseURL is `<gateway>/anthropic`). The SDK may
 * add `?beta=true`; uWS matches the path without the query, so the exact patterns cover it.
 */
export function anthropicRoutes(gw: GatewayState): Route[] {
  return [
    { method: 'post', pattern: '/anthropic/v1/messages', name: 'anthropic_messages', dialect: anthropicDialect, body: true, handle: (ctx, body, h) => createMessage(gw, ctx, body, h) },
    { method: 'post', pattern: '/anthropic/v1/messages/count_tokens', name: 'anthropic_count_tokens', dialect: anthropicDialect, body: true, handle: (ctx, body, h) => countTokens(gw, ctx, body, h) },
  ];
}
