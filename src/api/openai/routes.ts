import type { GatewayState } from '../../core/pipeline.js';
import { sendBody, type Route } from '../../http/index.js';
import { openaiDialect } from './dialect.js';
import { chatCompletions, completions, embeddings } from './handlers.js';
import { listModels, retrieveModel } from './models.js';

/** OpenAI-compatible routes, served under /v1 and under the explicit /openai/v1 prefix. */
export function openaiRoutes(gw: GatewayState): Route[] {
  const routes: Route[] = [];
  for (const prefix of ['/v1', '/openai/v1']) {
    routes.push(
      { method: 'post', pattern: `${prefix}/chat/completions`, name: 'chat', dialect: openaiDialect, body: true, handle: (ctx, body, h) => chatCompletions(gw, ctx, body, h) },
      { method: 'post', pattern: `${prefix}/completions`, name: 'completions', dialect: openaiDialect, body: true, handle: (ctx, body, h) => completions(gw, ctx, body, h) },
      { method: 'post', pattern: `${prefix}/embeddings`, name: 'embeddings', dialect: openaiDialect, body: true, handle: (ctx, body, h) => embeddings(gw, ctx, body, h) },
      { method: 'get', pattern: `${prefix}/models`, name: 'models', dialect: openaiDialect, body: false, handle: async (ctx) => sendBody(ctx, 200, JSON.stringify(await listModels(gw))) },
      {
        method: 'get', pattern: `${prefix}/models/*`, name: 'models', dialect: openaiDialect, body: false,
        handle: async (ctx, _b, _h, _p, _q, url) => sendBody(ctx, 200, JSON.stringify(await retrieveModel(gw, decodeURIComponent(url.slice(`${prefix}/models/`.length))))),
      },
    );
  }
  return routes;
}
