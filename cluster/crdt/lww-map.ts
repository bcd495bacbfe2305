/**
 * Last-writer-wins map keyed by id, ordered by hybrid logical clock timestamps.
 * A null value is a tombstone: it is kept (and replicated) so that a delete wins over older writes.
 * Equal timestamps can only come from the same write, but to keep merge a true semilattice even for
 * forged or corrupted input we break such ties by the serialised value.
 */
import { compareHlc, type Hlc } from './hlc.js';

export interface LwwEntry {
  value: unknown | null;
  ts: Hlc;
}

/** [id, value, wall, logical, node] — the wire/persistence form of one entry. */
export type LwwRecord = [id: string, value: unknown | null, wall: number, logical: number, node: string];

export function toRecord(id: string, entry: LwwEntry): LwwRecord {
  return [id, entry.value, entry.ts.wall, entry.ts.logical, entry.ts.node];
}

export function fromRecord(record: LwwRecord): [string, LwwEntry] {
  const [id, value, wall, logical, node] = record;
  return [id, { value, ts: { wall, logical, node } }];
}

/** Positive when `a` should win over `b`. */
export function compareEntries(a: LwwEntry, b: LwwEntry): number {
  const byClock = compareHlc(a.ts, b.ts);
  if (byClock !== 0) return byClock;
  const av = stableString(a.value);
  const bv = stableString(b.value);
  return av === bv ? 0 : av > bv ? 1 : -1;
}

function stableString(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return v;
  }) ?? 'undefined';
}

export class LwwMap {
  private readonly entries = new Map<string, LwwEntry>();

  /** Merges an entry; returns true if it won (state changed). */
  merge(id: string, entry: LwwEntry): boolean {
    const current = this.entries.get(id);
    if (current && compareEntries(entry, current) <= 0) return false;
    this.entries.set(id, entry);
    return true;
  }

  /** The live value, undefined if absent or deleted. */
  get(id: string): unknown | undefined {
    const entry = this.entries.get(id);
    return entry === undefined || entry.value === null ? undefined : entry.value;
  }

  entry(id: string): LwwEntry | undefined {
    return this.entries.get(id);
  }

  /** Live (non-tombstone) entries, sorted by id. */
  live(prefix = ''): Array<[string, unknown]> {
    const out: Array<[string, unknown]> = [];
    for (const id of [...this.entries.keys()].sort()) {
      if (!id.startsWith(prefix)) continue;
      const value = this.entries.get(id)!.value;
      if (value !== null) out.push([id, value]);
    }
    return out;
  }

  /** Every entry including tombstones, sorted by id (for digests and snapshots). */
  records(): LwwRecord[] {
    return [...this.entries.keys()].sort().map((id) => toRecord(id, this.entries.get(id)!));
  }

  get size(): number {
    return this.entries.size;
  }
}
