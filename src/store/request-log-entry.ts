/**
 * One request's metadata as the request log keeps it. Field names are snake_case because this is what
 * GET /api/logs returns. key_id/team_id/cost are null for anonymous requests (and cost when no price is known).
 */
export interface RequestLogEntry {
  /** Request arrival, epoch milliseconds. */
  time: number;
  request_id: string;
  /** The node that served it (stamped by the node's main thread). */
  node_id: string;
  /** Per-node sequence number: with time, node_id and request_id it makes the entry's unique key. */
  seq: number;
  route: string;
  key_id: string | null;
  team_id: string | null;
  provider: string | null;
  model: string | null;
  deployment: string | null;
  stream: boolean;
  status: number;
  latency_ms: number;
  ttft_ms: number | null;
  upstream_ms: number | null;
  overhead_us: number | null;
  tokens_in: number | null;
  tokens_out: number | null;
  cost: number | null;
  retries: number;
  fallback_index: number;
  error_type: string | null;
  error_code: string | null;
  /** Only when request-log bodies are enabled (off by default). */
  request_body?: string;
}

/** What a worker sends: everything but what the main thread stamps. */
export type WorkerLogEntry = Omit<RequestLogEntry, 'node_id' | 'seq'>;

/** lmdb key: orders entries by time, then node, request id and sequence (unique across the cluster). */
export type LogKey = [number, string, string, number];

export const entryKey = (e: RequestLogEntry): LogKey => [e.time, e.node_id, e.request_id, e.seq];

/** Same order as lmdb's ordering of the keys above (numbers numerically, strings by code unit). */
export function compareKeys(a: LogKey, b: LogKey): number {
  for (let i = 0; i < 4; i++) {
    const x = a[i], y = b[i];
    if (x < y) return -1;
    if (x > y) return 1;
  }
  return 0;
}

/** Opaque cursor: the key of the last entry returned. */
export function encodeCursor(k: LogKey): string {
  return Buffer.from(JSON.stringify(k)).toString('base64url');
}

export function decodeCursor(s: string): LogKey | undefined {
  try {
    const k = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(k) && k.length === 4 && typeof k[0] === 'number' && typeof k[1] === 'string' && typeof k[2] === 'string' && typeof k[3] === 'number') return k as LogKey;
  } catch { /* not a cursor */ }
  return undefined;
}
