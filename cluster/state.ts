/**
 * The node's replicated state: the three CRDTs plus bookkeeping of what changed, so that own
 * changes can be gossiped in batches (outgoing) and merged changes persisted in batches (dirty).
 * No I/O here.
 */
import {
  GCounterMap,
  HybridClock,
  LwwMap,
  StatsWindows,
  fromRecord,
  toRecord,
  type CounterRecord,
  type LwwRecord,
  type StatsRecord,
} from './crdt/index.js';
import { MAX_ID_LENGTH, MAX_KEY_LENGTH, MAX_VECTOR_LENGTH } from './wire/index.js';
import type { ChangeKind } from './types.js';

export interface Outgoing {
  counters: CounterRecord[];
  stats: StatsRecord[];
  config: LwwRecord[];
}

function checkKey(what: string, key: string): void {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH) {
    throw new RangeError(`${what} must be a string of 1..${MAX_KEY_LENGTH} characters`);
  }
}

export class ReplicatedState {
  readonly counters = new GCounterMap();
  readonly config = new LwwMap();
  readonly stats: StatsWindows;
  readonly clock: HybridClock;

  private readonly outCounters = new Set<string>();
  private readonly outStats = new Map<string, StatsRecord>();
  private readonly outConfig = new Map<string, LwwRecord>();
  /** Keys/ids whose merged value must be (re)written to or removed from disk. */
  readonly dirtyCounters = new Set<string>();
  readonly dirtyConfig = new Set<string>();

  /**
   * Counter/stats origin of this process: `${nodeId}~${incarnation}`. A new incarnation per start means
   * increments made after a crash never collide with a total the cluster saw before the crash but our
   * disk did not (max-merge would swallow them); old incarnations' totals simply stay in the sum.
   */
  readonly origin: string;

  constructor(
    readonly nodeId: string,
    incarnation: number,
    bucketMs: number,
    bucketCount: number,
    private readonly changed: (kind: ChangeKind) => void,
    now: () => number = Date.now,
  ) {
    this.origin = `${nodeId}~${incarnation}`;
    if (this.origin.length > MAX_ID_LENGTH) throw new RangeError('node id too long');
    this.stats = new StatsWindows(bucketMs, bucketCount);
    this.clock = new HybridClock(nodeId, now);
  }

  addCounter(key: string, delta: number, expiresAt = 0): void {
    checkKey('counter key', key);
    if (!Number.isInteger(expiresAt) || expiresAt < 0) throw new RangeError('expiresAt must be an epoch-ms integer');
    this.counters.add(this.origin, key, delta, expiresAt);
    this.outCounters.add(key);
    this.dirtyCounters.add(key);
    this.changed('counters');
  }

  setConfig(id: string, value: unknown | null): void {
    checkKey('config id', id);
    if (value === undefined) throw new TypeError('config value must not be undefined (use null to delete)');
    const ts = this.clock.tick();
    const record = toRecord(id, { value, ts });
    this.config.merge(...fromRecord(record));
    this.outConfig.set(id, record);
    this.dirtyConfig.add(id);
    this.changed('config');
  }

  recordStats(key: string, values: ArrayLike<number>, now: number): void {
    checkKey('stats key', key);
    if (values.length > MAX_VECTOR_LENGTH) throw new RangeError(`stats vectors are limited to ${MAX_VECTOR_LENGTH} values`);
    const record = this.stats.record(this.origin, key, values, now);
    this.outStats.set(`${record[2]}\u0000${key}`, record);
    this.changed('stats');
  }

  applyCounters(records: readonly CounterRecord[], now: number): boolean {
    let changed = false;
    for (const r of records) {
      if (r[3] !== 0 && r[3] <= now) continue; // already expired: do not resurrect a collected key
      if (this.counters.merge(r)) {
        changed = true;
        this.dirtyCounters.add(r[0]);
      }
    }
    if (changed) this.changed('counters');
    return changed;
  }

  applyConfig(records: readonly LwwRecord[]): boolean {
    let changed = false;
    for (const r of records) {
      const [id, entry] = fromRecord(r);
      this.clock.observe(entry.ts);
      if (this.config.merge(id, entry)) {
        changed = true;
        this.dirtyConfig.add(id);
      }
    }
    if (changed) this.changed('config');
    return changed;
  }

  applyStats(records: readonly StatsRecord[], now: number): boolean {
    let changed = false;
    for (const r of records) if (r[2] % this.stats.bucketMs === 0 && this.stats.merge(r, now)) changed = true;
    if (changed) this.changed('stats');
    return changed;
  }

  /** Own changes since the last call, as whole-state records (idempotent on the receiver). */
  takeOutgoing(): Outgoing {
    const counters: CounterRecord[] = [];
    for (const key of this.outCounters) {
      const own = this.counters.recordsOf(key).find((r) => r[1] === this.origin);
      if (own) counters.push(own); // absent if the key expired before the flush
    }
    const out: Outgoing = { counters, stats: [...this.outStats.values()], config: [...this.outConfig.values()] };
    this.outCounters.clear();
    this.outStats.clear();
    this.outConfig.clear();
    return out;
  }

  hasOutgoing(): boolean {
    return this.outCounters.size > 0 || this.outStats.size > 0 || this.outConfig.size > 0;
  }

  /** Expires counters and stats buckets. */
  gc(now: number): void {
    const dropped = this.counters.gc(now);
    for (const key of dropped) this.dirtyCounters.add(key);
    this.stats.prune(now);
    if (dropped.length > 0) this.changed('counters');
  }
}
