/** Converse response -> canonical ChatResponse (and the stop-reason / usage mappings the stream shares). */
import type { ChatResponse, FinishReason, ToolCall, Usage } from '../../core/types.js';
import type { ConverseResponse, StopReason, TokenUsage } from './wire.js';

export function finishReason(stop: StopReason | string | undefined): FinishReason {
  switch (stop) {
    case 'tool_use': return 'tool_calls';
    case 'max_tokens':
    case 'model_context_window_exceeded': return 'length';
    case 'guardrail_intervened':
    case 'content_filtered': return 'content_filter';
    default: return 'stop';
  }
}

/**
 * Bedrock counts cache reads/writes apart from inputTokens; OpenAI's prompt_tokens includes cached tokens,
 * so they are added back in and reported again as prompt_tokens_details.cached_tokens.
 */
export function toUsage(u: TokenUsage | undefined): Usage {
  const cacheRead = u?.cacheReadInputTokens ?? 0;
  const cacheWrite = u?.cacheWriteInputTokens ?? 0;
  const prompt = (u?.inputTokens ?? 0) + cacheRead + cacheWrite;
  const completion = u?.outputTokens ?? 0;
  const usage: Usage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
  if (u?.cacheReadInputTokens !== undefined || u?.cacheWriteInputTokens !== undefined) {
    usage.prompt_tokens_details = { cached_tokens: cacheRead };
  }
  return usage;
}

export function toChatResponse(r: ConverseResponse, id: string, model: string): ChatResponse {
  let text = '';
  let reasoning = '';
  const toolCalls: ToolCall[] = [];
  for (const b of r.output?.message?.content ?? []) {
    if (typeof b.text === 'string') text += b.text;
    else if (b.reasoningContent?.reasoningText) reasoning += b.reasoningContent.reasoningText.text;
    else if (b.toolUse) {
      toolCalls.push({ id: b.toolUse.toolUseId, type: 'function', function: { name: b.toolUse.name, arguments: JSON.stringify(b.toolUse.input ?? {}) } });
    }
  }
  const message: ChatResponse['choices'][0]['message'] = { role: 'assistant', content: text || (toolCalls.length ? null : '') };
  if (reasoning) message.reasoning_content = reasoning;
  if (toolCalls.length) message.tool_calls = toolCalls;
  return {
    id, object: 'chat.completion', created: Math.floor(Date.now() / 1000), model,
    choices: [{ index: 0, message, finish_reason: finishReason(r.stopReason) }],
    usage: toUsage(r.usage),
  };
}
