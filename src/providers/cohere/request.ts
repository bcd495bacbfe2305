/**
 * Canonical ChatRequest -> Cohere v2 chat request (https://docs.cohere.com/reference/chat).
 * Every canonical field is either mapped, known to be a no-op, or unsupported: unsupported ones are dropped
 * (listed in call.dropped) when drop_params is on and rejected with a 400 naming the parameter otherwise —
 * before anything is sent upstream.
 */
import { badRequest } from '../../core/errors.js';
import type { ChatMessage, ChatRequest, ContentPart, ToolChoice, ToolDefinition } from '../../core/types.js';
import type { CallContext } from '../types.js';
import type { CohereAssistantPart, CohereChatRequest, CohereMessage, CohereTool, CohereUserPart } from './wire.js';

/** Fields consumed by the gateway or by the mapping below (not forwarded as they are). */
const HANDLED = new Set([
  'model', 'messages', 'stream', 'stream_options', 'tools', 'tool_choice', 'parallel_tool_calls', 'response_format', 'stop',
  'n', 'seed', 'logprobs', 'top_logprobs', 'max_tokens', 'max_completion_tokens', 'temperature', 'top_p', 'top_k',
  'presence_penalty', 'frequency_penalty', 'reasoning_effort', 'fallbacks', 'drop_params',
]);

/** Cohere-native request fields a client may send through the canonical request; forwarded unchanged. */
const NATIVE = new Set(['k', 'safety_mode', 'documents', 'citation_options', 'strict_tools', 'thinking', 'priority']);

class Converter {
  constructor(private readonly call: CallContext) {}

  /** Drops a parameter the upstream cannot take, or rejects the request (see drop_params). */
  unsupported(param: string, why = `Cohere does not support '${param}'.`): void {
    if (this.call.dropParams) {
      if (!this.call.dropped?.includes(param)) this.call.dropped?.push(param);
      return;
    }
    throw badRequest(`${why} Remove it or set drop_params to drop it.`, param, 'unsupported_parameter');
  }

  text(content: ChatMessage['content'], path: string): string {
    if (content === undefined || content === null) return '';
    if (typeof content === 'string') return content;
    let out = '';
    content.forEach((part, i) => {
      if (part.type === 'text') out += (part as { text: string }).text;
      else this.unsupported(`${path}[${i}]`, `Cohere accepts only text in '${path}'.`);
    });
    return out;
  }

  userContent(content: ChatMessage['content'], path: string): string | CohereUserPart[] {
    if (content === undefined || content === null) return '';
    if (typeof content === 'string') return content;
    const parts: CohereUserPart[] = [];
    content.forEach((part: ContentPart, i) => {
      if (part.type === 'text') parts.push({ type: 'text', text: (part as { text: string }).text });
      else if (part.type === 'image_url') {
        const iu = (part as { image_url: { url: string; detail?: string } }).image_url;
        parts.push({ type: 'image_url', image_url: iu.detail ? { url: iu.url, detail: iu.detail } : { url: iu.url } });
      } else this.unsupported(`${path}[${i}]`, `Cohere does not accept '${part.type}' content parts.`);
    });
    return parts;
  }

  message(m: ChatMessage, i: number): CohereMessage | undefined {
    const path = `messages[${i}].content`;
    switch (m.role) {
      case 'system':
      case 'developer':
        return { role: 'system', content: this.text(m.content, path) };
      case 'user':
        return { role: 'user', content: this.userContent(m.content, path) };
      case 'assistant': {
        const out: Extract<CohereMessage, { role: 'assistant' }> = { role: 'assistant' };
        const text = this.text(m.content, path);
        if (m.tool_calls?.length) {
          out.tool_calls = m.tool_calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.function.name, arguments: c.function.arguments } }));
          // Text that precedes tool calls is Cohere's tool plan.
          if (text) out.tool_plan = text;
        } else if (m.reasoning_content) {
          const parts: CohereAssistantPart[] = [{ type: 'thinking', thinking: m.reasoning_content }];
          if (text) parts.push({ type: 'text', text });
          out.content = parts;
        } else {
          out.content = text;
        }
        return out;
      }
      case 'tool':
        return { role: 'tool', tool_call_id: m.tool_call_id ?? '', content: this.text(m.content, path) };
      default:
        this.unsupported(`messages[${i}].role`, `Cohere does not support messages with role '${m.role}'.`);
        return undefined;
    }
  }

  tools(tools: ToolDefinition[], choice: ToolChoice | undefined, out: CohereChatRequest): void {
    let list: CohereTool[] = tools.map((t) => {
      const fn: CohereTool['function'] = { name: t.function.name };
      if (t.function.description !== undefined) fn.description = t.function.description;
      if (t.function.parameters !== undefined) fn.parameters = t.function.parameters;
      return { type: 'function', function: fn };
    });
    if (tools.some((t) => t.function.strict === true)) out.strict_tools = true;
    if (choice === 'none') out.tool_choice = 'NONE';
    else if (choice === 'required') out.tool_choice = 'REQUIRED';
    else if (choice && typeof choice === 'object') {
      // Cohere cannot name a tool: offer only that one and require a call.
      list = list.filter((t) => t.function.name === choice.function.name);
      out.tool_choice = 'REQUIRED';
    }
    out.tools = list;
  }
}

export function toCohereChat(req: ChatRequest, model: string, call: CallContext, stream: boolean): CohereChatRequest {
  const conv = new Converter(call);
  const messages: CohereMessage[] = [];
  req.messages.forEach((m, i) => {
    const cm = conv.message(m, i);
    if (cm) messages.push(cm);
  });
  const out: CohereChatRequest = { model, messages };
  if (stream) out.stream = true;

  if (req.tools?.length) conv.tools(req.tools, req.tool_choice, out);
  if (req.parallel_tool_calls === false) conv.unsupported('parallel_tool_calls', 'Cohere cannot disable parallel tool calls.');

  const rf = req.response_format;
  if (rf?.type === 'text') out.response_format = { type: 'text' };
  else if (rf?.type === 'json_object') out.response_format = { type: 'json_object' };
  else if (rf?.type === 'json_schema') out.response_format = rf.json_schema?.schema ? { type: 'json_object', json_schema: rf.json_schema.schema } : { type: 'json_object' };

  if (req.stop !== undefined && req.stop !== null) out.stop_sequences = typeof req.stop === 'string' ? [req.stop] : req.stop;
  const maxTokens = req.max_completion_tokens ?? req.max_tokens;
  if (maxTokens !== undefined && maxTokens !== null) out.max_tokens = maxTokens;
  if (req.temperature !== undefined && req.temperature !== null) out.temperature = req.temperature;
  if (req.top_p !== undefined && req.top_p !== null) out.p = req.top_p;
  if (typeof req.top_k === 'number') out.k = req.top_k;
  if (req.seed !== undefined && req.seed !== null) out.seed = req.seed;
  if (req.frequency_penalty !== undefined && req.frequency_penalty !== null) out.frequency_penalty = req.frequency_penalty;
  if (req.presence_penalty !== undefined && req.presence_penalty !== null) out.presence_penalty = req.presence_penalty;

  const effort = req.reasoning_effort;
  if (typeof effort === 'string') out.thinking = effort === 'none' || effort === 'minimal' ? { type: 'disabled' } : { type: 'enabled' };

  if (req.n !== undefined && req.n !== null && req.n !== 1) conv.unsupported('n', 'Cohere returns one choice per request.');
  if (req.logprobs === true) conv.unsupported('logprobs');
  if (req.top_logprobs !== undefined && req.top_logprobs !== null) conv.unsupported('top_logprobs');

  for (const [k, v] of Object.entries(req)) {
    if (HANDLED.has(k) || v === undefined) continue;
    if (NATIVE.has(k)) out[k] = v;
    else conv.unsupported(k);
  }
  return out;
}
