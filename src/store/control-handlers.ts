/**
 * The request log's control-plane calls, answered on the main thread for the workers: they append
 * batches, and serve GET /api/logs and the live tail from these.
 */
import { join } from 'node:path';
import type { LogFilter, LogQuery } from './log-query.js';
import { LOG_RPC } from './log-rpc.js';
import { RequestLogStore } from './request-log-store.js';
import type { WorkerLogEntry } from './request-log-entry.js';


export interface TailArgs { after?: string; filter?: LogFilter }

type Handle = (method: string, fn: (args: unknown) => unknown) => void;

export function serveRequestLog(store: RequestLogStore, handle: Handle, onError: (err: unknown) => void): void {
  handle(LOG_RPC.append, (args) => {
    if (Array.isArray(args) && args.length) store.append(args as WorkerLogEntry[]).catch(onError);
    return null;
  });
  handle(LOG_RPC.query, (args) => store.query((args ?? {}) as LogQuery));
  handle(LOG_RPC.tail, (args) => {
    const a = (args ?? {}) as TailArgs;
    return store.tail(a.after, a.filter);
  });
}

/** Opens `${dataDir}/logs/`, starts the retention sweep and answers the workers' log calls. */
export function startRequestLog(
  cfg: { retentionMs: number; sweepIntervalMs: number; enabled: boolean } | undefined, dataDir: string, nodeId: string,
  handle: Handle, onError: (err: unknown) => void,
): RequestLogStore | undefined {
  if (cfg && !cfg.enabled) return undefined;
  const store = new RequestLogStore(join(dataDir, 'logs'), { nodeId, retentionMs: cfg?.retentionMs ?? 7 * 86_400_000 });
  try {
    store.prepareWriter();
  } catch (err) {
    onError(err); // the first append tries again
  }
  serveRequestLog(store, handle, onError);
  store.startSweeper(cfg?.sweepIntervalMs ?? 60_000, onError);
  return store;
}
