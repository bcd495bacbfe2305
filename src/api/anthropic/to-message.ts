/**
 * Canonical ChatResponse -> Anthropic Message (https://docs.anthropic.com/en/api/messages, response body),
 * plus the finish_reason -> stop_reason and usage mappings the stream writer shares. Anthropic's
 * input_tokens excludes cache reads/writes, so they are taken out of the canonical prompt_tokens.
 */
import type { ChatResponse, FinishReason, Usage } from '../../core/types.js';

export interface AnthropicUsageOut {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

const STOP: Record<string, string> = {
  stop: 'end_turn', length: 'max_tokens', tool_calls: 'tool_use', function_call: 'tool_use', content_filter: 'refusal',
};

export function stopReason(finish: FinishReason | undefined): string {
  return (finish && STOP[finish]) ?? 'end_turn';
}

export function usageOut(u: Usage | null | undefined): AnthropicUsageOut {
  const cacheRead = Number(u?.prompt_tokens_details?.cached_tokens ?? 0) || 0;
  const cacheWrite = Number(u?.prompt_tokens_details?.cache_creation_tokens ?? 0) || 0;
  return {
    input_tokens: Math.max(0, (u?.prompt_tokens ?? 0) - cacheRead - cacheWrite),
    output_tokens: u?.completion_tokens ?? 0,
    cache_creation_input_tokens: cacheWrite,
    cache_read_input_tokens: cacheRead,
  };
}

/** Anthropic ids start with msg_; canonical ids from other upstreams get the prefix. */
export function messageId(id: string | undefined): string {
  if (!id) return `msg_${Date.now().toString(36)}`;
  return id.startsWith('msg_') ? id : `msg_${id}`;
}

/** Tool input must be an object; arguments that are not a JSON object are kept under `raw`. */
export function toolInput(args: string): Record<string, unknown> {
  if (!args) return {};
  try {
    const v = JSON.parse(args);
    return v && typeof v === 'object' && !Array.isArray(v) ? v : { raw: args };
  } catch {
    return { raw: args };
  }
}

export function toMessage(resp: ChatResponse, model: string): Record<string, unknown> {
  const choice = resp.choices[0];
  const msg = choice?.message;
  const content: Record<string, unknown>[] = [];
  if (Array.isArray(msg?.thinking_blocks)) content.push(...(msg.thinking_blocks as Record<string, unknown>[]));
  else if (msg?.reasoning_content) content.push({ type: 'thinking', thinking: msg.reasoning_content, signature: '' });
  const text = typeof msg?.content === 'string' ? msg.content
    : Array.isArray(msg?.content) ? msg.content.map((p) => (p.type === 'text' ? String((p as { text?: unknown }).text ?? '') : '')).join('') : '';
  if (text) content.push({ type: 'text', text });
  for (const tc of msg?.tool_calls ?? []) content.push({ type: 'tool_use', id: tc.id, name: tc.function.name, input: toolInput(tc.function.arguments) });
  const stopSeq = typeof resp.stop_sequence === 'string' ? resp.stop_sequence : null;
  return {
    id: messageId(resp.id),
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: stopSeq ? 'stop_sequence' : stopReason(choice?.finish_reason),
    stop_sequence: stopSeq,
    usage: usageOut(resp.usage),
  };
}
