/** POST /v1/completions (legacy): `text_completion` objects, streamed as text_completion chunks when `stream: true`. */
import { errorForStatus, invalidRequest, statusFromErrorModel } from './errors.js';
import { maxTokens } from './chat-plan.js';
import { legacyLogprobs } from './logprobs.js';
import { extraFieldsHeader, interleave, json, SYSTEM_FINGERPRINT, type Reply, type ReplyContext } from './reply.js';
import { countWords, truncateWords, wordPieces } from './text.js';

export const COMPLETION_REQUEST_FIELDS: ReadonlySet<string> = new Set([
  'model', 'prompt', 'best_of', 'echo', 'frequency_penalty', 'logit_bias', 'logprobs', 'max_tokens', 'n',
  'presence_penalty', 'seed', 'stop', 'stream', 'stream_options', 'suffix', 'temperature', 'top_p', 'user',
]);

export function completionId(seq: number): string { return `cmpl-mock${seq}`; }

/** The prompts of a request as text: strings as they are, token arrays as their numbers joined by spaces. */
export function promptTexts(prompt: unknown): string[] | undefined {
  if (typeof prompt === 'string') return [prompt];
  if (!Array.isArray(prompt) || prompt.length === 0) return undefined;
  if (prompt.every((p) => typeof p === 'number')) return [prompt.join(' ')];
  if (prompt.every((p) => typeof p === 'string')) return prompt as string[];
  if (prompt.every((p) => Array.isArray(p) && p.every((t) => typeof t === 'number'))) return prompt.map((p: number[]) => p.join(' '));
  return undefined;
}

export function handleCompletions(body: Record<string, any>, ctx: ReplyContext): Reply {
  if (typeof body.model !== 'string' || body.model === '') return json(400, invalidRequest('you must provide a model parameter'));
  if (body.prompt === undefined) return json(400, invalidRequest("Missing required parameter: 'prompt'.", 'prompt', 'missing_required_parameter'));
  const prompts = promptTexts(body.prompt);
  if (!prompts) return json(400, invalidRequest("Invalid type for 'prompt': expected a string, an array of strings, or token arrays.", 'prompt', 'invalid_type'));
  if (body.n != null && (!Number.isInteger(body.n) || body.n < 1 || body.n > 128)) return json(400, invalidRequest("Invalid 'n': expected an integer between 1 and 128.", 'n', 'invalid_value'));
  if (body.stream_options != null && body.stream !== true) return json(400, invalidRequest("The 'stream_options' parameter is only allowed when 'stream' is enabled.", 'stream_options'));
  const forced = statusFromErrorModel(body.model);
  if (forced !== undefined) return json(forced, errorForStatus(forced));

  const n: number = body.n ?? 1;
  const limit = maxTokens(body);
  const top = typeof body.logprobs === 'number' ? Math.max(0, Math.min(5, body.logprobs)) : -1;
  // One choice per (prompt, n): index = promptIndex * n + j, as OpenAI numbers them.
  const answers = prompts.flatMap((p) => {
    const full = `echo: ${p}`;
    const cut = limit !== undefined && limit < countWords(full);
    const text = cut ? truncateWords(full, limit) : full;
    const a = { text: body.echo === true ? p + text : text, generated: text, finish_reason: cut ? 'length' : 'stop' };
    return Array.from({ length: n }, () => a);
  });
  const promptTokens = Math.max(1, prompts.reduce((s, p) => s + countWords(p), 0));
  const completionTokens = answers.reduce((s, a) => s + countWords(a.generated), 0);
  const usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
  const headers = extraFieldsHeader(body, COMPLETION_REQUEST_FIELDS);
  const base = { id: completionId(ctx.seq), object: 'text_completion', created: ctx.created, model: body.model, system_fingerprint: SYSTEM_FINGERPRINT };

  if (body.stream === true) {
    const includeUsage = body.stream_options?.include_usage === true;
    const chunk = (choice: object) => ({ ...base, choices: [choice], ...(includeUsage ? { usage: null } : {}) });
    const perChoice = answers.map((a, index) => {
      let offset = 0;
      const pieces = wordPieces(a.text).map((text) => {
        const lp = top >= 0 ? legacyLogprobs(text, top, offset) : null;
        offset++;
        return chunk({ text, index, logprobs: lp, finish_reason: null });
      });
      return [...pieces, chunk({ text: '', index, logprobs: null, finish_reason: a.finish_reason })];
    });
    const chunks: unknown[] = interleave(perChoice);
    if (includeUsage) chunks.push({ ...base, choices: [], usage });
    return { kind: 'sse', chunks, headers };
  }

  const choices = answers.map((a, index) => ({
    text: a.text, index, logprobs: top >= 0 ? legacyLogprobs(a.text, top) : null, finish_reason: a.finish_reason,
  }));
  return json(200, { ...base, choices, usage }, headers);
}
