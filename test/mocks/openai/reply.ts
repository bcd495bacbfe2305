/** What an endpoint handler decides to send; the server turns it into bytes (and applies faults to it). */

export type Reply =
  | { kind: 'json'; status: number; body: unknown; headers?: Record<string, string> }
  /** Server-sent events: each chunk is sent as `data: <json>\n\n`, then `data: [DONE]\n\n`. */
  | { kind: 'sse'; chunks: unknown[]; headers?: Record<string, string> };

/** Per-request values that must be unique or time-based; everything else a handler returns is a pure function of the body. */
export interface ReplyContext {
  /** 1-based sequence number of this request on this mock (ids are derived from it). */
  seq: number;
  /** Unix seconds. */
  created: number;
}

export const SYSTEM_FINGERPRINT = 'fp_mock';

export function json(status: number, body: unknown, headers?: Record<string, string>): Reply {
  return headers ? { kind: 'json', status, body, headers } : { kind: 'json', status, body };
}

/** Field names of `body` that are not in `known` (sorted, so the header value is deterministic). */
export function unknownFields(body: Record<string, unknown>, known: ReadonlySet<string>): string[] {
  return Object.keys(body).filter((k) => !known.has(k)).sort();
}

/** The `x-mock-extra-fields` header, present only when the request carried undocumented fields. */
export function extraFieldsHeader(body: Record<string, unknown>, known: ReadonlySet<string>): Record<string, string> {
  const extra = unknownFields(body, known);
  return extra.length ? { 'x-mock-extra-fields': extra.join(',') } : {};
}

/** Round-robin merge of per-choice chunk lists, the way OpenAI interleaves choices when n > 1. */
export function interleave<T>(lists: T[][]): T[] {
  const out: T[] = [];
  const longest = Math.max(0, ...lists.map((l) => l.length));
  for (let i = 0; i < longest; i++) for (const l of lists) if (i < l.length) out.push(l[i]!);
  return out;
}
