/**
 * Anthropic-dialect endpoints: validate, resolve the model exactly as on /v1 ("provider/model" or an
 * alias) through the router (deployments, retries, fallbacks), convert to canonical per attempt (the
 * conversion depends on whether that attempt's provider is an Anthropic upstream), and answer through an
 * Anthropic sink. Nothing reaches an upstream until validation passed and the model resolved.
 */
import { route, streamed, target, unary, type GatewayState } from '../../core/pipeline.js';
import type { ChatRequest } from '../../core/types.js';
import { sendBody, type HttpContext, type RequestHeaders } from '../../http/index.js';
import type { CallContext, Provider } from '../../providers/index.js';
import type { ExecuteOptions } from '../../router/index.js';
import { estimateTokens, exactCounter } from './count-tokens.js';
import { anthropicSink } from './sink.js';
import { toCanonical } from './to-canonical.js';
import { parseBody, validateMessagesRequest, type Obj } from './validate.js';

const ms = (v: string) => (v && /^\d+$/.test(v) && Number(v) > 0 ? Number(v) : undefined);

const isAnthropic = (p: Provider) => p.kind.adapter === 'anthropic';

/** The client's anthropic-version / anthropic-beta, forwarded only to Anthropic upstreams. */
function versionHeaders(h: RequestHeaders): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  if (h.anthropicVersion) out['anthropic-version'] = h.anthropicVersion;
  if (h.anthropicBeta) out['anthropic-beta'] = h.anthropicBeta;
  return Object.keys(out).length ? out : undefined;
}

/** Converts the validated body for one attempt's provider and sets that attempt's passthrough headers. */
function forProvider(o: Obj, p: Provider, call: CallContext, headers: Record<string, string> | undefined): ChatRequest {
  const native = isAnthropic(p);
  if (native && headers) call.headers = { ...(call.headers ?? {}), ...headers };
  return toCanonical(o, { native, dropParams: call.dropParams === true, dropped: call.dropped ?? [] });
}

function routeOptions(gw: GatewayState, model: string, h: RequestHeaders): ExecuteOptions {
  return {
    model,
    dropParams: gw.dropParams === true,
    timeouts: { totalMs: ms(h.timeoutMs), firstByteMs: ms(h.firstByteTimeoutMs), streamIdleMs: ms(h.streamIdleTimeoutMs) },
  };
}

export async function createMessage(gw: GatewayState, ctx: HttpContext, body: Buffer | undefined, h: RequestHeaders): Promise<void> {
  const o = validateMessagesRequest(parseBody(body));
  const model = o.model as string;
  const headers = versionHeaders(h);
  const opts = routeOptions(gw, model, h);
  if (o.stream === true) {
    await route(gw, ctx, opts, (p, upstreamModel, call) => {
      const req = forProvider(o, p, call, headers);
      // Usage always reaches the sink: Anthropic streams carry it in message_delta.
      return streamed(ctx, anthropicSink(ctx, model), call, () => p.chatStream(req, upstreamModel, call), true);
    });
  } else {
    await route(gw, ctx, opts, (p, upstreamModel, call) => {
      const req = forProvider(o, p, call, headers);
      return unary(ctx, anthropicSink(ctx, model), call, () => p.chat(req, upstreamModel, call));
    });
  }
}

/**
 * count_tokens: exact from an Anthropic upstream (its /v1/messages/count_tokens), an estimate otherwise
 * (see count-tokens.ts; marked with `x-switchyard-token-count: estimate`).
 */
export async function countTokens(gw: GatewayState, ctx: HttpContext, body: Buffer | undefined, h: RequestHeaders): Promise<void> {
  const o = validateMessagesRequest(parseBody(body), true);
  const t = target(gw, ctx, o.model as string);
  const call: CallContext = { signal: ctx.signal, requestId: ctx.requestId, dropParams: true, dropped: [], upstreamStart: 0, upstreamEnd: 0 };
  const req = forProvider(o, t.provider, call, versionHeaders(h));
  const counter = exactCounter(t.provider);
  if (counter) {
    try {
      const n = await counter.countTokens(req, t.model, call);
      sendBody(ctx, 200, JSON.stringify({ input_tokens: n }));
    } finally {
      ctx.addUpstream(call.upstreamStart, call.upstreamEnd);
    }
    return;
  }
  ctx.setHeader('x-switchyard-token-count', 'estimate');
  sendBody(ctx, 200, JSON.stringify({ input_tokens: estimateTokens(req) }));
}
