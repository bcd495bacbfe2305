/**
 * Canonical ChatResponse / usage / finish reasons -> the Converse response shape.
 * https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html#API_runtime_Converse_ResponseSyntax
 */
import type { ChatResponse, FinishReason, Usage } from '../../core/types.js';

export function stopReason(finish: FinishReason | undefined): string {
  switch (finish) {
    case 'length': return 'max_tokens';
    case 'tool_calls':
    case 'function_call': return 'tool_use';
    case 'content_filter': return 'content_filtered';
    default: return 'end_turn';
  }
}

/** Bedrock's inputTokens exclude cache reads, which it reports apart (OpenAI's prompt_tokens include them). */
export function tokenUsage(u: Partial<Usage> | null | undefined): Record<string, number> {
  const cached = u?.prompt_tokens_details?.cached_tokens ?? 0;
  const prompt = u?.prompt_tokens ?? 0;
  const completion = u?.completion_tokens ?? 0;
  const out: Record<string, number> = { inputTokens: Math.max(0, prompt - cached), outputTokens: completion, totalTokens: u?.total_tokens ?? prompt + completion };
  if (u?.prompt_tokens_details?.cached_tokens !== undefined) out.cacheReadInputTokens = cached;
  return out;
}

function toolInput(args: string): unknown {
  try {
    return args ? JSON.parse(args) : {};
  } catch {
    return args; // a Document may be any JSON value; keep what the model produced
  }
}

export function converseResponse(resp: ChatResponse, latencyMs: number): unknown {
  const choice = resp.choices[0];
  const msg = choice?.message;
  const content: unknown[] = [];
  if (msg?.reasoning_content) content.push({ reasoningContent: { reasoningText: { text: msg.reasoning_content } } });
  const text = typeof msg?.content === 'string' ? msg.content
    : Array.isArray(msg?.content) ? msg.content.map((p) => (p.type === 'text' ? (p as { text: string }).text : '')).join('') : '';
  if (text) content.push({ text });
  for (const tc of msg?.tool_calls ?? []) content.push({ toolUse: { toolUseId: tc.id, name: tc.function.name, input: toolInput(tc.function.arguments) } });
  return {
    output: { message: { role: 'assistant', content } },
    stopReason: stopReason(choice?.finish_reason),
    usage: tokenUsage(resp.usage),
    metrics: { latencyMs },
  };
}
