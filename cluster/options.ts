/** Fills in defaults and rejects nonsense early, so the rest of the code can trust its settings. */
import type { ClusterLogger, ClusterOptions } from './types.js';

export interface ResolvedOptions {
  dataDir: string;
  host: string;
  port: number;
  key: Uint8Array | undefined;
  insecure: boolean;
  seeds: string[];
  seedDns: string[];
  seedPort: number;
  announce: string[];
  node: { version: string; httpAddress: string };
  heartbeatMs: number;
  suspectAfterMs: number;
  deadAfterMs: number;
  statsFlushMs: number;
  syncIntervalMs: number;
  statsBucketMs: number;
  statsBuckets: number;
  maxMessageBytes: number;
  /** Upper bound of one sync stream (snapshots are larger than gossip deltas). */
  maxSyncBytes: number;
  testHooks: boolean;
  log: ClusterLogger;
}

const noop: ClusterLogger = () => {};

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`cluster option ${name} must be a positive number, got ${value}`);
  return value;
}

export function resolveOptions(opts: ClusterOptions): ResolvedOptions {
  if (opts.key !== undefined && opts.key.byteLength !== 32) throw new RangeError(`cluster key must be 32 bytes, got ${opts.key.byteLength}`);
  const port = opts.port ?? 7946;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`cluster port must be 0..65535, got ${port}`);
  const heartbeatMs = positive('heartbeatMs', opts.heartbeatMs ?? 1000);
  const suspectAfterMs = positive('suspectAfterMs', opts.suspectAfterMs ?? 3000);
  const deadAfterMs = positive('deadAfterMs', opts.deadAfterMs ?? 10_000);
  if (deadAfterMs < suspectAfterMs) throw new RangeError('cluster deadAfterMs must be >= suspectAfterMs');
  const maxMessageBytes = positive('maxMessageBytes', opts.maxMessageBytes ?? 256 * 1024);
  return {
    dataDir: opts.dataDir,
    host: opts.host ?? '0.0.0.0',
    port,
    key: opts.key,
    insecure: opts.insecure ?? false,
    seeds: opts.seeds ?? [],
    seedDns: opts.seedDns ?? [],
    seedPort: opts.seedPort ?? port,
    announce: opts.announce ?? [],
    node: opts.node,
    heartbeatMs,
    suspectAfterMs,
    deadAfterMs,
    statsFlushMs: positive('statsFlushMs', opts.statsFlushMs ?? 100),
    syncIntervalMs: positive('syncIntervalMs', opts.syncIntervalMs ?? 5000),
    statsBucketMs: positive('statsBucketMs', opts.statsBucketMs ?? 1000),
    statsBuckets: positive('statsBuckets', opts.statsBuckets ?? 60),
    maxMessageBytes,
    maxSyncBytes: Math.max(64 * maxMessageBytes, 32 * 1024 * 1024),
    testHooks: opts.testHooks ?? false,
    log: opts.log ?? noop,
  };
}
