/**
 * Newest-first reading across segments: a lazy k-way merge of reverse range iterators. Entries are keyed by
 * arrival time but written at completion, so segments overlap in time (a long request that arrived early is
 * written into a later segment). A segment's iterator is only started once its max time could hold the next
 * entry, so a page of recent entries opens only the recent segments.
 */
import { compareKeys, type LogKey, type RequestLogEntry } from './request-log-entry.js';
import type { LogDb, LogSegment } from './log-segment.js';

/** A reverse range as lmdb takes it: `start` is the upper bound (inclusive), `end` the lower (exclusive). */
export interface ReverseRange {
  start: LogKey | [number];
  end: [number];
}

export interface LogRow { key: LogKey; value: RequestLogEntry }

/** Opens a segment for reading and holds it until released (the store's LRU bookkeeping). */
export interface SegmentAccess {
  acquire(seg: LogSegment): LogDb;
  release(seg: LogSegment): void;
}

/** A binary heap; `above(a, b)` is true when a belongs nearer the top. */
class Heap<T> {
  private readonly items: T[];

  constructor(private readonly above: (a: T, b: T) => boolean, items: T[] = []) {
    this.items = items;
    for (let i = (items.length >> 1) - 1; i >= 0; i--) this.down(i);
  }

  get size(): number { return this.items.length; }
  peek(): T { return this.items[0]; }

  push(x: T): void {
    const a = this.items;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.above(a[i], a[p])) break;
      [a[i], a[p]] = [a[p], a[i]];
      i = p;
    }
  }

  pop(): T {
    const a = this.items, top = a[0], last = a.pop()!;
    if (a.length > 0) { a[0] = last; this.down(0); }
    return top;
  }

  /** Restores the order after the top item changed in place. */
  topChanged(): void { this.down(0); }

  drain(): T[] { return this.items.splice(0); }

  private down(i: number): void {
    const a = this.items, n = a.length;
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < n && this.above(a[l], a[m])) m = l;
      if (r < n && this.above(a[r], a[m])) m = r;
      if (m === i) return;
      [a[i], a[m]] = [a[m], a[i]];
      i = m;
    }
  }
}

interface Cursor { seg: LogSegment; it: Iterator<LogRow>; head: LogRow }

/** Every entry of `segments` within `range`, in descending key order. Stop early with `return` / `break`. */
export function* newestFirst(segments: readonly LogSegment[], range: ReverseRange, access: SegmentAccess): Generator<LogRow, void, undefined> {
  const upper = range.start[0], lower = range.end[0];
  // Segments that may hold entries in the range, the latest max time first.
  const waiting = new Heap<LogSegment>((a, b) => a.maxTime > b.maxTime,
    segments.filter((s) => s.count > 0 && s.maxTime >= lower && s.minTime <= upper));
  const active = new Heap<Cursor>((a, b) => compareKeys(a.head.key, b.head.key) > 0);
  try {
    for (;;) {
      // A waiting segment can hold a key above the current head when its max time is at least the head's time.
      while (waiting.size > 0 && (active.size === 0 || waiting.peek().maxTime >= active.peek().head.key[0])) {
        const seg = waiting.pop();
        const it = access.acquire(seg).getRange({ start: range.start as LogKey, end: range.end as unknown as LogKey, reverse: true })[Symbol.iterator]();
        const r = it.next();
        if (r.done) { it.return?.(); access.release(seg); } else active.push({ seg, it, head: r.value });
      }
      if (active.size === 0) return;
      const top = active.peek();
      yield top.head;
      const r = top.it.next();
      if (r.done) { active.pop(); top.it.return?.(); access.release(top.seg); } else { top.head = r.value; active.topChanged(); }
    }
  } finally {
    // Ends the lmdb cursors (and their read transactions) before anyone may close an environment.
    for (const c of active.drain()) { c.it.return?.(); access.release(c.seg); }
  }
}
