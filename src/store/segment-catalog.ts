/**
 * The stats of settled segments (count, min and max time), so that a restart does not have to open every
 * segment (~1 ms each; a week of logs at 1000 req/s is ~18k segments). A small lmdb environment of its own
 * whose pages are reused, so its map stays small.
 *
 * Invariant: an entry is only present while it is exact. A segment that is about to change (a sweep deleting
 * entries from it) is removed first, and durably, so that a crash in between leaves it uncataloged, and it
 * is measured again on the next start. The writer is never cataloged.
 */
import { open, type RootDatabase } from 'lmdb';
import { descriptorHeadroom, DescriptorsExhaustedError } from './descriptor-headroom.js';
import type { SegmentStats } from './log-segment.js';

export class SegmentCatalog {
  private readonly root: RootDatabase<SegmentStats, number>;

  constructor(path: string) {
    if (!descriptorHeadroom.allowsOpen()) throw new DescriptorsExhaustedError('the request-log segment catalog');
    this.root = open<SegmentStats, number>({ path });
  }

  get(id: number): SegmentStats | undefined {
    return this.root.get(id);
  }

  ids(): number[] {
    return Array.from(this.root.getKeys());
  }

  /** Synchronous batch update, for start-up. */
  updateSync(put: ReadonlyMap<number, SegmentStats>, remove: readonly number[]): void {
    if (put.size === 0 && remove.length === 0) return;
    this.root.transactionSync(() => {
      for (const [id, s] of put) this.root.putSync(id, s);
      for (const id of remove) this.root.removeSync(id);
    });
  }

  async put(id: number, s: SegmentStats): Promise<void> {
    await this.root.put(id, s);
  }

  async removeAll(ids: readonly number[]): Promise<void> {
    if (ids.length === 0) return;
    await this.root.transaction(() => { for (const id of ids) this.root.remove(id); });
  }

  /** Removes the entry and waits until that is on disk. */
  async forget(id: number): Promise<void> {
    await this.root.remove(id);
    await this.root.flushed;
  }

  close(): Promise<void> {
    return this.root.close();
  }
}
