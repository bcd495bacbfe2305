/**
 * The mock's answers, pre-serialised once: an OpenAI chat.completion object and the equivalent
 * chat.completion.chunk SSE stream (role chunk, content chunks, finish chunk, optional usage chunk,
 * `data: [DONE]`), following https://platform.openai.com/docs/api-reference/chat.
 */
export const MOCK_MODEL = 'gpt-4o-mini';
const CONTENT = 'Switchyard benchmark mock: a fixed, short completion so that measured time is gateway time.';
const PROMPT_TOKENS = 12;
const COMPLETION_TOKENS = 18;

export interface Payloads {
  completion: Buffer;
  /** frame sent at time-to-first-token: the role chunk followed by the first content chunk */
  firstFrame: Buffer;
  /** the remaining content chunks, one frame each */
  middleFrames: Buffer[];
  /** finish chunk (+ usage chunk) + [DONE] */
  tail: Buffer;
  tailWithUsage: Buffer;
  /** streamed tool call (requests that offer tools): id + name first, then the arguments in pieces */
  toolFirstFrame: Buffer;
  toolMiddleFrames: Buffer[];
  toolTail: Buffer;
}

/** The tool call every tool stream carries; a client reassembling the deltas must get exactly this. */
export const TOOL_CALL = { id: 'call_switchyard_bench', name: 'get_weather' } as const;
/** The arguments JSON, long enough to be split over every chunk, with characters that need escaping. */
export function toolCallArguments(): string {
  return JSON.stringify({ location: 'Zürich, "CH"', unit: 'celsius', days: 7, note: 'line\nbreak {braces} [brackets] ünïcödé 🚂', hours: Array.from({ length: 24 }, (_, i) => i) });
}

function split(text: string, parts: number): string[] {
  const n = Math.max(1, Math.min(parts, text.length));
  const size = Math.ceil(text.length / n);
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

export function buildPayloads(chunks: number): Payloads {
  const created = Math.floor(Date.now() / 1000);
  const base = { id: 'chatcmpl-switchyard-bench', object: 'chat.completion.chunk', created, model: MOCK_MODEL, system_fingerprint: 'fp_bench' };
  const usage = { prompt_tokens: PROMPT_TOKENS, completion_tokens: COMPLETION_TOKENS, total_tokens: PROMPT_TOKENS + COMPLETION_TOKENS };
  const frame = (obj: unknown) => `data: ${JSON.stringify(obj)}\n\n`;
  const chunk = (delta: Record<string, unknown>, finish: string | null) =>
    frame({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] });

  const pieces = split(CONTENT, chunks);
  const finish = chunk({}, 'stop');
  const done = 'data: [DONE]\n\n';
  return {
    completion: Buffer.from(JSON.stringify({
      id: 'chatcmpl-switchyard-bench', object: 'chat.completion', created, model: MOCK_MODEL, system_fingerprint: 'fp_bench',
      choices: [{ index: 0, message: { role: 'assistant', content: CONTENT, refusal: null }, logprobs: null, finish_reason: 'stop' }],
      usage,
    })),
    firstFrame: Buffer.from(chunk({ role: 'assistant', content: '', refusal: null }, null) + chunk({ content: pieces[0] }, null)),
    middleFrames: pieces.slice(1).map((p) => Buffer.from(chunk({ content: p }, null))),
    tail: Buffer.from(finish + done),
    tailWithUsage: Buffer.from(finish + frame({ ...base, choices: [], usage }) + done),
    ...toolFrames(chunk, done),
  };
}

function toolFrames(chunk: (delta: Record<string, unknown>, finish: string | null) => string, done: string): Pick<Payloads, 'toolFirstFrame' | 'toolMiddleFrames' | 'toolTail'> {
  const args = split(toolCallArguments(), 12);
  const call = (fn: Record<string, unknown>, head: boolean) => chunk({
    ...(head ? { role: 'assistant', content: null } : {}),
    tool_calls: [{ index: 0, ...(head ? { id: TOOL_CALL.id, type: 'function' } : {}), function: fn }],
  }, null);
  return {
    toolFirstFrame: Buffer.from(call({ name: TOOL_CALL.name, arguments: '' }, true)),
    toolMiddleFrames: args.map((a) => Buffer.from(call({ arguments: a }, false))),
    toolTail: Buffer.from(chunk({}, 'tool_calls') + done),
  };
}

/** What a request asks for. A regex, not JSON.parse: the mock must stay cheap even for megabyte prompts. */
export function readRequestFlags(body: string): { stream: boolean; includeUsage: boolean; tools: boolean } {
  return { stream: /"stream"\s*:\s*true/.test(body), includeUsage: /"include_usage"\s*:\s*true/.test(body), tools: /"tools"\s*:\s*\[/.test(body) };
}

export function openAiError(message: string, type: string, code: string): Buffer {
  return Buffer.from(JSON.stringify({ error: { message, type, param: null, code } }));
}
