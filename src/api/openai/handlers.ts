/**
 * OpenAI-dialect endpoints: parse and validate the body, then run the dialect-independent pipeline with
 * an OpenAI sink. Nothing reaches an upstream until validation passed and the model resolved.
 */
import { newCall, streamed, target, unary, type GatewayState } from '../../core/pipeline.js';
import type { ChatChunk, ChatResponse, CompletionResponse, EmbeddingsResponse } from '../../core/types.js';
import type { CompletionChunk } from '../../providers/index.js';
import type { HttpContext } from '../../http/index.js';
import { parseJsonObject } from './check.js';
import { openaiSink } from './sink.js';
import { validateChat, validateCompletion, validateEmbeddings } from './validate.js';

const dropParams = (gw: GatewayState, req: Record<string, unknown>) => (typeof req.drop_params === 'boolean' ? req.drop_params : gw.dropParams === true);

export async function chatCompletions(gw: GatewayState, ctx: HttpContext, body: Buffer | undefined, upstreamHeaders?: Record<string, string>): Promise<void> {
  const req = validateChat(parseJsonObject(body));
  const t = target(gw, ctx, req.model);
  const call = newCall(ctx, upstreamHeaders, dropParams(gw, req));
  if (req.stream) {
    await streamed(ctx, openaiSink<never, ChatChunk>(ctx), call, () => t.provider.chatStream(req, t.model, call), req.stream_options?.include_usage === true);
  } else {
    await unary(ctx, openaiSink<ChatResponse, never>(ctx), call, () => t.provider.chat(req, t.model, call));
  }
}

export async function completions(gw: GatewayState, ctx: HttpContext, body: Buffer | undefined, upstreamHeaders?: Record<string, string>): Promise<void> {
  const req = validateCompletion(parseJsonObject(body));
  const t = target(gw, ctx, req.model);
  const call = newCall(ctx, upstreamHeaders, dropParams(gw, req));
  if (req.stream) {
    await streamed(ctx, openaiSink<never, CompletionChunk>(ctx), call, () => t.provider.completionsStream(req, t.model, call), req.stream_options?.include_usage === true);
  } else {
    await unary(ctx, openaiSink<CompletionResponse, never>(ctx), call, () => t.provider.completions(req, t.model, call));
  }
}

export async function embeddings(gw: GatewayState, ctx: HttpContext, body: Buffer | undefined, upstreamHeaders?: Record<string, string>): Promise<void> {
  const req = validateEmbeddings(parseJsonObject(body));
  const t = target(gw, ctx, req.model);
  const call = newCall(ctx, upstreamHeaders, dropParams(gw, req));
  await unary(ctx, openaiSink<EmbeddingsResponse, never>(ctx), call, () => t.provider.embeddings(req, t.model, call));
}
