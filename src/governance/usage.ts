/**
 * Usage analytics from G-counters: every finished request adds its spend, tokens and a request count under
 * `use/<hour>/<dimension>/<value>/<metric>` for each dimension (key, team, customer, model, provider), so
 * any node answers "spend by team per day" for the whole cluster from its merged counters.
 */
import { BoundedMemo } from './bounded-memo.js';
import type { UsageEvent } from './snapshot.js';

const HOUR_MS = 3600_000;
const KEEP_MS = 400 * 24 * HOUR_MS;
export const DIMENSIONS = ['key', 'team', 'customer', 'model', 'provider'] as const;
export type Dimension = (typeof DIMENSIONS)[number];
const METRICS = ['spend_usd', 'input_tokens', 'output_tokens', 'requests'] as const;

const enc = (s: string) => encodeURIComponent(s);

/** The four counter keys of one dimension value in its latest hour, per dimension, then value. */
const memo = new Map<Dimension, BoundedMemo<{ hour: number; keys: string[] }>>(DIMENSIONS.map((d) => [d, new BoundedMemo()]));

/** The counter keys of `value` in `hour`: built once per hour, not for every request (20 strings each). */
function keysOf(hour: number, dim: Dimension, value: string): string[] {
  const byValue = memo.get(dim)!;
  const hit = byValue.get(value);
  if (hit && hit.hour === hour) return hit.keys;
  const prefix = `use/${hour}/${dim}/${enc(value)}/`;
  return byValue.set(value, { hour, keys: METRICS.map((m) => prefix + m) }).keys;
}

type AddCounter = (key: string, amount: number, expiresAt: number) => void;

function addDimension(e: UsageEvent, hour: number, add: AddCounter, dim: Dimension, value: string | undefined): void {
  if (!value) return;
  const k = keysOf(hour, dim, value);
  const exp = e.at + KEEP_MS;
  add(k[0], e.costUsd, exp);
  add(k[1], e.inputTokens, exp);
  add(k[2], e.outputTokens, exp);
  add(k[3], 1, exp);
}

/** Calls `add(counter key, amount, expiresAt)` for each counter one event adds to (the caller skips zero amounts). */
export function addUsageCounters(e: UsageEvent, add: AddCounter): void {
  const hour = Math.floor(e.at / HOUR_MS);
  addDimension(e, hour, add, 'key', e.keyId);
  addDimension(e, hour, add, 'team', e.teamId);
  addDimension(e, hour, add, 'customer', e.customerId);
  addDimension(e, hour, add, 'model', `${e.provider}/${e.model}`);
  addDimension(e, hour, add, 'provider', e.provider);
}

export interface UsageQuery {
  groupBy: Dimension;
  granularity: 'hour' | 'day';
  from?: number;
  to?: number;
  /** Only this value of the dimension. */
  value?: string;
}

export interface UsageRow { period: string; [dimension: string]: string | number }

export function queryUsage(counters: Map<string, number>, q: UsageQuery): UsageRow[] {
  const from = q.from ?? 0;
  const to = q.to ?? Number.MAX_SAFE_INTEGER;
  const rows = new Map<string, UsageRow>();
  for (const [key, v] of counters) {
    const parts = key.split('/');
    if (parts.length !== 5 || parts[2] !== q.groupBy) continue;
    const hourStart = Number(parts[1]) * HOUR_MS;
    if (hourStart + HOUR_MS <= from || hourStart >= to) continue;
    const value = decodeURIComponent(parts[3]);
    if (q.value !== undefined && value !== q.value) continue;
    const periodStart = q.granularity === 'day' ? Math.floor(hourStart / (24 * HOUR_MS)) * 24 * HOUR_MS : hourStart;
    const period = new Date(periodStart).toISOString();
    const id = `${period}|${value}`;
    let row = rows.get(id);
    if (!row) {
      row = { period, [q.groupBy]: value, spend_usd: 0, input_tokens: 0, output_tokens: 0, requests: 0 };
      rows.set(id, row);
    }
    row[parts[4]] = (row[parts[4]] as number) + v;
  }
  return [...rows.values()].sort((a, b) => (a.period < b.period ? -1 : a.period > b.period ? 1 : String(a[q.groupBy]).localeCompare(String(b[q.groupBy]))));
}
