/**
 * The request log on disk, under `${dataDir}/logs/`, owned by the node's main thread. Keys order entries by
 * time (see request-log-entry.ts), so a time range is a key range and retention is "delete every key below
 * now - retention", done by a periodic sweep.
 *
 * Entries live in segments (`segments/<id>.mdb`, one lmdb environment each, see log-segment.ts): only the
 * newest is written, and it is closed once it holds `rotateEntries` entries and they are committed. Older
 * segments are opened again only for queries (a few at a time, LRU) and sweeps. One environment for the whole
 * log would keep every page it ever wrote mapped, and so in the RSS, for as long as the node runs.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { cursorKey, DEFAULT_PAGE, matches, MAX_PAGE, type LogFilter, type LogQuery } from './log-query.js';
import { compareKeys, encodeCursor, entryKey, type LogKey, type RequestLogEntry, type WorkerLogEntry } from './request-log-entry.js';
import { DescriptorsExhaustedError } from './descriptor-headroom.js';
import { LogSegment, type LogDb, type SegmentStats } from './log-segment.js';
import { SegmentCatalog } from './segment-catalog.js';
import { newestFirst, type SegmentAccess } from './segment-merge.js';

export interface RequestLogStoreOptions {
  nodeId: string;
  /** Entries older than this are deleted by the sweep. */
  retentionMs: number;
  /** Injectable clock (tests). */
  now?: () => number;
  /** Entries per segment before a new one is started (default 32_768). */
  rotateEntries?: number;
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
const DEFAULT_ROTATE_ENTRIES = 32_768;
/** Closed segments kept open after a query, for the next page. */
const MAX_OPEN_READERS = 4;
/** Segment ids are creation times in ms, padded so that file names sort. */
const SEGMENT_FILE = /^(\d{15})\.mdb$/;
/** The segment id of a `requests.mdb` from the single-environment layout: older than every segment. */
const LEGACY_ID = 0;

const segmentFile = (id: number): string => `${String(id).padStart(15, '0')}.mdb`;

export class RequestLogStore {
  private readonly segDir: string;
  private readonly catalog: SegmentCatalog;
  private readonly now: () => number;
  private readonly rotateEntries: number;
  /** Every segment, oldest first; the last one is the writer when there is one. */
  private segments: LogSegment[];
  private writer?: LogSegment;
  /** Open segments other than the writer, closed least recently used first. */
  private readonly readers = new Set<LogSegment>();
  private lruClock = 0;
  private total = 0;
  private lastId: number;
  private seq: number;
  /** The latest appends, for the live tail. */
  private recent: RequestLogEntry[] = [];
  private sweeper?: NodeJS.Timeout;
  private sweeping: Promise<number> = Promise.resolve(0);
  private readonly retiring = new Set<Promise<void>>();
  private closed?: Promise<void>;
  private readonly access: SegmentAccess = {
    acquire: (seg) => this.acquire(seg),
    release: (seg) => {
      seg.pins--;
      // A long scan through many segments keeps only the few it is still reading open.
      if (this.readers.size > MAX_OPEN_READERS) this.trimReaders();
    },
  };

  constructor(dir: string, private readonly opts: RequestLogStoreOptions) {
    this.segDir = join(dir, 'segments');
    mkdirSync(this.segDir, { recursive: true });
    this.now = opts.now ?? Date.now;
    this.rotateEntries = Math.max(1, opts.rotateEntries ?? DEFAULT_ROTATE_ENTRIES);
    this.catalog = new SegmentCatalog(join(this.segDir, 'catalog.mdb'));
    this.segments = this.loadSegments(join(dir, 'requests.mdb'));
    for (const s of this.segments) this.total += s.count;
    this.lastId = this.segments.length ? this.segments[this.segments.length - 1].id : 0;
    // Continue the sequence after a restart, so keys stay unique even for equal times and request ids.
    this.seq = Date.now() * 1000;
  }

  get retentionMs(): number { return this.opts.retentionMs; }

  /**
   * Stamps and writes a batch; lmdb commits puts asynchronously in one transaction per environment.
   * Resolves when the batch is committed (and a segment it filled is closed).
   */
  append(batch: WorkerLogEntry[]): Promise<boolean> {
    if (this.closed) return Promise.reject(new Error('request log store is closed'));
    if (batch.length === 0) return Promise.resolve(true);
    const first = this.writer ?? this.openWriter();
    if (!first) throw new DescriptorsExhaustedError('a request-log segment');
    let w: LogSegment = first;
    let db = w.db();
    let last: Promise<boolean> | undefined;
    let retired: Promise<void>[] | undefined;
    let canRotate = true;
    for (const x of batch) {
      if (canRotate && w.count >= this.rotateEntries) {
        const next = this.openWriter();
        if (next) {
          // Entries so far went to the old segment, the rest go to the new one: nothing lost, order kept per segment.
          if (last) w.lastWrite = last;
          (retired ??= []).push(this.retire(w));
          w = next;
          db = w.db();
        } else {
          // No descriptors for a new segment: the full one keeps filling (a longer segment costs nothing),
          // and the next batch tries again.
          canRotate = false;
        }
      }
      // Stamped in place: the batch was structured-cloned from a worker and is ours (a copy per entry cost more than the write).
      const e = x as RequestLogEntry;
      e.node_id = this.opts.nodeId;
      e.seq = this.seq++;
      w.note(e.time);
      w.count++;
      this.total++;
      last = db.put(entryKey(e), e);
      this.recent.push(e);
    }
    w.lastWrite = last;
    if (this.recent.length > TAIL_WINDOW * 2) this.recent = this.recent.slice(-TAIL_WINDOW);
    if (!retired) return last!;
    return Promise.all([last!, ...retired]).then(([ok]) => ok);
  }

  /** Newest first across all segments, filtered, one page after the cursor. */
  query(q: LogQuery): LogPage {
    if (this.closed) throw new Error('request log store is closed');
    const limit = Math.min(Math.max(q.limit ?? DEFAULT_PAGE, 1), MAX_PAGE);
    const after = cursorKey(q);
    // Reverse range: start is the upper bound (inclusive), end the lower bound (exclusive). [t] sorts before
    // every [t, ...] key, so [to + 1] .. [from] covers from <= time <= to.
    const start: LogKey | [number] = after ?? (q.to !== undefined ? [Math.floor(q.to) + 1] : [Number.MAX_SAFE_INTEGER]);
    const end: [number] = [q.from ?? 0];
    const data: RequestLogEntry[] = [];
    let scanned = 0;
    try {
      for (const { key, value } of newestFirst(this.segments, { start, end }, this.access)) {
        if (after && compareKeys(key, after) >= 0) continue;
        if (++scanned > MAX_SCAN) return { data, next_cursor: encodeCursor(key) };
        if (!matches(value, q)) continue;
        data.push(value);
        if (data.length === limit) return { data, next_cursor: encodeCursor(key) };
      }
      return { data, next_cursor: null };
    } finally {
      this.trimReaders();
    }
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

  /**
   * Deletes entries older than the retention period; returns how many. Segments entirely older are deleted
   * whole; the others lose their old entries one by one. Sweeps run one at a time.
   */
  sweep(): Promise<number> {
    const run = this.sweeping.catch(() => 0).then(() => this.sweepOnce());
    this.sweeping = run;
    return run;
  }

  startSweeper(intervalMs: number, onError: (err: unknown) => void): void {
    const run = () => { this.sweep().catch(onError); };
    run();
    this.sweeper = setInterval(run, intervalMs);
    this.sweeper.unref();
  }

  /** Entries in the log (including appends not yet committed). */
  count(): number {
    return this.total;
  }

  /** Environments currently mapped (the writer, readers kept for queries, closes in progress): for tests and diagnostics. */
  openSegments(): number {
    let n = 0;
    for (const s of this.segments) if (s.isMapped) n++;
    return n;
  }

  close(): Promise<void> {
    this.closed ??= this.closeOnce();
    return this.closed;
  }

  private async closeOnce(): Promise<void> {
    clearInterval(this.sweeper);
    await this.sweeping.catch(() => undefined);
    await Promise.allSettled(this.retiring);
    // The writer is left out of the catalog on purpose: the next start measures it (one segment).
    await Promise.all(this.segments.map((s) => s.close()));
    this.readers.clear();
    this.writer = undefined;
    await this.catalog.close();
  }

  /** Segments on disk: the legacy file first, then `segments/*.mdb` by id; stats from the catalog or measured. */
  private loadSegments(legacyPath: string): LogSegment[] {
    const segs: LogSegment[] = [];
    if (existsSync(legacyPath)) segs.push(new LogSegment(LEGACY_ID, legacyPath));
    const ids = readdirSync(this.segDir).map((f) => SEGMENT_FILE.exec(f)?.[1]).filter((m) => m !== undefined).map(Number).sort((a, b) => a - b);
    for (const id of ids) segs.push(new LogSegment(id, join(this.segDir, segmentFile(id))));
    const measured = new Map<number, SegmentStats>();
    for (const s of segs) {
      const known = this.catalog.get(s.id);
      if (known) s.setStats(known);
      else {
        s.measure();
        measured.set(s.id, s.stats());
        // Nothing written: closes at once (an error would only mean the environment stays mapped).
        s.close().catch(() => undefined);
      }
      s.cataloged = true;
    }
    const present = new Set(segs.map((s) => s.id));
    this.catalog.updateSync(measured, this.catalog.ids().filter((id) => !present.has(id)));
    return segs;
  }

  /**
   * Opens the writer now rather than at the first append. A node calls this at start-up, while descriptors
   * are plentiful: under a burst that uses them up, the first append could not open a segment.
   */
  prepareWriter(): void {
    if (!this.closed && !this.writer) this.openWriter();
  }

  /** A new writer segment, opened; undefined when the process lacks the descriptors to open one. */
  private openWriter(): LogSegment | undefined {
    const id = Math.max(Date.now(), this.lastId + 1);
    const seg = new LogSegment(id, join(this.segDir, segmentFile(id)));
    try {
      seg.db();
    } catch (err) {
      if (err instanceof DescriptorsExhaustedError) return undefined;
      throw err;
    }
    this.lastId = id;
    seg.settled = false;
    this.segments.push(seg);
    this.writer = seg;
    return seg;
  }

  /** A full writer: closed once its last put has committed, then cataloged. */
  private retire(seg: LogSegment): Promise<void> {
    this.readers.add(seg);
    const done = (async () => {
      await seg.lastWrite?.catch(() => false); // a failed write is reported by append's promise
      seg.lastWrite = undefined;
      seg.settled = true;
      await this.settle(seg);
    })();
    this.retiring.add(done);
    return done.finally(() => this.retiring.delete(done));
  }

  /** Closes a segment that is no longer written nor in use and records its stats. */
  private async settle(seg: LogSegment): Promise<void> {
    if (seg === this.writer || seg.pins > 0 || seg.dropped || !seg.settled) return;
    this.readers.delete(seg);
    await seg.close();
    if (!seg.cataloged && !seg.dropped) {
      await this.catalog.put(seg.id, seg.stats());
      seg.cataloged = true;
    }
  }

  private acquire(seg: LogSegment): LogDb {
    seg.pins++;
    if (seg !== this.writer) {
      seg.lastUsed = ++this.lruClock;
      this.readers.add(seg);
    }
    return seg.db();
  }

  /** Closes the least recently used readers beyond the limit (never one in use). */
  private trimReaders(): void {
    while (this.readers.size > MAX_OPEN_READERS) {
      let victim: LogSegment | undefined;
      for (const s of this.readers) if (s.pins === 0 && (!victim || s.lastUsed < victim.lastUsed)) victim = s;
      if (!victim) return;
      this.readers.delete(victim);
      // Errors closing cannot be acted on; the segment is reopened when needed.
      victim.close().catch(() => undefined);
    }
  }

  private async sweepOnce(): Promise<number> {
    if (this.closed) throw new Error('request log store is closed');
    const cutoff = this.now() - this.opts.retentionMs;
    let deleted = await this.dropExpired(cutoff);
    for (const seg of this.segments.slice()) {
      if (!seg.dropped && seg.minTime < cutoff) deleted += await this.sweepEntries(seg, cutoff);
    }
    return deleted;
  }

  /** Deletes the segments entirely below the cutoff (and empty ones), except the writer; returns their entry count. */
  private async dropExpired(cutoff: number): Promise<number> {
    const expired = this.segments.filter((s) => s !== this.writer && (s.count === 0 || s.maxTime < cutoff));
    if (expired.length === 0) return 0;
    const gone = new Set(expired);
    this.segments = this.segments.filter((s) => !gone.has(s));
    let deleted = 0;
    for (const seg of expired) {
      seg.dropped = true;
      this.readers.delete(seg);
      this.total -= seg.count;
      deleted += seg.count;
    }
    for (const seg of expired) await seg.destroy();
    // Not flushed: a stale entry left by a crash has no file and is dropped at the next start.
    await this.catalog.removeAll(expired.filter((s) => s.cataloged).map((s) => s.id));
    return deleted;
  }

  /** Deletes a segment's entries below the cutoff, in chunks. */
  private async sweepEntries(seg: LogSegment, cutoff: number): Promise<number> {
    let deleted = 0;
    seg.pins++;
    try {
      if (seg.cataloged) {
        await this.catalog.forget(seg.id);
        seg.cataloged = false;
      }
      const db = seg.db();
      for (;;) {
        const keys = Array.from(db.getKeys({ end: [cutoff] as unknown as LogKey, limit: SWEEP_CHUNK }));
        if (keys.length === 0) break;
        await db.transaction(() => { for (const k of keys) db.remove(k); });
        seg.count -= keys.length;
        this.total -= keys.length;
        deleted += keys.length;
        if (keys.length < SWEEP_CHUNK) break;
      }
      // What remains is at or above the cutoff (a conservative min: it only has to bound the keys).
      if (seg.count === 0) seg.setStats({ count: 0, minTime: Infinity, maxTime: -Infinity });
      else seg.minTime = Math.max(seg.minTime, cutoff);
    } finally {
      seg.pins--;
      // Even after a failure: a segment that is not written is closed (unmapped) again.
      if (seg !== this.writer) await this.settle(seg);
    }
    return deleted;
  }
}
