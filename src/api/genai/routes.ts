import type { GatewayState } from '../../core/pipeline.js';
import type { Route } from '../../http/index.js';
import { genaiDialect } from './dialect.js';
import { modelMethod } from './handlers.js';

/**
 * Google GenAI routes under /genai (point the @google/genai SDK at `httpOptions.baseUrl = <node>/genai`).
 * uWS patterns cannot split "{model}:{method}", and models contain "/", so one wildcard per API version
 * takes the rest of the URL and the handler parses it.
 */
export function genaiRoutes(gw: GatewayState): Route[] {
  return ['v1beta', 'v1'].map((version): Route => {
    const prefix = `/genai/${version}/models/`;
    return {
      method: 'post', pattern: `${prefix}*`, name: 'genai', dialect: genaiDialect, body: true,
      handle: (ctx, body, _h, _p, query, url) => modelMethod(gw, ctx, body, url.slice(prefix.length), query),
    };
  });
}
