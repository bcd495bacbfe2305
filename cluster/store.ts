/**
 * Durable state in lmdb under `${dataDir}/cluster/db`: the merged counters (which include our own
 * origin's totals, so a restart continues from them rather than from zero) and the config map.
 * Writes are batched: the agent marks keys dirty and `flush()` writes them in one async lmdb
 * transaction, off the request path. Stats windows are not persisted: they age out anyway.
 */
import { open, type Database, type RootDatabase } from 'lmdb';
import { join } from 'node:path';
import type { CounterRecord, LwwRecord } from './crdt/index.js';
import type { ReplicatedState } from './state.js';

export class ClusterStore {
  private readonly root: RootDatabase;
  private readonly countersDb: Database<CounterRecord[], string>;
  private readonly configDb: Database<LwwRecord, string>;
  private readonly metaDb: Database<number, string>;
  private closed = false;

  constructor(clusterDir: string) {
    this.root = open({ path: join(clusterDir, 'db'), maxDbs: 4, compression: false });
    this.countersDb = this.root.openDB<CounterRecord[], string>({ name: 'counters', encoding: 'msgpack' });
    this.configDb = this.root.openDB<LwwRecord, string>({ name: 'config', encoding: 'msgpack' });
    this.metaDb = this.root.openDB<number, string>({ name: 'meta', encoding: 'msgpack' });
  }

  /** Returns a number never returned before for this data dir (durably recorded before returning). */
  nextIncarnation(): number {
    const next = (this.metaDb.get('incarnation') ?? 0) + 1;
    this.metaDb.putSync('incarnation', next);
    return next;
  }

  /** Loads persisted state into `state` (as merges, so it composes with anything already there). */
  load(state: ReplicatedState, now: number): { counters: number; config: number } {
    const counters: CounterRecord[] = [];
    for (const { value } of this.countersDb.getRange()) counters.push(...value);
    const config: LwwRecord[] = [];
    for (const { value } of this.configDb.getRange()) config.push(value);
    state.applyCounters(counters, now);
    state.applyConfig(config);
    // Loading is not a change that needs writing back.
    state.dirtyCounters.clear();
    state.dirtyConfig.clear();
    return { counters: counters.length, config: config.length };
  }

  /** Writes every dirty key in one batched transaction; resolves when committed. */
  async flush(state: ReplicatedState): Promise<void> {
    if (this.closed || (state.dirtyCounters.size === 0 && state.dirtyConfig.size === 0)) return;
    const counterKeys = [...state.dirtyCounters];
    const configIds = [...state.dirtyConfig];
    state.dirtyCounters.clear();
    state.dirtyConfig.clear();
    await this.root.transaction(() => {
      for (const key of counterKeys) {
        const records = state.counters.recordsOf(key);
        if (records.length === 0) this.countersDb.remove(key);
        else this.countersDb.put(key, records);
      }
      for (const id of configIds) {
        const entry = state.config.entry(id);
        if (entry) this.configDb.put(id, [id, entry.value, entry.ts.wall, entry.ts.logical, entry.ts.node]);
      }
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.root.flushed;
    await this.root.close();
  }
}
