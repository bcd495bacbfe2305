import type { GatewayState } from '../../core/pipeline.js';
import type { Route } from '../../http/index.js';
import { cohereDialect } from './dialect.js';
import { cohereChat } from './handlers.js';

/** Cohere v2 drop-in: point a Cohere client's base URL at {gateway}/cohere. */
export function cohereRoutes(gw: GatewayState): Route[] {
  return [
    { method: 'post', pattern: '/cohere/v2/chat', name: 'cohere_chat', dialect: cohereDialect, body: true, handle: (ctx, body, h) => cohereChat(gw, ctx, body, h) },
  ];
}
