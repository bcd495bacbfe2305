/**
 * Node-level endpoints served by every worker: liveness, readiness, the node's metrics exposition, and
 * (only with SWITCHYARD_TEST_HOOKS=1) hooks that let tests crash a worker for real.
 */
import { openaiDialect } from '../api/index.js';
import { sendBody, type Route } from '../http/index.js';
import { METRICS_CONTENT_TYPE } from '../observe/index.js';

export interface SystemState {
  isReady(): boolean;
  scrape(): Promise<string>;
  testHooks: boolean;
  control(method: string, args?: unknown): Promise<unknown>;
}

export function systemRoutes(s: SystemState): Route[] {
  const routes: Route[] = [
    { method: 'get', pattern: '/health/live', name: 'health', dialect: openaiDialect, body: false, handle: (ctx) => sendBody(ctx, 200, '{"status":"ok"}') },
    {
      method: 'get', pattern: '/health/ready', name: 'health', dialect: openaiDialect, body: false,
      handle: (ctx) => (s.isReady() ? sendBody(ctx, 200, '{"status":"ready"}') : sendBody(ctx, 503, '{"status":"draining"}')),
    },
    { method: 'get', pattern: '/metrics', name: 'metrics', dialect: openaiDialect, body: false, handle: async (ctx) => sendBody(ctx, 200, await s.scrape(), METRICS_CONTENT_TYPE) },
  ];
  if (s.testHooks) {
    routes.push({
      method: 'post', pattern: '/__test/crash-worker', name: 'test', dialect: openaiDialect, body: false,
      handle: (ctx) => {
        sendBody(ctx, 202, JSON.stringify({ crashing: true }));
        // A real uncaught exception outside any request handler: the thread dies, the main thread restarts it.
        setTimeout(() => { throw new Error('test hook: worker crash'); }, 5);
      },
    });
    routes.push({
      method: 'post', pattern: '/__test/partition', name: 'test', dialect: openaiDialect, body: true,
      handle: async (ctx, body) => sendBody(ctx, 200, JSON.stringify(await s.control('cluster.partition', JSON.parse(body?.toString() || '{}')))),
    });
    routes.push({
      method: 'post', pattern: '/__test/throw', name: 'test', dialect: openaiDialect, body: false,
      handle: () => { throw new Error('test hook: exception inside a request handler'); },
    });
  }
  return routes;
}
