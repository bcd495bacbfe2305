/**
 * Decides what the mock "model" answers to a chat request (text or tool calls) — a pure function of the
 * request body, so tests can predict every byte. Validation mirrors the errors OpenAI gives for bad input.
 */
import { invalidRequest, type OpenAIErrorBody } from './errors.js';
import { contentText, countWords, imageCount, isObject, truncateWords } from './text.js';

export interface ToolCallPlan { name: string; arguments: string }

export type AnswerPlan =
  | { type: 'text'; content: string; finishReason: 'stop' | 'length' }
  | { type: 'tools'; calls: ToolCallPlan[] };

const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool', 'function']);

/** The arguments every mock tool call carries; `note` is the last user text, so unicode and escapes reach the JSON. */
export function mockToolArguments(note: string): string {
  return JSON.stringify({ city: 'Paris', unit: 'celsius', note });
}

/** Text of the last user message (text parts joined with a space), '' when there is none. */
export function lastUserText(messages: unknown[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (isObject(m) && m.role === 'user') return contentText(m.content);
  }
  return '';
}

/** `echo: <last user text>`, plus ` [images: N]` when the last user message had image parts. */
export function echoText(messages: unknown[]): string {
  let images = 0;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (isObject(m) && m.role === 'user') { images = imageCount(m.content); break; }
  }
  return `echo: ${lastUserText(messages)}${images ? ` [images: ${images}]` : ''}`;
}

/** prompt_tokens: words over all message texts, at least 1. */
export function promptWords(messages: unknown[]): number {
  let n = 0;
  for (const m of messages) if (isObject(m)) n += countWords(contentText(m.content));
  return Math.max(1, n);
}

/** Returns an error body for requests OpenAI would reject with 400, else undefined. */
export function validateChat(body: Record<string, any>): OpenAIErrorBody | undefined {
  if (typeof body.model !== 'string' || body.model === '') return invalidRequest('you must provide a model parameter', null);
  if (body.messages === undefined) return invalidRequest("Missing required parameter: 'messages'.", 'messages', 'missing_required_parameter');
  if (!Array.isArray(body.messages)) return invalidRequest("Invalid type for 'messages': expected an array of objects.", 'messages', 'invalid_type');
  if (body.messages.length === 0) return invalidRequest("Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.", 'messages', 'empty_array');
  for (const [i, m] of body.messages.entries()) {
    if (!isObject(m)) return invalidRequest(`Invalid type for 'messages[${i}]': expected an object.`, `messages[${i}]`, 'invalid_type');
    if (!ROLES.has(m.role)) return invalidRequest(`Invalid value: '${String(m.role)}'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.`, `messages[${i}].role`, 'invalid_value');
  }
  if (body.n != null && (!Number.isInteger(body.n) || body.n < 1 || body.n > 128)) return invalidRequest("Invalid 'n': expected an integer between 1 and 128.", 'n', 'invalid_value');
  if (body.stream_options != null && body.stream !== true) return invalidRequest("The 'stream_options' parameter is only allowed when 'stream' is enabled.", 'stream_options', null);
  if (body.tools !== undefined) {
    if (!Array.isArray(body.tools)) return invalidRequest("Invalid type for 'tools': expected an array of objects.", 'tools', 'invalid_type');
    if (body.tools.length === 0) return invalidRequest("Invalid 'tools': empty array. Expected an array with minimum length 1, but got an empty array instead.", 'tools', 'empty_array');
    for (const [i, t] of body.tools.entries()) {
      if (!isObject(t) || !isObject(t.function) || typeof t.function.name !== 'string') {
        return invalidRequest(`Missing required parameter: 'tools[${i}].function.name'.`, `tools[${i}].function.name`, 'missing_required_parameter');
      }
    }
  }
  const named = namedToolChoice(body.tool_choice);
  if (named !== undefined && !(body.tools ?? []).some((t: any) => t.function.name === named)) {
    return invalidRequest(`Invalid value for 'tool_choice': tool '${named}' is not in 'tools'.`, 'tool_choice', 'invalid_value');
  }
  return undefined;
}

function namedToolChoice(choice: unknown): string | undefined {
  return isObject(choice) && isObject(choice.function) && typeof choice.function.name === 'string' ? choice.function.name : undefined;
}

/** The answer for a validated request. */
export function planAnswer(body: Record<string, any>): AnswerPlan {
  const messages: unknown[] = body.messages;
  const tools: any[] = Array.isArray(body.tools) ? body.tools : [];
  if (tools.length > 0 && body.tool_choice !== 'none') {
    const userText = lastUserText(messages);
    const args = mockToolArguments(userText);
    const named = namedToolChoice(body.tool_choice);
    let chosen: any[];
    if (named !== undefined) chosen = tools.filter((t) => t.function.name === named).slice(0, 1);
    else if (/\bparallel\b/i.test(userText) && body.parallel_tool_calls !== false) chosen = tools.slice(0, 3);
    else chosen = tools.slice(0, 1);
    return { type: 'tools', calls: chosen.map((t) => ({ name: t.function.name as string, arguments: args })) };
  }
  const full = echoText(messages);
  const limit = maxTokens(body);
  if (limit !== undefined && limit < countWords(full)) return { type: 'text', content: truncateWords(full, limit), finishReason: 'length' };
  return { type: 'text', content: full, finishReason: 'stop' };
}

/** max_completion_tokens wins over the deprecated max_tokens, as in OpenAI. */
export function maxTokens(body: Record<string, any>): number | undefined {
  const v = body.max_completion_tokens ?? body.max_tokens;
  return typeof v === 'number' && v >= 0 ? v : undefined;
}

/** Completion words of one choice: the content, or the arguments strings of every call. */
export function answerWords(plan: AnswerPlan): number {
  return plan.type === 'text' ? countWords(plan.content) : plan.calls.reduce((n, c) => n + countWords(c.arguments), 0);
}
