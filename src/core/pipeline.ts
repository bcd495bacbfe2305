/**
 * The request pipeline, dialect-independent: resolve the model, call the provider, hand the result to
 * the dialect's sink. Later stages (auth, governance, guardrails, routing with retries and fallbacks,
 * accounting) slot in here as steps around the provider call.
 */
import { performance } from 'node:perf_hooks';
import type { CallContext, ChunkStream, Provider } from '../providers/index.js';
import type { ExecuteOptions, Router, Run } from '../router/index.js';
import { toGatewayError } from './errors.js';
import { giveWay } from './give-way.js';
import type { RequestState } from './request-state.js';
import type { Target } from './resolve.js';
import type { ResponseSink } from './sink.js';
import type { Usage } from './types.js';

/** Governance as the pipeline sees it (implemented by governance/enforcer.ts). */
export interface Governance {
  admit(st: RequestState, body: Record<string, unknown>): GovernanceTicket | undefined;
  settle(t: GovernanceTicket, st: RequestState): void;
  account(st: RequestState): void;
}
export interface GovernanceTicket { allow(d: { providerName: string; model: string }): import('./errors.js').GatewayError | null }

export interface GatewayState {
  governance?: Governance;
  /** One instance per configured provider (model listing). */
  providers: Map<string, Provider>;
  /** Alias names (model listing). */
  aliases: Record<string, unknown>;
  router: Router;
  /** Global default for drop_params (a request may set its own). */
  dropParams?: boolean;
  /** Called once governance has priced a routed request (st.costUsd set): cost metrics. */
  onSettled?: (st: RequestState) => void;
}

/**
 * Observes the gap between two streamed batches sent to the client (inter-token latency). One per worker,
 * set by its metrics at start-up: a module-level hook because every dialect calls `streamed` directly.
 */
let streamGapObserver: ((st: RequestState, gapMs: number) => void) | undefined;
export function observeStreamGaps(fn: ((st: RequestState, gapMs: number) => void) | undefined): void {
  streamGapObserver = fn;
}

type Streamable = { usage?: Usage | null; choices: unknown[] };

/**
 * Runs `run` through the router: deployment choice, retries, key rotation and fallbacks. This is the
 * route -> provider step every ingress dialect uses.
 */
export async function route(gw: GatewayState, st: RequestState, opts: ExecuteOptions, run: Run): Promise<void> {
  // The body was just parsed and validated; routing and the upstream body's serialisation come next.
  if (st.largeBody) await giveWay();
  const gov = gw.governance;
  if (!gov) return gw.router.execute(st, opts, run);
  // Authentication, rate limits and budgets come before anything is sent upstream.
  const ticket = gov.admit(st, opts.request ?? { model: opts.model });
  if (!ticket) {
    try { await gw.router.execute(st, opts, run); } finally { gov.account(st); gw.onSettled?.(st); }
    return;
  }
  try {
    await gw.router.execute(st, opts, run, (d) => ticket.allow(d));
  } finally {
    gov.settle(ticket, st);
    gw.onSettled?.(st);
  }
}

/** Resolves a model to its first deployment without routing (validation, token counting). */
export function target(gw: GatewayState, st: RequestState, model: string): Target {
  const d = gw.router.resolve(model).deployments[0];
  st.provider = d.providerName;
  st.model = d.model;
  return { provider: d.keys[0].provider, model: d.model };
}

/** Non-streaming call: one upstream answer, one response. */
export async function unary<Resp extends { usage?: Partial<Usage> }>(
  st: RequestState, sink: ResponseSink<Resp, never>, call: CallContext, invoke: () => Promise<Resp>,
): Promise<void> {
  let resp: Resp;
  try {
    resp = await invoke();
  } finally {
    // Before the response is written: the overhead header and the request log subtract upstream time.
    st.addUpstream(call.upstreamStart, call.upstreamEnd || performance.now());
  }
  if (resp.usage) st.usage = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, ...resp.usage };
  sink.response(resp);
}

/**
 * Streaming call. Until the first event reaches the client, failures propagate (so the caller can answer
 * with an error status, or later fail over); after it, the stream ends with an explicit error event.
 * Usage is captured for accounting; the usage-only chunk we asked the upstream for is dropped again when
 * the client did not ask for it.
 */
export async function streamed<Chunk extends Streamable>(
  st: RequestState, sink: ResponseSink<never, Chunk>, call: CallContext, open: () => Promise<ChunkStream<Chunk>>, clientWantsUsage: boolean,
): Promise<void> {
  st.stream = true;
  let started = false;
  let first = true;
  let lastSent = 0;
  let stream: ChunkStream<Chunk>;
  try {
    stream = await open();
  } catch (err) {
    st.addUpstream(call.upstreamStart, call.upstreamEnd || performance.now());
    throw err;
  }
  try {
    for await (const batch of stream) {
      if (first) {
        first = false;
        st.addUpstream(call.upstreamStart, call.upstreamEnd || performance.now());
        st.ttftMs = performance.now() - st.start;
      }
      let out = batch;
      for (const chunk of batch) {
        if (chunk.usage) st.usage = chunk.usage;
      }
      if (!clientWantsUsage) out = stripUsage(batch);
      if (out.length === 0) continue;
      started = true;
      if (streamGapObserver) {
        const now = performance.now();
        if (lastSent > 0) streamGapObserver(st, now - lastSent);
        lastSent = now;
      }
      if (!sink.batch(out)) await sink.writable();
      if (st.isCancelled) return;
    }
  } catch (err) {
    if (!started) throw err;
    if (st.isCancelled) return;
    const e = toGatewayError(err);
    st.error = e;
    sink.streamError(e);
    return;
  }
  sink.end();
}

function stripUsage<Chunk extends Streamable>(batch: Chunk[]): Chunk[] {
  let out: Chunk[] | undefined;
  for (let i = 0; i < batch.length; i++) {
    const c = batch[i];
    const usageOnly = c.usage && c.choices.length === 0;
    if (usageOnly) {
      out ??= batch.slice(0, i);
      continue;
    }
    if (c.usage !== undefined) delete c.usage;
    out?.push(c);
  }
  return out ?? batch;
}
