/**
 * Canonical ChatResponse -> Cohere v2 chat response (https://docs.cohere.com/reference/chat, "Response").
 * Text becomes a `text` content item and reasoning a `thinking` item; when the answer calls tools, the text
 * written before the calls is Cohere's `tool_plan`.
 */
import type { ChatResponse, FinishReason, Usage } from '../../core/types.js';

export function finishReason(r: FinishReason | string | null | undefined): string {
  switch (r) {
    case 'length': return 'MAX_TOKENS';
    case 'tool_calls':
    case 'function_call': return 'TOOL_CALL';
    case 'content_filter': return 'CONTENT_BLOCKED';
    default: return 'COMPLETE';
  }
}

export function usage(u: Usage | null | undefined): Record<string, unknown> {
  const input = u?.prompt_tokens ?? 0;
  const output = u?.completion_tokens ?? 0;
  const out: Record<string, unknown> = {
    billed_units: { input_tokens: input, output_tokens: output },
    tokens: { input_tokens: input, output_tokens: output },
  };
  const cached = u?.prompt_tokens_details?.cached_tokens;
  if (typeof cached === 'number') out.cached_tokens = cached;
  return out;
}

const textOf = (c: unknown): string =>
  typeof c === 'string' ? c : Array.isArray(c) ? c.map((p) => (p && typeof p === 'object' && typeof p.text === 'string' ? p.text : '')).join('') : '';

export function toCohereResponse(resp: ChatResponse): Record<string, unknown> {
  const choice = resp.choices[0];
  const m = choice?.message;
  const text = textOf(m?.content);
  const message: Record<string, unknown> = { role: 'assistant' };
  const content: Array<Record<string, string>> = [];
  if (m?.reasoning_content) content.push({ type: 'thinking', thinking: m.reasoning_content });
  if (m?.tool_calls?.length) {
    if (text) message.tool_plan = text;
    message.tool_calls = m.tool_calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.function.name, arguments: c.function.arguments } }));
  } else if (text || !content.length) {
    content.push({ type: 'text', text });
  }
  if (content.length) message.content = content;
  return { id: resp.id, finish_reason: finishReason(choice?.finish_reason), message, usage: usage(resp.usage) };
}
