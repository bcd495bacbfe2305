/**
 * Anthropic Message -> canonical ChatResponse, and the pieces the stream parser shares: stop_reason ->
 * finish_reason and Anthropic usage -> canonical usage. Anthropic's input_tokens excludes cache reads and
 * cache writes, so the canonical prompt_tokens is their sum and cached_tokens is the cache-read part.
 */
import type { ChatResponse, FinishReason, ToolCall, Usage } from '../../core/types.js';
import type { AnthropicResponse, AnthropicUsage } from './wire.js';

const FINISH: Record<string, FinishReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
};

export function finishReason(stop: string | null | undefined): FinishReason {
  if (!stop) return null;
  return FINISH[stop] ?? 'stop';
}

export function toUsage(u: AnthropicUsage): Usage {
  const cacheRead = u.cache_read_input_tokens ?? 0;
  const cacheWrite = u.cache_creation_input_tokens ?? 0;
  const prompt = (u.input_tokens ?? 0) + cacheRead + cacheWrite;
  const completion = u.output_tokens ?? 0;
  const usage: Usage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: cacheRead, cache_creation_tokens: cacheWrite },
  };
  const thinking = u.output_tokens_details?.thinking_tokens;
  if (typeof thinking === 'number') usage.completion_tokens_details = { reasoning_tokens: thinking };
  return usage;
}

export function toChatResponse(msg: AnthropicResponse, created = Math.floor(Date.now() / 1000)): ChatResponse {
  let text = '';
  let reasoning = '';
  const calls: ToolCall[] = [];
  const thinkingBlocks: unknown[] = [];
  for (const b of msg.content ?? []) {
    if (b.type === 'text') text += b.text;
    else if (b.type === 'thinking') { reasoning += b.thinking; thinkingBlocks.push(b); }
    else if (b.type === 'redacted_thinking') thinkingBlocks.push(b);
    else if (b.type === 'tool_use') calls.push({ id: b.id, type: 'function', function: { name: b.name, arguments: JSON.stringify(b.input ?? {}) } });
  }
  const message: ChatResponse['choices'][0]['message'] = { role: 'assistant', content: text || (calls.length ? null : '') };
  if (calls.length) message.tool_calls = calls;
  if (reasoning) message.reasoning_content = reasoning;
  // Kept so that a client can send them back unchanged in the next turn (Anthropic verifies signatures).
  if (thinkingBlocks.length) message.thinking_blocks = thinkingBlocks;
  return {
    id: msg.id,
    object: 'chat.completion',
    created,
    model: msg.model,
    choices: [{ index: 0, message, finish_reason: finishReason(msg.stop_reason), logprobs: null }],
    usage: toUsage(msg.usage ?? {}),
    ...(msg.stop_sequence ? { stop_sequence: msg.stop_sequence } : {}),
  };
}
