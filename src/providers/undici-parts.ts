/**
 * The parts of undici the transport uses, loaded from their own modules rather than the package index.
 * The index loads all of undici (fetch, WebSocket, caches, mocks, interceptors): about 4.6 MB of heap and
 * 120 ms of start-up in every worker thread, for a Pool and its `request`. undici has no exports map, so
 * these paths are stable within the locked version; test/unit/undici-parts.test.ts fails if an upgrade
 * moves them. `request` is what the index installs as Dispatcher.prototype.request (call it with the
 * pool as `this`).
 */
import PoolImpl from 'undici/lib/dispatcher/pool.js';
import requestImpl from 'undici/lib/api/api-request.js';
import errorsImpl from 'undici/lib/core/errors.js';
import type { Dispatcher, Pool as PoolType, errors as ErrorsType } from 'undici';

export const Pool: typeof PoolType = PoolImpl;
export const undiciErrors: typeof ErrorsType = errorsImpl;

/** `pool.request(options)` without the index's prototype patch. */
export function poolRequest(pool: PoolType, options: Dispatcher.RequestOptions): Promise<Dispatcher.ResponseData> {
  return requestImpl.call(pool, options) as Promise<Dispatcher.ResponseData>;
}
