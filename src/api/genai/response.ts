/**
 * Canonical ChatResponse / Usage -> GenerateContentResponse.
 * Reference: https://ai.google.dev/api/generate-content#v1beta.GenerateContentResponse (candidates with
 * content.parts, finishReason, index; usageMetadata; modelVersion; responseId).
 */
import type { ChatResponse, FinishReason, Usage } from '../../core/types.js';

export interface GenaiPart { text?: string; thought?: boolean; functionCall?: { id?: string; name: string; args: Record<string, unknown> } }

export function finishReason(r: FinishReason | undefined): string | undefined {
  switch (r) {
    case null: case undefined: return undefined;
    case 'length': return 'MAX_TOKENS';
    case 'content_filter': return 'SAFETY';
    default: return 'STOP';
  }
}

export function usageMetadata(u: Partial<Usage> | null | undefined): Record<string, number> | undefined {
  if (!u) return undefined;
  const reasoning = u.completion_tokens_details?.reasoning_tokens ?? 0;
  const out: Record<string, number> = {
    promptTokenCount: u.prompt_tokens ?? 0,
    candidatesTokenCount: Math.max(0, (u.completion_tokens ?? 0) - reasoning),
    totalTokenCount: u.total_tokens ?? (u.prompt_tokens ?? 0) + (u.completion_tokens ?? 0),
  };
  const cached = u.prompt_tokens_details?.cached_tokens;
  if (cached) out.cachedContentTokenCount = cached;
  if (reasoning) out.thoughtsTokenCount = reasoning;
  return out;
}

/** Arguments arrive as a JSON string; Gemini carries an object. Anything unparsable is kept as a string. */
export function parseArgs(args: string): Record<string, unknown> {
  if (!args) return {};
  try {
    const v: unknown = JSON.parse(args);
    return v && typeof v === 'object' && !Array.isArray(v) ? v as Record<string, unknown> : { value: v };
  } catch {
    return { arguments: args };
  }
}

export function toGenerateContentResponse(r: ChatResponse): Record<string, unknown> {
  const candidates = r.choices.map((c) => {
    const parts: GenaiPart[] = [];
    if (c.message.reasoning_content) parts.push({ text: c.message.reasoning_content, thought: true });
    const text = typeof c.message.content === 'string' ? c.message.content : '';
    if (text || !c.message.tool_calls?.length) parts.push({ text });
    for (const tc of c.message.tool_calls ?? []) parts.push({ functionCall: { id: tc.id, name: tc.function.name, args: parseArgs(tc.function.arguments) } });
    const cand: Record<string, unknown> = { content: { role: 'model', parts }, index: c.index };
    const fr = finishReason(c.finish_reason ?? 'stop');
    if (fr) cand.finishReason = fr;
    return cand;
  });
  const out: Record<string, unknown> = { candidates };
  const usage = usageMetadata(r.usage);
  if (usage) out.usageMetadata = usage;
  out.modelVersion = r.model;
  out.responseId = r.id;
  return out;
}
