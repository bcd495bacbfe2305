/**
 * POST /cohere/v2/chat: a Cohere v2 chat request, streamed or not, served by whatever provider the model
 * names ("provider/model" or an alias, as on /v1). Nothing reaches an upstream until the body validated.
 */
import { route, streamed, unary, type GatewayState } from '../../core/pipeline.js';
import type { HttpContext, RequestHeaders } from '../../http/index.js';
import type { ExecuteOptions } from '../../router/index.js';
import { parseBody } from './check.js';
import { cohereSink } from './sink.js';
import { toCanonical } from './to-canonical.js';

const ms = (v: string) => (v && /^\d+$/.test(v) && Number(v) > 0 ? Number(v) : undefined);

export async function cohereChat(gw: GatewayState, ctx: HttpContext, body: Buffer | undefined, h: RequestHeaders): Promise<void> {
  const req = toCanonical(parseBody(body));
  const opts: ExecuteOptions = {
    model: req.model,
    dropParams: gw.dropParams === true,
    timeouts: { totalMs: ms(h.timeoutMs), firstByteMs: ms(h.firstByteTimeoutMs), streamIdleMs: ms(h.streamIdleTimeoutMs) },
  };
  const sink = cohereSink(ctx);
  if (req.stream) {
    // Usage is always wanted: Cohere reports it in message-end.
    await route(gw, ctx, opts, (p, model, call) => streamed(ctx, sink, call, () => p.chatStream(req, model, call), true));
  } else {
    await route(gw, ctx, opts, (p, model, call) => unary(ctx, sink, call, () => p.chat(req, model, call)));
  }
}
