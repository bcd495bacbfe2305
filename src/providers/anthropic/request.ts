/**
 * Canonical ChatRequest -> Anthropic Messages request. System/developer messages become the top-level
 * `system`; tool results become `tool_result` blocks in the following user turn (consecutive ones merged,
 * as Anthropic requires all results of one assistant turn in one user message); images become base64 or
 * url sources; OpenAI parameters without an Anthropic counterpart are dropped (drop_params) or rejected
 * with a 400 before anything is sent.
 */
import { badRequest } from '../../core/errors.js';
import type { ChatMessage, ChatRequest, ContentPart } from '../../core/types.js';
import type { CallContext } from '../types.js';
import type {
  AnthropicBlock, AnthropicImageBlock, AnthropicMessage, AnthropicRequest, AnthropicTextBlock, AnthropicToolChoice,
} from './wire.js';

/** Anthropic requires max_tokens; used when the client gave none. */
export const DEFAULT_MAX_TOKENS = 4096;

/** OpenAI's reasoning_effort mapped to an extended-thinking budget (budget_tokens must be >= 1024). */
const THINKING_BUDGET: Record<string, number> = { minimal: 1024, low: 2048, medium: 8192, high: 24576 };

/** OpenAI parameters Anthropic has no counterpart for. */
const UNSUPPORTED = ['n', 'presence_penalty', 'frequency_penalty', 'logprobs', 'top_logprobs', 'logit_bias', 'seed', 'audio', 'modalities', 'prediction', 'web_search_options'];

/** Anthropic-native fields a client may set on the canonical request (e.g. via the Anthropic dialect); sent as is. */
const NATIVE_PASSTHROUGH = ['top_k', 'thinking', 'metadata', 'service_tier', 'container', 'context_management', 'mcp_servers', 'inference_geo'];

const DATA_URL = /^data:([^;,]+)(?:;[^,]*)?;base64,(.*)$/s;

/** Drops the parameter when drop_params is on, otherwise rejects the request naming it. */
function unsupported(call: CallContext, param: string, why: string): void {
  if (call.dropParams) {
    call.dropped?.push(param);
    return;
  }
  throw badRequest(`anthropic does not support '${param}': ${why}. Remove it or set drop_params.`, param, 'unsupported_parameter');
}

function isPresent(v: unknown): boolean {
  return v !== undefined && v !== null && v !== false;
}

function imageBlock(url: string, cacheControl: unknown): AnthropicImageBlock {
  const m = DATA_URL.exec(url);
  const block: AnthropicImageBlock = m
    ? { type: 'image', source: { type: 'base64', media_type: m[1], data: m[2] } }
    : { type: 'image', source: { type: 'url', url } };
  if (cacheControl) block.cache_control = cacheControl;
  return block;
}

function partToBlock(part: ContentPart, path: string, call: CallContext): AnthropicBlock | undefined {
  const cc = (part as { cache_control?: unknown }).cache_control;
  switch (part.type) {
    case 'text': {
      const b: AnthropicTextBlock = { type: 'text', text: String((part as { text: unknown }).text ?? '') };
      if (cc) b.cache_control = cc;
      return b;
    }
    case 'image_url':
      return imageBlock((part as { image_url: { url: string } }).image_url.url, cc);
    case 'file': {
      const f = (part as { file: { file_data?: string; filename?: string } }).file;
      const m = f.file_data ? DATA_URL.exec(f.file_data) : null;
      if (!m) { unsupported(call, `${path}.file`, 'only inline file_data (base64 data URLs) can be sent'); return undefined; }
      return { type: 'document', source: { type: 'base64', media_type: m[1], data: m[2] }, ...(f.filename ? { title: f.filename } : {}) };
    }
    default:
      unsupported(call, `${path}.type`, `content parts of type '${part.type}' are not accepted`);
      return undefined;
  }
}

function contentBlocks(content: ChatMessage['content'], path: string, call: CallContext): AnthropicBlock[] {
  if (content === undefined || content === null) return [];
  if (typeof content === 'string') return content ? [{ type: 'text', text: content }] : [];
  const out: AnthropicBlock[] = [];
  content.forEach((p, i) => {
    const b = partToBlock(p, `${path}[${i}]`, call);
    if (b) out.push(b);
  });
  return out;
}

function parseArguments(args: string, path: string): unknown {
  if (!args) return {};
  try {
    return JSON.parse(args);
  } catch {
    throw badRequest(`'${path}' must be a JSON object string`, path, 'invalid_value');
  }
}

function assistantBlocks(m: ChatMessage, path: string, call: CallContext): AnthropicBlock[] {
  const out: AnthropicBlock[] = [];
  // Thinking blocks (with their signatures) must be sent back unchanged in tool-use loops; the Anthropic
  // dialect keeps them on the message as `thinking_blocks`.
  const thinking = m.thinking_blocks;
  if (Array.isArray(thinking)) out.push(...(thinking as AnthropicBlock[]));
  out.push(...contentBlocks(m.content, `${path}.content`, call));
  m.tool_calls?.forEach((tc, i) => {
    out.push({ type: 'tool_use', id: tc.id, name: tc.function.name, input: parseArguments(tc.function.arguments, `${path}.tool_calls[${i}].function.arguments`) });
  });
  return out;
}

function toolResult(m: ChatMessage, path: string, call: CallContext): AnthropicBlock {
  const blocks = contentBlocks(m.content, `${path}.content`, call).filter((b): b is AnthropicTextBlock | AnthropicImageBlock => b.type === 'text' || b.type === 'image');
  const content = typeof m.content === 'string' ? m.content : blocks;
  const out: AnthropicBlock = { type: 'tool_result', tool_use_id: String(m.tool_call_id ?? m.name ?? ''), content };
  if (m.is_error === true) out.is_error = true;
  return out;
}

/** Appends blocks to the conversation, merging consecutive turns of the same role. */
function push(messages: AnthropicMessage[], role: 'user' | 'assistant', blocks: AnthropicBlock[]): void {
  if (!blocks.length) return;
  const last = messages[messages.length - 1];
  if (last && last.role === role && Array.isArray(last.content)) last.content.push(...blocks);
  else messages.push({ role, content: blocks });
}

function convertMessages(req: ChatRequest, call: CallContext): { system?: AnthropicTextBlock[]; messages: AnthropicMessage[] } {
  const system: AnthropicTextBlock[] = [];
  const messages: AnthropicMessage[] = [];
  req.messages.forEach((m, i) => {
    const path = `messages[${i}]`;
    switch (m.role) {
      case 'system':
      case 'developer':
        for (const b of contentBlocks(m.content, `${path}.content`, call)) {
          if (b.type === 'text') system.push(b);
          else unsupported(call, `${path}.content`, 'system messages can only hold text');
        }
        break;
      case 'assistant':
        push(messages, 'assistant', assistantBlocks(m, path, call));
        break;
      case 'tool':
      case 'function':
        push(messages, 'user', [toolResult(m, path, call)]);
        break;
      default:
        push(messages, 'user', contentBlocks(m.content, `${path}.content`, call));
    }
  });
  // A plain single user string stays a string (the smallest documented form).
  const only = messages.length === 1 ? messages[0] : undefined;
  if (only && only.role === 'user' && Array.isArray(only.content) && only.content.length === 1 && only.content[0].type === 'text' && !only.content[0].cache_control) {
    only.content = only.content[0].text;
  }
  return { system: system.length ? system : undefined, messages };
}

function toolChoice(req: ChatRequest): AnthropicToolChoice | undefined {
  const tc = req.tool_choice;
  const noParallel = req.parallel_tool_calls === false;
  let out: AnthropicToolChoice | undefined;
  if (tc === 'none') return { type: 'none' };
  if (tc === 'auto') out = { type: 'auto' };
  else if (tc === 'required') out = { type: 'any' };
  else if (tc && typeof tc === 'object') out = { type: 'tool', name: tc.function.name };
  if (noParallel && req.tools?.length) out = { ...(out ?? { type: 'auto' }), disable_parallel_tool_use: true } as AnthropicToolChoice;
  return out;
}

/** Builds the Anthropic request body (without `stream`; the caller sets it). */
export function toAnthropicRequest(req: ChatRequest, model: string, call: CallContext): AnthropicRequest {
  for (const p of UNSUPPORTED) {
    const v = req[p];
    if (!isPresent(v) || (p === 'n' && v === 1)) continue;
    unsupported(call, p, 'the Messages API has no such parameter');
  }
  const { system, messages } = convertMessages(req, call);
  const out: AnthropicRequest = { model, messages, max_tokens: req.max_completion_tokens ?? req.max_tokens ?? DEFAULT_MAX_TOKENS };
  if (system) out.system = system;
  if (req.stop !== undefined && req.stop !== null) out.stop_sequences = Array.isArray(req.stop) ? req.stop : [req.stop];
  if (req.temperature !== undefined && req.temperature !== null) out.temperature = req.temperature;
  if (req.top_p !== undefined && req.top_p !== null) out.top_p = req.top_p;
  if (req.user) out.metadata = { user_id: req.user };
  if (req.tools?.length && req.tool_choice !== 'none') {
    out.tools = req.tools.map((t) => ({
      name: t.function.name,
      ...(t.function.description ? { description: t.function.description } : {}),
      input_schema: t.function.parameters ?? { type: 'object', properties: {} },
    }));
  }
  const tc = toolChoice(req);
  if (tc && out.tools) out.tool_choice = tc;

  const rf = req.response_format;
  if (rf?.type === 'json_schema') {
    out.output_config = { format: { type: 'json_schema', schema: rf.json_schema?.schema ?? { type: 'object' } } };
  } else if (rf?.type === 'json_object') {
    unsupported(call, 'response_format', "JSON mode without a schema has no Anthropic counterpart (use 'json_schema')");
  }

  const effort = req.reasoning_effort;
  if (typeof effort === 'string' && effort !== 'none' && req.thinking === undefined) {
    const budget = THINKING_BUDGET[effort] ?? THINKING_BUDGET.medium;
    out.thinking = { type: 'enabled', budget_tokens: budget };
    // budget_tokens must stay below max_tokens: give the answer room on top of the budget by default.
    if (out.max_tokens! <= budget) out.max_tokens = req.max_completion_tokens ?? req.max_tokens ? budget + out.max_tokens! : budget + DEFAULT_MAX_TOKENS;
  }
  for (const f of NATIVE_PASSTHROUGH) {
    if (req[f] !== undefined && req[f] !== null) out[f] = req[f];
  }
  if (req.output_config && typeof req.output_config === 'object') out.output_config = { ...(req.output_config as object), ...out.output_config };
  return out;
}

/** The subset of a Messages request that /v1/messages/count_tokens accepts. */
export function toCountTokensRequest(body: AnthropicRequest): Record<string, unknown> {
  const out: Record<string, unknown> = { model: body.model, messages: body.messages };
  for (const f of ['system', 'tools', 'tool_choice', 'thinking', 'mcp_servers', 'output_config'] as const) {
    if (body[f] !== undefined) out[f] = body[f];
  }
  return out;
}
