/** Embedded persistence (lmdb). For now: the request log. */
export { RequestLogStore, type RequestLogStoreOptions, type LogPage, type TailPage } from './request-log-store.js';
export { type RequestLogEntry, type WorkerLogEntry, type LogKey, entryKey, compareKeys, encodeCursor, decodeCursor } from './request-log-entry.js';
export { parseLogQuery, toQueryString, matches, LogQueryError, MAX_PAGE, DEFAULT_PAGE, type LogFilter, type LogQuery } from './log-query.js';
export { serveRequestLog, startRequestLog, type TailArgs } from './control-handlers.js';
export { LOG_RPC } from './log-rpc.js';
