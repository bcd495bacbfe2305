/**
 * Gemini GenerateContentResponse -> canonical ChatResponse, usage and finish reasons.
 * Reference: https://ai.google.dev/api/generate-content#v1beta.GenerateContentResponse (candidates,
 * finishReason enum, usageMetadata) and https://ai.google.dev/gemini-api/docs/thinking (thought parts).
 */
import type { ChatResponse, FinishReason, ToolCall, Usage } from '../../core/types.js';
import type { GCandidate, GResponse, GUsage } from './wire.js';

/** FinishReason enum -> OpenAI finish_reason. Blocked output of any kind is content_filter. */
export function mapFinish(reason: string | undefined, hasCalls: boolean): FinishReason {
  switch (reason) {
    case undefined:
    case '':
      return null;
    case 'STOP':
      return hasCalls ? 'tool_calls' : 'stop';
    case 'MAX_TOKENS':
      return 'length';
    case 'SAFETY':
    case 'RECITATION':
    case 'BLOCKLIST':
    case 'PROHIBITED_CONTENT':
    case 'SPII':
    case 'IMAGE_SAFETY':
      return 'content_filter';
    default:
      return hasCalls ? 'tool_calls' : 'stop';
  }
}

/** promptTokenCount already includes the cached part; completion counts thinking tokens too (as OpenAI does). */
export function mapUsage(u: GUsage | undefined): Usage {
  const prompt = u?.promptTokenCount ?? 0;
  const thoughts = u?.thoughtsTokenCount ?? 0;
  const completion = (u?.candidatesTokenCount ?? 0) + thoughts;
  const usage: Usage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: u?.totalTokenCount ?? prompt + completion,
    prompt_tokens_details: { cached_tokens: u?.cachedContentTokenCount ?? 0 },
  };
  if (thoughts) usage.completion_tokens_details = { reasoning_tokens: thoughts };
  return usage;
}

/** Gemini gives no call ids (the Gemini API may, Vertex does not): synthesize ones stable per response. */
export function callId(responseId: string, candidate: number, index: number, given?: string): string {
  return given || `call_${responseId}_${candidate}_${index}`;
}

export function responseIdOf(r: GResponse): string {
  return r.responseId || Math.random().toString(36).slice(2, 14);
}

function candidateMessage(c: GCandidate, responseId: string, ci: number) {
  let text = '';
  let reasoning = '';
  let hasText = false;
  const calls: ToolCall[] = [];
  for (const p of c.content?.parts ?? []) {
    if (typeof p.text === 'string') {
      if (p.thought) reasoning += p.text;
      else { text += p.text; hasText = true; }
    } else if (p.functionCall) {
      calls.push({ id: callId(responseId, ci, calls.length, p.functionCall.id), type: 'function', function: { name: p.functionCall.name, arguments: JSON.stringify(p.functionCall.args ?? {}) } });
    }
  }
  const message: ChatResponse['choices'][0]['message'] = { role: 'assistant', content: hasText || !calls.length ? text : null };
  if (calls.length) message.tool_calls = calls;
  if (reasoning) message.reasoning_content = reasoning;
  return { message, calls: calls.length > 0 };
}

export function fromGeminiResponse(r: GResponse, model: string): ChatResponse {
  const id = responseIdOf(r);
  const candidates = r.candidates ?? [];
  const choices: ChatResponse['choices'] = candidates.map((c, i) => {
    const { message, calls } = candidateMessage(c, id, c.index ?? i);
    return { index: c.index ?? i, message, finish_reason: mapFinish(c.finishReason, calls) ?? 'stop', logprobs: null };
  });
  // A prompt blocked by safety filters comes back without candidates.
  if (!choices.length) choices.push({ index: 0, message: { role: 'assistant', content: '' }, finish_reason: r.promptFeedback?.blockReason ? 'content_filter' : 'stop', logprobs: null });
  return {
    id: `chatcmpl-${id}`, object: 'chat.completion', created: Math.floor(Date.now() / 1000), model: r.modelVersion ?? model,
    choices, usage: mapUsage(r.usageMetadata),
  };
}
