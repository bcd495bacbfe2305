/**
 * Anthropic (Claude) models on Vertex AI: the Anthropic Messages body minus `model`, plus
 * `anthropic_version: "vertex-2023-10-16"`, POSTed to .../publishers/anthropic/models/{model}:rawPredict
 * (JSON answer) or :streamRawPredict (Anthropic SSE). Reference:
 * https://cloud.google.com/vertex-ai/generative-ai/docs/partner-models/claude/use-claude and
 * https://docs.anthropic.com/en/api/claude-on-vertex-ai. The conversion itself is the anthropic adapter's.
 */
import { performance } from 'node:perf_hooks';
import { GatewayError } from '../../core/errors.js';
import type { ChatChunk, ChatRequest } from '../../core/types.js';
import { AnthropicStreamParser, toAnthropicRequest, type AnthropicStreamEvent } from '../anthropic/index.js';
import { sseBatches } from '../sse.js';
import type { HttpTransport, UpstreamResponse } from '../transport.js';
import type { CallContext } from '../types.js';

export const VERTEX_ANTHROPIC_VERSION = 'vertex-2023-10-16';

/** Claude models are addressed as "claude-..." (or "anthropic/claude-...") on a vertex provider. */
export function isAnthropicModel(model: string): boolean {
  return /^(anthropic\/)?claude/.test(model);
}

export function anthropicModelName(model: string): string {
  return model.replace(/^anthropic\//, '');
}

export function vertexAnthropicBody(req: ChatRequest, model: string, call: CallContext, stream: boolean): Record<string, unknown> {
  const body = toAnthropicRequest(req, anthropicModelName(model), call) as unknown as Record<string, unknown>;
  delete body.model;
  body.anthropic_version = VERTEX_ANTHROPIC_VERSION;
  if (stream) body.stream = true;
  else delete body.stream;
  return body;
}

export async function* anthropicChunks(res: UpstreamResponse, call: CallContext, transport: HttpTransport, provider: string, model: string): AsyncGenerator<ChatChunk[]> {
  const parser = new AnthropicStreamParser(provider, model);
  let first = true;
  try {
    for await (const batch of sseBatches(res.body)) {
      if (first) { call.upstreamEnd = performance.now(); first = false; }
      const out: ChatChunk[] = [];
      for (const ev of batch) {
        let obj: AnthropicStreamEvent;
        try {
          obj = JSON.parse(ev.data);
        } catch {
          throw new GatewayError({ status: 502, type: 'upstream_error', code: 'upstream_invalid_stream', message: `${provider}: upstream sent an invalid stream event`, provider });
        }
        if (!obj || typeof obj !== 'object') continue;
        if (!obj.type && ev.event) (obj as { type: string }).type = ev.event;
        parser.push(obj, out);
      }
      if (out.length) yield out;
    }
  } catch (err) {
    throw transport.mapTransportError(err, call);
  }
  if (!parser.finished) {
    throw new GatewayError({ status: 502, type: 'upstream_error', code: 'upstream_stream_truncated', message: `${provider}: upstream stream ended before message_stop`, provider });
  }
}
