/**
 * Filters of GET /api/logs, parsed from a query string and applied to entries. Shared by the store (on
 * the main thread) and the cluster merge (in a worker), so both agree on what matches.
 */
import { decodeCursor, type LogKey, type RequestLogEntry } from './request-log-entry.js';

export interface LogFilter {
  /** Inclusive bounds on the arrival time, epoch ms. */
  from?: number;
  to?: number;
  key?: string;
  team?: string;
  provider?: string;
  model?: string;
  status?: number;
  min_latency_ms?: number;
}

export interface LogQuery extends LogFilter {
  /** Page size (1..1000, default 100). */
  limit?: number;
  /** Continue after this entry (newest first). */
  cursor?: string;
}

export const MAX_PAGE = 1000;
export const DEFAULT_PAGE = 100;

export class LogQueryError extends Error {}

/** Accepts epoch milliseconds or an ISO-8601 date. */
function parseTime(name: string, v: string): number {
  const n = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(n)) throw new LogQueryError(`${name}: expected epoch milliseconds or an ISO-8601 time, got "${v}"`);
  return n;
}

function parseInt10(name: string, v: string, min: number, max: number): number {
  if (!/^\d+$/.test(v)) throw new LogQueryError(`${name}: expected an integer, got "${v}"`);
  const n = Number(v);
  if (n < min || n > max) throw new LogQueryError(`${name}: must be between ${min} and ${max}`);
  return n;
}

/** Parses the query string of GET /api/logs; unknown parameters are rejected, not ignored. */
export function parseLogQuery(query: string): LogQuery & { cluster: boolean } {
  const p = new URLSearchParams(query);
  const q: LogQuery & { cluster: boolean } = { cluster: false };
  for (const [k, v] of p) {
    switch (k) {
      case 'from': q.from = parseTime(k, v); break;
      case 'to': q.to = parseTime(k, v); break;
      case 'key': case 'team': case 'provider': case 'model': q[k] = v; break;
      case 'status': q.status = parseInt10(k, v, 100, 599); break;
      case 'min_latency_ms': q.min_latency_ms = parseInt10(k, v, 0, Number.MAX_SAFE_INTEGER); break;
      case 'limit': q.limit = parseInt10(k, v, 1, MAX_PAGE); break;
      case 'cursor':
        if (!decodeCursor(v)) throw new LogQueryError('cursor: not a cursor returned by this API');
        q.cursor = v;
        break;
      case 'cluster': q.cluster = v === '1' || v === 'true'; break;
      default: throw new LogQueryError(`unknown parameter "${k}"`);
    }
  }
  return q;
}

/** The query string that asks a peer for the same page (without cluster=1, so it does not fan out again). */
export function toQueryString(q: LogQuery): string {
  const p = new URLSearchParams();
  for (const k of ['from', 'to', 'key', 'team', 'provider', 'model', 'status', 'min_latency_ms', 'limit', 'cursor'] as const) {
    const v = q[k];
    if (v !== undefined) p.set(k, String(v));
  }
  return p.toString();
}

export function matches(e: RequestLogEntry, f: LogFilter): boolean {
  return (f.from === undefined || e.time >= f.from)
    && (f.to === undefined || e.time <= f.to)
    && (f.key === undefined || e.key_id === f.key)
    && (f.team === undefined || e.team_id === f.team)
    && (f.provider === undefined || e.provider === f.provider)
    && (f.model === undefined || e.model === f.model)
    && (f.status === undefined || e.status === f.status)
    && (f.min_latency_ms === undefined || e.latency_ms >= f.min_latency_ms);
}

export function cursorKey(q: LogQuery): LogKey | undefined {
  return q.cursor ? decodeCursor(q.cursor) : undefined;
}
