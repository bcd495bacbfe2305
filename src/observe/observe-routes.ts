/**
 * Wraps the data plane's routes with what observability needs to see before a handler runs: the client's
 * traceparent (tracing) and the request body (request log, when bodies are enabled). With both off the
 * routes are returned untouched, so there is no per-request cost.
 */
import type { RequestState } from '../core/request-state.js';
import type { Route } from '../http/index.js';
import { shouldLog } from './request-log-entry.js';
import type { RequestTracing } from './tracing.js';

export interface BodyCapture { maxBytes: number; bodies: WeakMap<RequestState, string> }

export function observeRoutes(routes: Route[], tracing?: RequestTracing, capture?: BodyCapture): Route[] {
  if (!tracing && !capture) return routes;
  return routes.map((r) => {
    const keepBody = capture && r.body && shouldLog(r.name);
    return {
      ...r,
      handle(ctx, body, h, params, query, url) {
        tracing?.begin(ctx, r.method, r.pattern, h.traceparent);
        if (keepBody && body) capture!.bodies.set(ctx, body.subarray(0, capture!.maxBytes).toString('utf8'));
        return r.handle(ctx, body, h, params, query, url);
      },
    };
  });
}
