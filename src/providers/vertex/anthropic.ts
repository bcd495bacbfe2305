/**
 * Anthropic (Claude) models on Vertex AI: the Anthropic Messages body minus `model`, plus
 * `anthropic_version: "vertex-2023-10-16"`, POSTed to .../publishers/anthropic/models/{model}:rawPredict
 * (JSON answer) or :streamRawPredict (Anthropic SSE). Reference:
 * https://cloud.google.com/vertex-ai/generative-ai/docs/partner-models/claude/use-claude and
 * https://docs.anthropic.com/en/api/claude-on-vertex-ai. The conversion itself is the anthropic adapter's.
 */
import type { ChatRequest } from '../../core/types.js';
import { toAnthropicRequest } from '../anthropic/index.js';
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
