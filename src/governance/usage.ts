/**
 * Usage analytics from G-counters: every finished request adds its spend, tokens and a request count under
 * `use/<hour>/<dimension>/<value>/<metric>` for each dimension (key, team, customer, model, provider), so
 * any node answers "spend by team per day" for the whole cluster from its merged counters.
 */
import type { UsageEvent } from './snapshot.js';

const HOUR_MS = 3600_000;
const KEEP_MS = 400 * 24 * HOUR_MS;
export const DIMENSIONS = ['key', 'team', 'customer', 'model', 'provider'] as const;
export type Dimension = (typeof DIMENSIONS)[number];
const METRICS = ['spend_usd', 'input_tokens', 'output_tokens', 'requests'] as const;

const enc = (s: string) => encodeURIComponent(s);

/** [counter key, amount, expiresAt] for one event. */
export function usageCounterKeys(e: UsageEvent): Array<[string, number, number]> {
  const hour = Math.floor(e.at / HOUR_MS);
  const dims: Array<[Dimension, string | undefined]> = [
    ['key', e.keyId], ['team', e.teamId], ['customer', e.customerId], ['model', `${e.provider}/${e.model}`], ['provider', e.provider],
  ];
  const values = [e.costUsd, e.inputTokens, e.outputTokens, 1];
  const out: Array<[string, number, number]> = [];
  for (const [dim, value] of dims) {
    if (!value) continue;
    METRICS.forEach((m, i) => out.push([`use/${hour}/${dim}/${enc(value)}/${m}`, values[i], e.at + KEEP_MS]));
  }
  return out;
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
