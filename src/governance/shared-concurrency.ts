/**
 * Node-wide concurrency limits shared by every worker thread through one SharedArrayBuffer. Each worker
 * counts its own in-flight requests per scope in its own row; a request is admitted by incrementing the
 * own row first and then summing all rows, and backs out if the sum went over the limit. With sequentially
 * consistent Atomics two workers racing for the last slot can both back out, but never both get in. A
 * restarted worker's row is zeroed by the main thread, so a crash cannot leak slots.
 *
 * Each row ends with one more counter: the worker's requests in flight, which load shedding sums over the
 * node (see NodeInFlight).
 */
import type { RateScope } from './rate-limit.js';

export const CONCURRENCY_SLOTS = 4096;
/** Per worker: the scope slots, then the in-flight count (slotOf never reaches it). */
const ROW = CONCURRENCY_SLOTS + 1;
const IN_FLIGHT = CONCURRENCY_SLOTS;

/** Maps a scope ("key:<id>", "team:<id>") to a slot; collisions only make limits stricter, never looser. */
export function slotOf(level: string, id: string): number {
  let h = 2166136261;
  const s = `${level}:${id}`;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return (h >>> 0) % CONCURRENCY_SLOTS;
}

export function createConcurrencyBuffer(workers: number): SharedArrayBuffer {
  return new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT * ROW * workers);
}

/** Zeroes a worker's row (the main thread does this before a worker starts or restarts). */
export function resetWorkerRow(buf: SharedArrayBuffer, worker: number): void {
  new Int32Array(buf, worker * ROW * Int32Array.BYTES_PER_ELEMENT, ROW).fill(0);
}

export class SharedConcurrency {
  private readonly all: Int32Array;
  private readonly rows: number;

  constructor(buf: SharedArrayBuffer, private readonly worker: number) {
    this.all = new Int32Array(buf);
    this.rows = this.all.length / ROW;
  }

  /** Takes one slot in every limited scope, or none. Returns a release function, or null when full. */
  tryAcquire(scopes: readonly RateScope[]): (() => void) | null {
    const mine: number[] = [];
    const own = this.worker * ROW;
    for (const s of scopes) {
      const max = s.limits.maxConcurrent;
      if (max === undefined) continue;
      const slot = slotOf(s.level, s.id);
      Atomics.add(this.all, own + slot, 1);
      mine.push(slot);
      if (sumOverRows(this.all, this.rows, slot) > max) {
        for (const m of mine) Atomics.sub(this.all, own + m, 1);
        return null;
      }
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const m of mine) Atomics.sub(this.all, own + m, 1);
    };
  }
}

function sumOverRows(all: Int32Array, rows: number, slot: number): number {
  let n = 0;
  for (let r = 0; r < rows; r++) n += Atomics.load(all, r * ROW + slot);
  return n;
}

/**
 * The node's requests in flight, each worker counting its own. Load shedding compares the node's total with
 * the node's cap: the open-files budget it protects belongs to the process, and the kernel spreads
 * connections over the workers only roughly evenly, so one busy worker must not shed while another has room.
 */
export class NodeInFlight {
  private readonly all: Int32Array;
  private readonly rows: number;
  private readonly own: number;

  constructor(buf: SharedArrayBuffer, worker: number) {
    this.all = new Int32Array(buf);
    this.rows = this.all.length / ROW;
    this.own = worker * ROW + IN_FLIGHT;
  }

  started(): void { Atomics.add(this.all, this.own, 1); }
  ended(): void { Atomics.sub(this.all, this.own, 1); }
  /** This worker's own requests in flight. */
  mine(): number { return Atomics.load(this.all, this.own); }
  total(): number { return sumOverRows(this.all, this.rows, IN_FLIGHT); }
}
