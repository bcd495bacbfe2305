/**
 * Digests for anti-entropy: a short hash per origin (counters, stats) and per config bucket.
 * Two peers exchange digests and send each other the records behind every hash that differs,
 * so a round costs O(origins + buckets) when nothing is missing.
 */
import { createHash } from 'node:crypto';
import type { CounterRecord, LwwRecord, StatsRecord } from '../crdt/index.js';
import type { Digest, SyncState } from '../wire/index.js';
import type { ReplicatedState } from '../state.js';

const CONFIG_BUCKETS = 64;

function hashOf(parts: Iterable<string>): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\u0000');
  return h.digest('hex').slice(0, 16);
}

function configBucket(id: string): number {
  return createHash('sha1').update(id).digest()[0]! % CONFIG_BUCKETS;
}

function groupBy<R>(records: R[], keyOf: (r: R) => string): Map<string, R[]> {
  const out = new Map<string, R[]>();
  for (const r of records) {
    const k = keyOf(r);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}

interface Grouped {
  counters: Map<string, CounterRecord[]>;
  stats: Map<string, StatsRecord[]>;
  config: LwwRecord[][];
}

function group(state: ReplicatedState, now: number): Grouped {
  state.stats.prune(now);
  const config: LwwRecord[][] = Array.from({ length: CONFIG_BUCKETS }, () => []);
  for (const r of state.config.records()) config[configBucket(r[0])]!.push(r);
  return {
    counters: groupBy(state.counters.records(), (r) => r[1]),
    stats: groupBy(state.stats.records(), (r) => r[0]),
    config,
  };
}

function digestOf(g: Grouped): Digest {
  return {
    counters: [...g.counters].map(([origin, rs]) => [origin, hashOf(rs.map((r) => `${r[0]}|${r[2]}|${r[3]}`))] as [string, string]),
    stats: [...g.stats].map(([origin, rs]) => [origin, hashOf(rs.map((r) => `${r[1]}|${r[2]}|${r[3]}`))] as [string, string]),
    config: g.config.map((rs) => hashOf(rs.map((r) => `${r[0]}|${r[2]}|${r[3]}|${r[4]}`))),
  };
}

export function computeDigest(state: ReplicatedState, now: number): Digest {
  return digestOf(group(state, now));
}

/** The records we hold that a peer with digest `remote` may be missing. */
export function missingFor(state: ReplicatedState, remote: Digest, now: number): SyncState {
  const g = group(state, now);
  const mine = digestOf(g);
  const theirCounters = new Map(remote.counters);
  const theirStats = new Map(remote.stats);
  const out: SyncState = { counters: [], stats: [], config: [] };
  for (const [origin, hash] of mine.counters) if (theirCounters.get(origin) !== hash) out.counters.push(...g.counters.get(origin)!);
  for (const [origin, hash] of mine.stats) if (theirStats.get(origin) !== hash) out.stats.push(...g.stats.get(origin)!);
  mine.config.forEach((hash, i) => {
    if (remote.config[i] !== hash) out.config.push(...g.config[i]!);
  });
  return out;
}

export function isEmptyState(s: SyncState): boolean {
  return s.counters.length === 0 && s.stats.length === 0 && s.config.length === 0;
}
