/**
 * Node-wide concurrency limits shared by every worker thread through one SharedArrayBuffer. Each worker
 * counts its own in-flight requests per scope in its own row; a request is admitted by incrementing the
 * own row first and then summing all rows, and backs out if the sum went over the limit. With sequentially
 * consistent Atomics two workers racing for the last slot can both back out, but never both get in. A
 * restarted worker's row is zeroed by the main thread, so a crash cannot leak slots.
 */
import type { RateScope } from './rate-limit.js';

export const CONCURRENCY_SLOTS = 4096;

/** Maps a scope ("key:<id>", "team:<id>") to a slot; collisions only make limits stricter, never looser. */
export function slotOf(level: string, id: string): number {
  let h = 2166136261;
  const s = `${level}:${id}`;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return (h >>> 0) % CONCURRENCY_SLOTS;
}

export function createConcurrencyBuffer(workers: number): SharedArrayBuffer {
  return new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT * CONCURRENCY_SLOTS * workers);
}

/** Zeroes a worker's row (the main thread does this before a worker starts or restarts). */
export function resetWorkerRow(buf: SharedArrayBuffer, worker: number): void {
  new Int32Array(buf, worker * CONCURRENCY_SLOTS * Int32Array.BYTES_PER_ELEMENT, CONCURRENCY_SLOTS).fill(0);
}

export class SharedConcurrency {
  private readonly all: Int32Array;
  private readonly rows: number;

  constructor(buf: SharedArrayBuffer, private readonly worker: number) {
    this.all = new Int32Array(buf);
    this.rows = this.all.length / CONCURRENCY_SLOTS;
  }

  private sum(slot: number): number {
    let n = 0;
    for (let r = 0; r < this.rows; r++) n += Atomics.load(this.all, r * CONCURRENCY_SLOTS + slot);
    return n;
  }

  /** Takes one slot in every limited scope, or none. Returns a release function, or null when full. */
  tryAcquire(scopes: readonly RateScope[]): (() => void) | null {
    const mine: number[] = [];
    const own = this.worker * CONCURRENCY_SLOTS;
    for (const s of scopes) {
      const max = s.limits.maxConcurrent;
      if (max === undefined) continue;
      const slot = slotOf(s.level, s.id);
      Atomics.add(this.all, own + slot, 1);
      mine.push(slot);
      if (this.sum(slot) > max) {
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
