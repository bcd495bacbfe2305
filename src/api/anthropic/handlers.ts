/**
 * Anthropic-dialect endpoints: validate, convert to canonical, resolve the model exactly as on /v1
 * ("provider/model" or an alias), run the pipeline with an Anthropic sink. Nothing reaches an upstream
 * until validation passed and the model resolved.
 */
import { newCall, streamed, target, unary, type GatewayState } from '../../core/pipeline.js';
import type { Target } from '../../core/resolve.js';
import { sendBody, type HttpContext, type RequestHeaders } from '../../http/index.js';
import { estimateTokens, exactCounter } from './count-tokens.js';
import { anthropicSink } from './sink.js';
import { toCanonical } from './to-canonical.js';
import { parseBody, validateMessagesRequest } from './validate.js';

/** The client's anthropic-version / anthropic-beta, forwarded only to Anthropic upstreams. */
function passthroughHeaders(t: Target, h: RequestHeaders): Record<string, string> | undefined {
  if (t.provider.kind.adapter !== 'anthropic') return undefined;
  const out: Record<string, string> = {};
  if (h.anthropicVersion) out['anthropic-version'] = h.anthropicVersion;
  if (h.anthropicBeta) out['anthropic-beta'] = h.anthropicBeta;
  return Object.keys(out).length ? out : undefined;
}

function prepare(gw: GatewayState, ctx: HttpContext, body: Buffer | undefined, headers: RequestHeaders, countOnly: boolean) {
  const o = validateMessagesRequest(parseBody(body), countOnly);
  const model = o.model as string;
  const t = target(gw, ctx, model);
  const call = newCall(ctx, passthroughHeaders(t, headers), gw.dropParams === true);
  const req = toCanonical(o, { native: t.provider.kind.adapter === 'anthropic', dropParams: call.dropParams === true, dropped: call.dropped! });
  return { model, t, call, req };
}

export async function createMessage(gw: GatewayState, ctx: HttpContext, body: Buffer | undefined, headers: RequestHeaders): Promise<void> {
  const { model, t, call, req } = prepare(gw, ctx, body, headers, false);
  const sink = anthropicSink(ctx, model);
  if (req.stream) {
    await streamed(ctx, sink, call, () => t.provider.chatStream(req, t.model, call), true);
  } else {
    await unary(ctx, sink, call, () => t.provider.chat(req, t.model, call));
  }
}

export async function countTokens(gw: GatewayState, ctx: HttpContext, body: Buffer | undefined, headers: RequestHeaders): Promise<void> {
  const { t, call, req } = prepare(gw, ctx, body, headers, true);
  const counter = exactCounter(t.provider);
  if (counter) {
    const n = await counter.countTokens(req, t.model, call);
    sendBody(ctx, 200, JSON.stringify({ input_tokens: n }));
    return;
  }
  ctx.setHeader('x-switchyard-token-count', 'estimate');
  sendBody(ctx, 200, JSON.stringify({ input_tokens: estimateTokens(req) }));
}
