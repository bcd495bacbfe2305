/**
 * Load shedding before the file-descriptor limit. Every proxied request holds two sockets (the client's and
 * the upstream's), so a node that accepts more than about half its open-files limit in flight starts failing
 * upstream connects with EMFILE — every request then fails at once, including those it had already accepted.
 * Refusing new model calls with a fast 503 + Retry-After above a cap keeps the accepted ones healthy and
 * tells clients (and load balancers) to go elsewhere.
 */
import { readFileSync } from 'node:fs';

/** Descriptors kept back for listeners, lmdb, cluster links, logs and admin connections. */
const RESERVED_FDS = 512;

/** The soft "Max open files" limit of this process (Linux), or undefined when it cannot be read. */
export function openFilesLimit(): number | undefined {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    const soft = line?.split(/\s{2,}/)[1];
    const n = Number(soft);
    return Number.isFinite(n) && n > 0 ? n : undefined; // "unlimited" -> undefined
  } catch {
    return undefined;
  }
}

/** The node-wide in-flight cap: configured, else two descriptors per request within the open-files limit. */
export function nodeInFlightCap(configured: number | undefined, fdLimit: number | undefined): number | undefined {
  if (configured) return configured;
  if (fdLimit === undefined) return undefined;
  return Math.max(64, Math.floor((fdLimit - RESERVED_FDS) / 2));
}

/** This worker's share of the node-wide cap (workers share one port; the kernel spreads connections evenly). */
export function workerInFlightCap(nodeCap: number | undefined, workers: number): number | undefined {
  return nodeCap === undefined ? undefined : Math.max(1, Math.floor(nodeCap / Math.max(1, workers)));
}
