/**
 * The request log on disk: an lmdb database under `${dataDir}/logs/`, owned by the node's main thread.
 * Keys order entries by time (see request-log-entry.ts), so a time range is a key range and retention is
 * "delete every key below now - retention", done by a periodic sweep.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { open, type Database, type RootDatabase } from 'lmdb';
import { cursorKey, DEFAULT_PAGE, matches, MAX_PAGE, type LogFilter, type LogQuery } from './log-query.js';
import { compareKeys, encodeCursor, entryKey, type LogKey, type RequestLogEntry, type WorkerLogEntry } from './request-log-entry.js';

export interface RequestLogStoreOptions {
  nodeId: string;
  /** Entries older than this are deleted by the sweep. */
  retentionMs: number;
  /** Injectable clock (tests). */
  now?: () => number;
}

export interface LogPage {
  data: RequestLogEntry[];
  /** Pass back as `cursor` for the next (older) page; null when there is none. */
  next_cursor: string | null;
}

export interface TailPage {
  data: RequestLogEntry[];
  /** Pass back as `after` to get what arrived since. */
  cursor: string;
}

/** A scan never reads more than this many entries per page, so a needle-in-haystack filter stays bounded. */
const MAX_SCAN = 50_000;
const SWEEP_CHUNK = 10_000;
const TAIL_WINDOW = 10_000;

export class RequestLogStore {
  private readonly root: RootDatabase;
  private readonly db: Database<RequestLogEntry, LogKey>;
  private readonly now: () => number;
  private seq: number;
  /** The latest appends, for the live tail. */
  private recent: RequestLogEntry[] = [];
  private sweeper?: NodeJS.Timeout;

  constructor(dir: string, private readonly opts: RequestLogStoreOptions) {
    mkdirSync(dir, { recursive: true });
    this.now = opts.now ?? Date.now;
    this.root = open({ path: join(dir, 'requests.mdb'), compression: true });
    this.db = this.root.openDB<RequestLogEntry, LogKey>({ name: 'requests' });
    // Continue the sequence after a restart, so keys stay unique even for equal times and request ids.
    this.seq = Date.now() * 1000;
  }

  get retentionMs(): number { return this.opts.retentionMs; }

  /** Stamps and writes a batch; lmdb commits puts asynchronously in one transaction. */
  append(batch: WorkerLogEntry[]): Promise<boolean> {
    let last: Promise<boolean> = Promise.resolve(true);
    for (const w of batch) {
      // Stamped in place: the batch was structured-cloned from a worker and is ours (a copy per entry cost more than the write).
      const e = w as RequestLogEntry;
      e.node_id = this.opts.nodeId;
      e.seq = this.seq++;
      last = this.db.put(entryKey(e), e);
      this.recent.push(e);
    }
    if (this.recent.length > TAIL_WINDOW * 2) this.recent = this.recent.slice(-TAIL_WINDOW);
    return last;
  }

  /** Newest first, filtered, one page after the cursor. */
  query(q: LogQuery): LogPage {
    const limit = Math.min(Math.max(q.limit ?? DEFAULT_PAGE, 1), MAX_PAGE);
    const after = cursorKey(q);
    // Reverse range: start is the upper bound (inclusive), end the lower bound (exclusive). [t] sorts before
    // every [t, ...] key, so [to + 1] .. [from] covers from <= time <= to.
    const start: LogKey | [number] = after ?? (q.to !== undefined ? [Math.floor(q.to) + 1] : [Number.MAX_SAFE_INTEGER]);
    const end: [number] = [q.from ?? 0];
    const data: RequestLogEntry[] = [];
    let scanned = 0;
    for (const { key, value } of this.db.getRange({ start: start as LogKey, end: end as unknown as LogKey, reverse: true })) {
      if (after && compareKeys(key, after) >= 0) continue;
      if (++scanned > MAX_SCAN) return { data, next_cursor: encodeCursor(key) };
      if (!matches(value, q)) continue;
      data.push(value);
      if (data.length === limit) return { data, next_cursor: encodeCursor(key) };
    }
    return { data, next_cursor: null };
  }

  /**
   * Live tail: entries appended after `after`, in the order they were written (not by request start, so a
   * long stream that ends late is not skipped). Without `after`, returns the current position. The tail
   * reads a bounded in-memory window of recent appends; a reader that falls further behind skips ahead.
   */
  tail(after: string | undefined, filter: LogFilter = {}, limit = MAX_PAGE): TailPage {
    const pos = after !== undefined && /^\d+$/.test(after) ? Number(after) : undefined;
    const lastSeq = this.seq - 1;
    if (pos === undefined) return { data: [], cursor: String(lastSeq) };
    // A cursor from before a restart (sequence restarted from the clock) or from another node: start at the end.
    if (pos > lastSeq) return { data: [], cursor: String(lastSeq) };
    const data: RequestLogEntry[] = [];
    // Entries in `recent` have consecutive sequence numbers ending at lastSeq.
    let i = Math.max(0, this.recent.length - (lastSeq - pos));
    let cursor = pos;
    for (; i < this.recent.length && data.length < limit; i++) {
      const e = this.recent[i];
      cursor = e.seq;
      if (matches(e, filter)) data.push(e);
    }
    return { data, cursor: String(cursor) };
  }

  /** Deletes entries older than the retention period; returns how many. */
  async sweep(): Promise<number> {
    const cutoff = this.now() - this.opts.retentionMs;
    let deleted = 0;
    for (;;) {
      const keys = Array.from(this.db.getKeys({ end: [cutoff] as unknown as LogKey, limit: SWEEP_CHUNK }));
      if (keys.length === 0) return deleted;
      await this.db.transaction(() => { for (const k of keys) this.db.remove(k); });
      deleted += keys.length;
      if (keys.length < SWEEP_CHUNK) return deleted;
    }
  }

  startSweeper(intervalMs: number, onError: (err: unknown) => void): void {
    const run = () => { this.sweep().catch(onError); };
    run();
    this.sweeper = setInterval(run, intervalMs);
    this.sweeper.unref();
  }

  count(): number {
    return this.db.getCount();
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    await this.root.close();
  }
}
