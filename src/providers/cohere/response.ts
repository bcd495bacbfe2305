/**
 * Cohere v2 chat response -> canonical ChatResponse (https://docs.cohere.com/reference/chat, "Response").
 * Text items of message.content become `content`, thinking items `reasoning_content`; the tool plan (the text
 * Cohere writes before calling tools) becomes `content` when there is no other text, as other providers'
 * text-before-tool-calls does.
 */
import { GatewayError } from '../../core/errors.js';
import type { ChatResponse, FinishReason, ToolCall, Usage } from '../../core/types.js';
import type { CohereChatResponse, CohereToolCall, CohereUsage } from './wire.js';

/** Cohere finish reasons (upper case on the v2 wire; lower case in some SDK versions). */
export function mapFinishReason(reason: string | undefined, provider: string): FinishReason {
  switch ((reason ?? '').toUpperCase()) {
    case 'COMPLETE':
    case 'STOP_SEQUENCE':
      return 'stop';
    case 'MAX_TOKENS':
      return 'length';
    case 'TOOL_CALL':
      return 'tool_calls';
    case 'ERROR_TOXIC':
    case 'CONTENT_BLOCKED':
      return 'content_filter';
    case 'TIMEOUT':
      throw new GatewayError({ status: 504, type: 'timeout_error', code: 'upstream_timeout', message: `${provider}: the generation timed out`, provider });
    case 'ERROR':
    case 'ERROR_LIMIT':
      throw new GatewayError({ status: 502, type: 'upstream_error', code: 'upstream_generation_error', message: `${provider}: the generation failed (${reason})`, provider });
    default:
      return 'stop';
  }
}

/** tokens.* are the model's counts (cached_tokens is a share of tokens.input_tokens); billed_units is a fallback. */
export function mapUsage(u: CohereUsage | undefined): Usage | undefined {
  if (!u) return undefined;
  const prompt = u.tokens?.input_tokens ?? u.billed_units?.input_tokens ?? 0;
  const completion = u.tokens?.output_tokens ?? u.billed_units?.output_tokens ?? 0;
  const usage: Usage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
  if (typeof u.cached_tokens === 'number') usage.prompt_tokens_details = { cached_tokens: u.cached_tokens };
  return usage;
}

/** Cohere sends `null` arguments for tools without parameters; canonical arguments are a JSON object string. */
export function toolCall(c: CohereToolCall): ToolCall {
  const args = c.function.arguments;
  return { id: c.id, type: 'function', function: { name: c.function.name, arguments: !args || args === 'null' ? '{}' : args } };
}

export function fromCohereChat(resp: CohereChatResponse, model: string, provider: string): ChatResponse {
  let text = '';
  let reasoning = '';
  for (const item of resp.message?.content ?? []) {
    if (item.type === 'text' && typeof item.text === 'string') text += item.text;
    else if (item.type === 'thinking' && typeof item.thinking === 'string') reasoning += item.thinking;
  }
  const calls = resp.message?.tool_calls?.map(toolCall);
  if (!text && resp.message?.tool_plan) text = resp.message.tool_plan;
  const message: ChatResponse['choices'][number]['message'] = { role: 'assistant', content: text || (calls?.length ? null : '') };
  if (reasoning) message.reasoning_content = reasoning;
  if (calls?.length) message.tool_calls = calls;
  const out: ChatResponse = {
    id: resp.id,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message, finish_reason: mapFinishReason(resp.finish_reason, provider) }],
  };
  const usage = mapUsage(resp.usage);
  if (usage) out.usage = usage;
  return out;
}
