/** Fault rules: which requests they hit, and how many times before they are used up. */

export interface FaultRule {
  /** Which requests the rule applies to (all if omitted). Header names are matched case-insensitively, values exactly. */
  match?: { model?: string; header?: [string, string] };
  /** How many matching requests it applies to (default: unlimited). */
  times?: number;
  /** Respond with this HTTP status and an OpenAI-shaped error body. */
  status?: number;
  /** Retry-After header value (sent with `status`). */
  retryAfter?: string;
  /** Replaces the default error body sent with `status`. */
  errorBody?: unknown;
  /** Accept the request and never respond (until the client goes away or the mock closes). */
  hang?: boolean;
  /** Wait this long before sending the response headers (slow first byte). */
  delayMs?: number;
  /** Streaming only: destroy the socket after this many SSE events were written. */
  cutAfterChunks?: number;
  /** Destroy the socket at once (the client sees a connection reset). */
  reset?: boolean;
  /** Streaming: pause between SSE events. */
  chunkIntervalMs?: number;
}

export interface FaultTarget { model: unknown; headers: Record<string, string> }

/** Holds the active rules; `take` returns the first rule that matches and still has uses, consuming one. */
export class FaultBook {
  private rules: Array<{ rule: FaultRule; left: number }> = [];

  set(rules: FaultRule[]): void {
    this.rules = rules.map((rule) => ({ rule, left: rule.times ?? Number.POSITIVE_INFINITY }));
  }

  clear(): void { this.rules = []; }

  take(target: FaultTarget): FaultRule | undefined {
    for (const entry of this.rules) {
      if (entry.left <= 0 || !matches(entry.rule, target)) continue;
      entry.left--;
      return entry.rule;
    }
    return undefined;
  }
}

function matches(rule: FaultRule, target: FaultTarget): boolean {
  const m = rule.match;
  if (!m) return true;
  if (m.model !== undefined && m.model !== target.model) return false;
  if (m.header !== undefined && target.headers[m.header[0].toLowerCase()] !== m.header[1]) return false;
  return true;
}

/** Checks a JSON value received on the control endpoint; returns an error message or undefined. */
export function validateFaultRules(value: unknown): string | undefined {
  if (!Array.isArray(value)) return 'expected a JSON array of fault rules';
  for (const [i, r] of value.entries()) {
    if (typeof r !== 'object' || r === null || Array.isArray(r)) return `rule ${i} is not an object`;
    for (const k of ['times', 'status', 'delayMs', 'cutAfterChunks', 'chunkIntervalMs'] as const) {
      if ((r as any)[k] !== undefined && (typeof (r as any)[k] !== 'number' || (r as any)[k] < 0)) return `rule ${i}: ${k} must be a non-negative number`;
    }
  }
  return undefined;
}
