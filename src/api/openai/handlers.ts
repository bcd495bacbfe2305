/**
 * OpenAI-dialect endpoints: parse and validate the body, then run the dialect-independent pipeline with
 * an OpenAI sink. Nothing reaches an upstream until validation passed and the model resolved.
 */
import { route, streamed, unary, type GatewayState } from '../../core/pipeline.js';
import type { ChatChunk, ChatResponse, CompletionResponse, EmbeddingsResponse } from '../../core/types.js';
import type { CompletionChunk } from '../../providers/index.js';
import type { HttpContext, RequestHeaders } from '../../http/index.js';
import type { ExecuteOptions } from '../../router/index.js';
import { parseJsonObject, type Obj } from './check.js';
import { openaiSink } from './sink.js';
import { validateChat, validateCompletion, validateEmbeddings } from './validate.js';

const ms = (v: string) => (v && /^\d+$/.test(v) && Number(v) > 0 ? Number(v) : undefined);

/** Routing options from the body (model, fallbacks, drop_params) and the x-switchyard-* timeout headers. */
export function routeOptions(gw: GatewayState, body: Obj, h: RequestHeaders): ExecuteOptions {
  return {
    model: body.model as string,
    request: body,
    fallbacks: Array.isArray(body.fallbacks) ? (body.fallbacks as string[]) : undefined,
    dropParams: typeof body.drop_params === 'boolean' ? body.drop_params : gw.dropParams === true,
    timeouts: { totalMs: ms(h.timeoutMs), firstByteMs: ms(h.firstByteTimeoutMs), streamIdleMs: ms(h.streamIdleTimeoutMs) },
  };
}

export async function chatCompletions(gw: GatewayState, ctx: HttpContext, body: Buffer | undefined, h: RequestHeaders): Promise<void> {
  const req = validateChat(parseJsonObject(body));
  const opts = routeOptions(gw, req, h);
  if (req.stream) {
    const sink = openaiSink<never, ChatChunk>(ctx);
    const wantsUsage = req.stream_options?.include_usage === true;
    await route(gw, ctx, opts, (p, model, call) => streamed(ctx, sink, call, () => p.chatStream(req, model, call), wantsUsage));
  } else {
    const sink = openaiSink<ChatResponse, never>(ctx);
    await route(gw, ctx, opts, (p, model, call) => unary(ctx, sink, call, () => p.chat(req, model, call)));
  }
}

export async function completions(gw: GatewayState, ctx: HttpContext, body: Buffer | undefined, h: RequestHeaders): Promise<void> {
  const req = validateCompletion(parseJsonObject(body));
  const opts = routeOptions(gw, req, h);
  if (req.stream) {
    const sink = openaiSink<never, CompletionChunk>(ctx);
    const wantsUsage = req.stream_options?.include_usage === true;
    await route(gw, ctx, opts, (p, model, call) => streamed(ctx, sink, call, () => p.completionsStream(req, model, call), wantsUsage));
  } else {
    const sink = openaiSink<CompletionResponse, never>(ctx);
    await route(gw, ctx, opts, (p, model, call) => unary(ctx, sink, call, () => p.completions(req, model, call)));
  }
}

export async function embeddings(gw: GatewayState, ctx: HttpContext, body: Buffer | undefined, h: RequestHeaders): Promise<void> {
  const req = validateEmbeddings(parseJsonObject(body));
  const sink = openaiSink<EmbeddingsResponse, never>(ctx);
  await route(gw, ctx, routeOptions(gw, req, h), (p, model, call) => unary(ctx, sink, call, () => p.embeddings(req, model, call)));
}
