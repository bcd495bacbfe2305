/**
 * The parts of undici the transport uses, loaded from their own modules rather than the package index.
 * The index loads all of undici (fetch, WebSocket, caches, mocks, interceptors): about 4.6 MB of heap in
 * every worker thread, and a bigger bundle, for a Pool (the transport talks to it with `dispatch`) and
 * its error classes. undici has no exports map, so these paths are stable within the locked version;
 * test/unit/undici-parts.test.ts fails if an upgrade moves them.
 */
import PoolImpl from 'undici/lib/dispatcher/pool.js';
import errorsImpl from 'undici/lib/core/errors.js';
import type { Pool as PoolType, errors as ErrorsType } from 'undici';

export const Pool: typeof PoolType = PoolImpl;
export const undiciErrors: typeof ErrorsType = errorsImpl;

