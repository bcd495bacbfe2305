/**
 * The parts of undici the transport uses, loaded from their own modules rather than the package index.
 * The index loads all of undici (fetch, WebSocket, caches, mocks, interceptors): about 4.6 MB of heap in
 * every worker thread, and a bigger bundle, for a Client, a connector (see h1-pool.ts) and the error
 * classes. undici has no exports map, so these paths are stable within the locked version;
 * test/unit/undici-parts.test.ts fails if an upgrade moves them.
 */
import ClientImpl from 'undici/lib/dispatcher/client.js';
import buildConnectorImpl from 'undici/lib/core/connect.js';
import errorsImpl from 'undici/lib/core/errors.js';
import type { Client as ClientType, errors as ErrorsType } from 'undici';

export const Client: typeof ClientType = ClientImpl;
export const buildConnector = buildConnectorImpl;
export const undiciErrors: typeof ErrorsType = errorsImpl;
