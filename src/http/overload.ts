/**
 * Load shedding before the file-descriptor limit. Every proxied request holds two sockets (the client's and
 * the upstream's), so a node that accepts more than about half its open-files limit in flight starts failing
 * upstream connects with EMFILE — every request then fails at once, including those it had already accepted.
 * Refusing new model calls with a fast 503 + Retry-After above a cap keeps the accepted ones healthy and
 * tells clients (and load balancers) to go elsewhere.
 */

/** Descriptors kept back for listeners, lmdb, cluster links, logs and admin connections. */
const RESERVED_FDS = 512;

/** The node-wide in-flight cap: configured, else two descriptors per request within the open-files limit. */
export function nodeInFlightCap(configured: number | undefined, fdLimit: number | undefined): number | undefined {
  if (configured) return configured;
  if (fdLimit === undefined) return undefined;
  return Math.max(64, Math.floor((fdLimit - RESERVED_FDS) / 2));
}
