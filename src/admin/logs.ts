/**
 * GET /api/logs (search with filters and cursor pagination; `cluster=1` gathers every live peer's page
 * and merges by time) and GET /api/logs/stream (live tail as server-sent events).
 * The store lives on the main thread; workers reach it through control calls, never on the request path.
 * No admin auth yet: governance adds it to every /api route.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { openaiDialect } from '../api/index.js';
import { GatewayError } from '../core/errors.js';
import { sendBody, sendError, streamEnd, streamWrite, type HttpContext, type Route } from '../http/index.js';
// The store's pieces a worker needs, not its index: that loads lmdb, which only the main thread uses.
import { DEFAULT_PAGE, LogQueryError, parseLogQuery, toQueryString, type LogFilter, type LogQuery } from '../store/log-query.js';
import { LOG_RPC } from '../store/log-rpc.js';
import { compareKeys, encodeCursor, entryKey, type RequestLogEntry } from '../store/request-log-entry.js';
import type { LogPage, TailPage } from '../store/request-log-store.js';
import type { ControlCall } from './cluster.js';

/** How often the live tail asks for new entries: well under the one second a tail promises. */
export const TAIL_POLL_MS = 200;
const TAIL_HEARTBEAT_MS = 15_000;
const PEER_TIMEOUT_MS = 3_000;

export interface LogRouteOptions {
  /** The node is shutting down: live tails end. */
  isDraining(): boolean;
}

function badQuery(err: unknown): GatewayError {
  if (err instanceof LogQueryError) return new GatewayError({ status: 400, type: 'invalid_request_error', code: 'invalid_log_query', message: err.message });
  throw err;
}

export function logRoutes(control: ControlCall, opts: LogRouteOptions): Route[] {
  return [
    {
      method: 'get', pattern: '/api/logs', name: 'admin', dialect: openaiDialect, body: false,
      handle: async (ctx, _b, _h, _p, query) => {
        let q: ReturnType<typeof parseLogQuery>;
        try { q = parseLogQuery(query); } catch (err) { return sendError(ctx, badQuery(err)); }
        const { cluster, ...rest } = q;
        const page = cluster ? await clusterLogs(control, rest) : (await control(LOG_RPC.query, rest)) as LogPage;
        sendBody(ctx, 200, JSON.stringify(page));
      },
    },
    {
      method: 'get', pattern: '/api/logs/stream', name: 'admin', dialect: openaiDialect, body: false,
      handle: async (ctx, _b, _h, _p, query) => {
        let filter: LogFilter;
        try {
          const { cluster: _c, cursor: _cu, limit: _l, ...f } = parseLogQuery(query);
          filter = f;
        } catch (err) { return sendError(ctx, badQuery(err)); }
        await tail(ctx, control, filter, opts);
      },
    },
  ];
}

async function tail(ctx: HttpContext, control: ControlCall, filter: LogFilter, opts: LogRouteOptions): Promise<void> {
  let cursor = ((await control(LOG_RPC.tail, {})) as TailPage).cursor;
  // A comment first, so the client sees the response open before any entry arrives.
  streamWrite(ctx, ': switchyard request log\n\n');
  let quietSince = Date.now();
  while (!ctx.aborted && !opts.isDraining()) {
    await sleep(TAIL_POLL_MS);
    if (ctx.aborted) return;
    const page = (await control(LOG_RPC.tail, { after: cursor, filter })) as TailPage;
    cursor = page.cursor;
    let out = '';
    for (const e of page.data) out += `event: log\ndata: ${JSON.stringify(e)}\n\n`;
    if (!out && Date.now() - quietSince >= TAIL_HEARTBEAT_MS) out = ': keep-alive\n\n';
    if (!out) continue;
    quietSince = Date.now();
    if (!streamWrite(ctx, out)) await ctx.waitWritable();
  }
  if (!ctx.aborted) streamEnd(ctx);
}

interface Member { node_id: string; self: boolean; state: string; http_address?: string }
export interface ClusterLogPage extends LogPage {
  nodes: Array<{ node_id: string; ok: boolean; count: number; error?: string }>;
}

/** One page from every live member, merged newest first; a peer that fails is reported, not fatal. */
export async function clusterLogs(control: ControlCall, q: LogQuery): Promise<ClusterLogPage> {
  const status = (await control('cluster.status')) as { node_id: string; members: Member[] };
  const peers = status.members.filter((m) => !m.self && m.state === 'alive' && m.http_address);
  const qs = toQueryString(q);
  const pages = await Promise.all([
    (async () => ({ node_id: status.node_id, page: (await control(LOG_RPC.query, q)) as LogPage }))(),
    ...peers.map(async (m) => {
      try {
        const res = await fetch(`${m.http_address!.replace(/\/+$/, '')}/api/logs?${qs}`, { signal: AbortSignal.timeout(PEER_TIMEOUT_MS) });
        if (!res.ok) throw new Error(`answered ${res.status}`);
        return { node_id: m.node_id, page: (await res.json()) as LogPage };
      } catch (err) {
        return { node_id: m.node_id, error: (err as Error).message };
      }
    }),
  ]);
  return mergePages(pages, q.limit ?? DEFAULT_PAGE);
}

type NodePage = { node_id: string; page?: LogPage; error?: string };

/** Newest first across nodes; more remain when any node had more or the merge cut some off. */
export function mergePages(pages: NodePage[], limit: number): ClusterLogPage {
  const all: RequestLogEntry[] = pages.flatMap((p) => p.page?.data ?? []);
  all.sort((a, b) => compareKeys(entryKey(b), entryKey(a)));
  const data = all.slice(0, limit);
  const more = all.length > limit || pages.some((p) => p.page?.next_cursor);
  return {
    data,
    next_cursor: more && data.length ? encodeCursor(entryKey(data[data.length - 1])) : null,
    nodes: pages.map((p) => ({ node_id: p.node_id, ok: !p.error, count: p.page?.data.length ?? 0, ...(p.error ? { error: p.error } : {}) })),
  };
}
