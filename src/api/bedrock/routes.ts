import type { GatewayState } from '../../core/pipeline.js';
import type { Route } from '../../http/index.js';
import { bedrockDialect } from './dialect.js';
import { converse, PREFIX } from './handlers.js';

/** Bedrock Runtime routes under /bedrock (the SDK's endpoint is `<node>/bedrock`). */
export function bedrockRoutes(gw: GatewayState): Route[] {
  return [
    {
      method: 'post', pattern: `${PREFIX}*`, name: 'bedrock_converse', dialect: bedrockDialect, body: true,
      handle: (ctx, body, _h, _p, _q, url) => converse(gw, ctx, body, url),
    },
  ];
}
