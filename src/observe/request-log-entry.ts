/** Turns a finished request into its request-log entry (worker side; the main thread stamps node and sequence). */
import type { RequestState } from '../core/request-state.js';
import type { WorkerLogEntry } from '../store/index.js';

const round2 = (v: number) => Math.round(v * 100) / 100;

export function toLogEntry(st: RequestState, endedAt: number, requestBody?: string): WorkerLogEntry {
  const u = st.usage;
  const e: WorkerLogEntry = {
    time: Math.round(performance.timeOrigin + st.start),
    request_id: st.requestId,
    route: st.route,
    key_id: st.principal?.keyId ?? null,
    team_id: st.principal?.teamId ?? null,
    provider: st.provider ?? null,
    model: st.model ?? null,
    deployment: st.deployment ?? null,
    stream: st.stream,
    status: st.status,
    latency_ms: round2(endedAt - st.start),
    ttft_ms: st.ttftMs !== undefined ? round2(st.ttftMs) : null,
    upstream_ms: st.upstreamMs ? round2(st.upstreamMs) : null,
    overhead_us: st.reportedOverheadUs ?? st.overheadUs(endedAt),
    tokens_in: u?.prompt_tokens ?? null,
    tokens_out: u?.completion_tokens ?? null,
    // Known only at settlement, which comes right after the response ended: see settleLogEntry.
    cost: st.costUsd ?? null,
    retries: st.retries ?? 0,
    fallback_index: st.fallbackIndex ?? 0,
    error_type: st.error?.type ?? null,
    error_code: st.error?.code ?? null,
  };
  if (requestBody !== undefined) e.request_body = requestBody;
  return e;
}

/** Probes, scrapes, admin calls and test hooks are not traffic: they stay out of the request log. */
const UNLOGGED_ROUTES = new Set(['health', 'metrics', 'admin', 'test']);

export function shouldLog(route: string): boolean {
  return !UNLOGGED_ROUTES.has(route);
}

/** Governance settles a request just after its response ended: the queued entry gets its cost then. */
export function settleLogEntry(e: WorkerLogEntry | undefined, st: RequestState): void {
  if (e && st.costUsd !== undefined) e.cost = st.costUsd;
}
