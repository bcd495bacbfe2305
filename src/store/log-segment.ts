/**
 * One segment of the request log: an lmdb environment holding a run of consecutive appends. Only the newest
 * segment is written; older ones are opened for queries and sweeps and closed again, because closing an
 * environment is the only way lmdb-js drops its memory map (every page read or written through the map stays
 * in the process RSS while it is open).
 */
import { rm } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import * as lmdb from 'lmdb';
import type { Database, RootDatabase } from 'lmdb';
import { descriptorHeadroom, DescriptorsExhaustedError } from './descriptor-headroom.js';
import type { LogKey, RequestLogEntry } from './request-log-entry.js';

/** What the store keeps about a segment without opening it. Times are entry (arrival) times, epoch ms. */
export interface SegmentStats {
  count: number;
  /** Infinity / -Infinity when the segment is empty. */
  minTime: number;
  maxTime: number;
}

export type LogDb = Database<RequestLogEntry, LogKey>;

/** The named database inside each environment (the name the single-environment layout used). */
const DB_NAME = 'requests';

/**
 * lmdb-js remembers every store it ever opened in an exported map keyed by file name and never forgets them;
 * with a new file per segment that would keep ~25 KB of heap per segment ever opened. Not in lmdb's typings.
 */
const allDbs = (lmdb as unknown as { allDbs?: Map<string, unknown> }).allDbs;

export class LogSegment implements SegmentStats {
  count = 0;
  minTime = Infinity;
  maxTime = -Infinity;
  /** Held by a running query or sweep: the LRU must not close it. */
  pins = 0;
  /** LRU clock value of the last query that read it. */
  lastUsed = 0;
  /** All its writes are committed (false while it is, or just was, the writer). */
  settled = true;
  /** Its stats are in the catalog (so a restart need not open it). */
  cataloged = false;
  /** Removed from the store (expired): never catalog or reopen it. */
  dropped = false;
  /** The promise of the last put, so that rotation can close the environment once it has committed. */
  lastWrite?: Promise<boolean>;

  private root?: RootDatabase;
  private database?: LogDb;
  private closing = 0;
  private closed: Promise<void> = Promise.resolve();
  private readonly name: string;

  constructor(readonly id: number, readonly path: string) {
    this.name = basename(path, extname(path));
  }

  get isOpen(): boolean { return this.root !== undefined; }

  /** Open, or closed but not yet unmapped (a close waits for pending writes). */
  get isMapped(): boolean { return this.root !== undefined || this.closing > 0; }

  /** The database, opening the environment if needed. */
  db(): LogDb {
    if (!this.database) {
      // A failed open part-way corrupts lmdb-js's heap; see descriptor-headroom.ts.
      if (!descriptorHeadroom.allowsOpen()) throw new DescriptorsExhaustedError(`request-log segment ${this.name}`);
      // Reopening while a close is still pending is fine: lmdb-js shares (and counts) environments per path.
      this.root = lmdb.open({ path: this.path, compression: true });
      this.database = this.root.openDB<RequestLogEntry, LogKey>({ name: DB_NAME });
    }
    return this.database;
  }

  /** Widens the time range by an appended entry's time. */
  note(time: number): void {
    if (time < this.minTime) this.minTime = time;
    if (time > this.maxTime) this.maxTime = time;
  }

  stats(): SegmentStats {
    return { count: this.count, minTime: this.minTime, maxTime: this.maxTime };
  }

  setStats(s: SegmentStats): void {
    this.count = s.count;
    this.minTime = s.count > 0 ? s.minTime : Infinity;
    this.maxTime = s.count > 0 ? s.maxTime : -Infinity;
  }

  /** Reads the stats from the open database: the entry count and the first and last key. */
  measure(): void {
    const db = this.db();
    const count = (db.getStats() as { entryCount: number }).entryCount;
    let minTime = Infinity, maxTime = -Infinity;
    for (const k of db.getKeys({ limit: 1 })) minTime = k[0];
    for (const k of db.getKeys({ limit: 1, reverse: true })) maxTime = k[0];
    this.setStats({ count, minTime, maxTime });
  }

  /** Closes the environment once its pending writes are committed; resolves when it is unmapped. */
  close(): Promise<void> {
    const root = this.root, db = this.database;
    if (!root) return this.closed;
    this.root = this.database = undefined;
    this.closing++;
    const done = root.close().finally(() => {
      this.closing--;
      // Forget lmdb-js's references to the closed stores, unless the file was opened again since.
      if (allDbs?.get(this.name) === root) allDbs?.delete(this.name);
      if (allDbs?.get(`${this.name}-${DB_NAME}`) === db) allDbs?.delete(`${this.name}-${DB_NAME}`);
    });
    this.closed = Promise.all([this.closed, done]).then(() => undefined);
    return this.closed;
  }

  /** Closes and deletes the segment's files. */
  async destroy(): Promise<void> {
    this.dropped = true;
    await this.close();
    await rm(this.path, { force: true });
    await rm(`${this.path}-lock`, { force: true });
  }
}
