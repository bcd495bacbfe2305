/**
 * Names of the request log's control-plane calls (worker -> main thread). Apart from control-handlers.ts
 * so that workers, which only call them, do not load lmdb.
 */
export const LOG_RPC = { append: 'logs.append', query: 'logs.query', tail: 'logs.tail' } as const;
