/** POST /v1/chat/completions: the Chat Completion object, or chat.completion.chunk SSE when `stream: true`. */
import { errorForStatus, statusFromErrorModel } from './errors.js';
import { answerWords, planAnswer, promptWords, validateChat, type AnswerPlan } from './chat-plan.js';
import { chatTokenLogprobs } from './logprobs.js';
import { extraFieldsHeader, interleave, json, SYSTEM_FINGERPRINT, type Reply, type ReplyContext } from './reply.js';
import { fragmentText, wordPieces } from './text.js';

/** Top-level request fields of the documented Chat Completions request schema. */
export const CHAT_REQUEST_FIELDS: ReadonlySet<string> = new Set([
  'messages', 'model', 'audio', 'frequency_penalty', 'function_call', 'functions', 'logit_bias', 'logprobs',
  'max_completion_tokens', 'max_tokens', 'metadata', 'modalities', 'moderation', 'n', 'parallel_tool_calls', 'prediction',
  'presence_penalty', 'prompt_cache_key', 'prompt_cache_options', 'prompt_cache_retention', 'reasoning_effort',
  'response_format', 'safety_identifier', 'seed', 'service_tier', 'stop', 'store', 'stream', 'stream_options',
  'temperature', 'tool_choice', 'tools', 'top_logprobs', 'top_p', 'user', 'verbosity', 'web_search_options',
]);

export function chatCompletionId(seq: number): string { return `chatcmpl-mock${seq}`; }
export function toolCallId(seq: number, choice: number, call: number): string { return `call_mock${seq}_${choice}_${call}`; }

export function handleChatCompletions(body: Record<string, any>, ctx: ReplyContext): Reply {
  const invalid = validateChat(body);
  if (invalid) return json(400, invalid);
  const forced = statusFromErrorModel(body.model);
  if (forced !== undefined) return json(forced, errorForStatus(forced));

  const plan = planAnswer(body);
  const n: number = body.n ?? 1;
  const promptTokens = promptWords(body.messages);
  const completionTokens = n * answerWords(plan);
  const usage = {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
  const headers = extraFieldsHeader(body, CHAT_REQUEST_FIELDS);
  const top = body.logprobs === true ? Math.max(0, Math.min(20, Number(body.top_logprobs ?? 0) || 0)) : -1;
  if (body.stream === true) return { kind: 'sse', chunks: streamChunks(body, ctx, plan, n, top, usage), headers };

  const choices = Array.from({ length: n }, (_, index) => ({
    index,
    message: message(plan, ctx.seq, index),
    logprobs: top >= 0 ? { content: plan.type === 'text' ? chatTokenLogprobs(plan.content, top) : null, refusal: null } : null,
    finish_reason: plan.type === 'text' ? plan.finishReason : 'tool_calls',
  }));
  return json(200, {
    id: chatCompletionId(ctx.seq),
    object: 'chat.completion',
    created: ctx.created,
    model: body.model,
    choices,
    usage,
    service_tier: 'default',
    system_fingerprint: SYSTEM_FINGERPRINT,
  }, headers);
}

function message(plan: AnswerPlan, seq: number, choice: number): Record<string, unknown> {
  if (plan.type === 'text') return { role: 'assistant', content: plan.content, refusal: null, annotations: [] };
  return {
    role: 'assistant',
    content: null,
    refusal: null,
    annotations: [],
    tool_calls: plan.calls.map((c, i) => ({ id: toolCallId(seq, choice, i), type: 'function', function: { name: c.name, arguments: c.arguments } })),
  };
}

/**
 * Chunks as OpenAI streams them: a role delta, content word by word (or tool calls: a header delta per call,
 * then argument fragments), a final empty delta with finish_reason, and — only with include_usage — a
 * `choices: []` chunk carrying usage (earlier chunks then carry `usage: null`).
 */
function streamChunks(body: Record<string, any>, ctx: ReplyContext, plan: AnswerPlan, n: number, top: number, usage: object): unknown[] {
  const includeUsage = body.stream_options?.include_usage === true;
  const base = { id: chatCompletionId(ctx.seq), object: 'chat.completion.chunk', created: ctx.created, model: body.model, service_tier: 'default', system_fingerprint: SYSTEM_FINGERPRINT };
  const chunk = (choice: object) => ({ ...base, choices: [choice], ...(includeUsage ? { usage: null } : {}) });
  const perChoice = Array.from({ length: n }, (_, index) => {
    const out: unknown[] = [];
    const c = (delta: object, extra: object = {}) => chunk({ index, delta, logprobs: null, finish_reason: null, ...extra });
    if (plan.type === 'text') {
      out.push(c({ role: 'assistant', content: '', refusal: null }));
      let offset = 0;
      for (const piece of wordPieces(plan.content)) {
        const lp = top >= 0 ? { logprobs: { content: chatTokenLogprobs(piece, top, offset), refusal: null } } : {};
        out.push(c({ content: piece }, lp));
        offset++;
      }
      out.push(c({}, { finish_reason: plan.finishReason }));
    } else {
      out.push(c({ role: 'assistant', content: null, refusal: null }));
      plan.calls.forEach((call, i) => {
        out.push(c({ tool_calls: [{ index: i, id: toolCallId(ctx.seq, index, i), type: 'function', function: { name: call.name, arguments: '' } }] }));
        for (const fragment of fragmentText(call.arguments)) out.push(c({ tool_calls: [{ index: i, function: { arguments: fragment } }] }));
      });
      out.push(c({}, { finish_reason: 'tool_calls' }));
    }
    return out;
  });
  const chunks = interleave(perChoice);
  if (includeUsage) chunks.push({ ...base, choices: [], usage });
  return chunks;
}
