/**
 * Anthropic Messages request -> canonical ChatRequest.
 *
 * - `system` -> a system message (text parts keep cache_control, which Anthropic upstreams honour);
 * - user turns: text/image/document blocks -> content parts; each tool_result -> a `tool` message, placed
 *   before the rest of that turn;
 * - assistant turns: text -> content, tool_use -> tool_calls (input serialised as the arguments string),
 *   thinking/redacted_thinking -> reasoning_content plus `thinking_blocks` (kept verbatim so an Anthropic
 *   upstream gets the signed blocks back);
 * - Anthropic-only settings (top_k, thinking, service_tier, ...) are kept as extension fields when the
 *   target is an Anthropic upstream; for other upstreams `thinking` becomes reasoning_effort and the
 *   rest is dropped (drop_params) or rejected with a 400 naming it.
 */
import { badRequest } from '../../core/errors.js';
import type { ChatMessage, ChatRequest, ContentPart, ToolCall, ToolDefinition } from '../../core/types.js';
import type { Obj } from './validate.js';

type Block = Record<string, any>;

/** Anthropic-native settings that only an Anthropic upstream understands. */
const NATIVE_ONLY = ['service_tier', 'container', 'context_management', 'mcp_servers', 'inference_geo'];

export interface ConvertOptions {
  /** The target is an Anthropic upstream (native fields pass through). */
  native: boolean;
  dropParams: boolean;
  dropped: string[];
}

function sourceUrl(src: Block): string {
  return src.type === 'url' ? src.url : `data:${src.media_type};base64,${src.data}`;
}

function withCache<T extends object>(part: T, b: Block): T {
  return b.cache_control ? { ...part, cache_control: b.cache_control } : part;
}

function userPart(b: Block): ContentPart {
  switch (b.type) {
    case 'text':
      return withCache({ type: 'text', text: b.text as string }, b);
    case 'image':
      return withCache({ type: 'image_url', image_url: { url: sourceUrl(b.source) } }, b);
    case 'document':
      if (b.source.type === 'text') return { type: 'text', text: b.source.data as string };
      if (b.source.type === 'url') return { type: 'file', file: { file_data: b.source.url as string, ...(b.title ? { filename: b.title } : {}) } };
      return { type: 'file', file: { file_data: sourceUrl(b.source), ...(b.title ? { filename: b.title } : {}) } };
    default:
      throw badRequest(`messages: content block type '${String(b.type)}' is not allowed here`, 'messages', 'invalid_value');
  }
}

function toolMessage(b: Block): ChatMessage {
  const c = b.content;
  const content: ChatMessage['content'] = c === undefined ? '' : typeof c === 'string' ? c : (c as Block[]).map(userPart);
  const m: ChatMessage = { role: 'tool', tool_call_id: b.tool_use_id as string, content };
  if (b.is_error === true) m.is_error = true;
  return m;
}

function userMessages(content: string | Block[]): ChatMessage[] {
  if (typeof content === 'string') return [{ role: 'user', content }];
  const out: ChatMessage[] = [];
  const parts: ContentPart[] = [];
  for (const b of content) {
    if (b.type === 'tool_result') out.push(toolMessage(b));
    else parts.push(userPart(b));
  }
  if (parts.length) out.push({ role: 'user', content: parts });
  return out;
}

function assistantMessage(content: string | Block[]): ChatMessage {
  if (typeof content === 'string') return { role: 'assistant', content };
  let text = '';
  let reasoning = '';
  const calls: ToolCall[] = [];
  const thinking: Block[] = [];
  for (const b of content) {
    if (b.type === 'text') text += b.text;
    else if (b.type === 'tool_use') calls.push({ id: b.id, type: 'function', function: { name: b.name, arguments: JSON.stringify(b.input ?? {}) } });
    else if (b.type === 'thinking') { reasoning += b.thinking; thinking.push(b); }
    else if (b.type === 'redacted_thinking') thinking.push(b);
  }
  const m: ChatMessage = { role: 'assistant', content: text || (calls.length ? null : '') };
  if (calls.length) m.tool_calls = calls;
  if (reasoning) m.reasoning_content = reasoning;
  if (thinking.length) m.thinking_blocks = thinking;
  return m;
}

function systemMessage(system: unknown): ChatMessage | undefined {
  if (system === undefined || system === null) return undefined;
  if (typeof system === 'string') return system ? { role: 'system', content: system } : undefined;
  const blocks = system as Block[];
  if (!blocks.length) return undefined;
  if (blocks.every((b) => !b.cache_control)) return { role: 'system', content: blocks.map((b) => b.text).join('\n') };
  return { role: 'system', content: blocks.map((b) => withCache({ type: 'text' as const, text: b.text as string }, b)) };
}

/** Anthropic's thinking budget as an OpenAI-style reasoning effort (for non-Anthropic upstreams). */
function effortFor(thinking: Block): string | undefined {
  if (thinking.type === 'adaptive') return 'medium';
  if (thinking.type !== 'enabled') return undefined;
  const b = thinking.budget_tokens as number;
  return b < 4096 ? 'low' : b < 16384 ? 'medium' : 'high';
}

export function toCanonical(o: Obj, opts: ConvertOptions): ChatRequest {
  const messages: ChatMessage[] = [];
  const sys = systemMessage(o.system);
  if (sys) messages.push(sys);
  for (const m of o.messages as Array<{ role: string; content: string | Block[] }>) {
    if (m.role === 'user') messages.push(...userMessages(m.content));
    else messages.push(assistantMessage(m.content));
  }
  const req: ChatRequest = { model: o.model as string, messages };
  if (typeof o.max_tokens === 'number') req.max_tokens = o.max_tokens;
  if (o.stream === true) req.stream = true;
  if (Array.isArray(o.stop_sequences) && o.stop_sequences.length) req.stop = o.stop_sequences as string[];
  if (typeof o.temperature === 'number') req.temperature = o.temperature;
  if (typeof o.top_p === 'number') req.top_p = o.top_p;
  if (typeof o.top_k === 'number') req.top_k = o.top_k;
  const meta = o.metadata as Block | undefined;
  if (meta?.user_id) req.user = meta.user_id;

  const tools = o.tools as Block[] | undefined;
  if (tools?.length) {
    req.tools = tools.map((t): ToolDefinition => ({
      type: 'function',
      function: { name: t.name, ...(t.description ? { description: t.description } : {}), parameters: t.input_schema },
    }));
  }
  const tc = o.tool_choice as Block | undefined;
  if (tc) {
    if (tc.type === 'auto') req.tool_choice = 'auto';
    else if (tc.type === 'any') req.tool_choice = 'required';
    else if (tc.type === 'none') req.tool_choice = 'none';
    else if (tc.type === 'tool') req.tool_choice = { type: 'function', function: { name: tc.name } };
    if (tc.disable_parallel_tool_use === true) req.parallel_tool_calls = false;
  }

  const oc = o.output_config as Block | undefined;
  if (oc?.format) req.response_format = { type: 'json_schema', json_schema: { name: 'output', schema: oc.format.schema, strict: true } };

  const thinking = o.thinking as Block | undefined;
  if (opts.native) {
    if (thinking) req.thinking = thinking;
    if (oc && oc.effort !== undefined) req.output_config = { effort: oc.effort };
    for (const f of NATIVE_ONLY) if (o[f] !== undefined && o[f] !== null) req[f] = o[f];
  } else {
    const effort = thinking ? effortFor(thinking) : typeof oc?.effort === 'string' ? (oc.effort === 'low' || oc.effort === 'medium' ? oc.effort : 'high') : undefined;
    if (effort) req.reasoning_effort = effort;
    for (const f of NATIVE_ONLY) {
      if (o[f] === undefined || o[f] === null) continue;
      if (!opts.dropParams) throw badRequest(`${f}: only Anthropic upstreams support this field`, f, 'unsupported_parameter');
      opts.dropped.push(f);
    }
  }
  return req;
}
