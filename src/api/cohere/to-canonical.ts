/**
 * Cohere v2 chat request (https://docs.cohere.com/reference/chat) -> canonical ChatRequest, validating as
 * it goes: a malformed field is a 400 naming it; fields this gateway cannot honour are rejected rather
 * than silently ignored.
 */
import type { ChatMessage, ChatRequest, ContentPart, ToolCall, ToolDefinition } from '../../core/types.js';
import { invalid, isObj, optNumber, reqString, typeName, type Obj } from './check.js';

/** Cohere-native fields kept on the canonical request as extensions (the Cohere provider forwards them). */
const NATIVE = ['safety_mode', 'documents', 'citation_options', 'priority'];
const MAPPED = new Set([
  'model', 'messages', 'stream', 'tools', 'strict_tools', 'tool_choice', 'response_format', 'max_tokens', 'stop_sequences',
  'temperature', 'seed', 'frequency_penalty', 'presence_penalty', 'p', 'k', 'thinking', 'logprobs', ...NATIVE,
]);

function textParts(content: unknown, path: string, allowed: Set<string>): ContentPart[] | string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) invalid(path, `${path} must be a string or a list of content items, got ${typeName(content)}`);
  return content.map((part, i): ContentPart => {
    const p = `${path}[${i}]`;
    if (!isObj(part) || typeof part.type !== 'string' || !allowed.has(part.type)) {
      invalid(`${p}.type`, `${p}.type must be one of ${[...allowed].join(', ')}`);
    }
    if (part.type === 'text') return { type: 'text', text: reqText(part, p) };
    if (part.type === 'thinking') {
      if (typeof part.thinking !== 'string') invalid(`${p}.thinking`, `${p}.thinking must be a string`);
      return { type: 'thinking', thinking: part.thinking };
    }
    if (part.type === 'document') {
      const doc = part.document;
      if (!isObj(doc)) invalid(`${p}.document`, `${p}.document must be an object`);
      return { type: 'text', text: typeof doc.data === 'string' ? doc.data : JSON.stringify(doc.data) };
    }
    const iu = part.image_url;
    if (!isObj(iu) || typeof iu.url !== 'string' || !iu.url) invalid(`${p}.image_url.url`, `${p}.image_url.url must be a URL or a data URL`);
    const detail = iu.detail;
    if (detail !== undefined && detail !== 'auto' && detail !== 'low' && detail !== 'high') invalid(`${p}.image_url.detail`, `${p}.image_url.detail must be auto, low or high`);
    return { type: 'image_url', image_url: detail ? { url: iu.url, detail } : { url: iu.url } };
  });
}

function reqText(part: Obj, path: string): string {
  if (typeof part.text !== 'string') invalid(`${path}.text`, `${path}.text must be a string`);
  return part.text;
}

const joinText = (c: ContentPart[] | string): string =>
  typeof c === 'string' ? c : c.map((p) => (p.type === 'text' ? (p as { text: string }).text : '')).join('');

function toolCalls(v: unknown, path: string): ToolCall[] {
  if (!Array.isArray(v)) invalid(path, `${path} must be a list`);
  return v.map((c, i) => {
    const p = `${path}[${i}]`;
    if (!isObj(c) || !isObj(c.function)) invalid(p, `${p} must be {id, type: "function", function: {name, arguments}}`);
    const id = reqString(c, 'id', `${p}.id`);
    const name = reqString(c.function, 'name', `${p}.function.name`);
    const args = c.function.arguments;
    if (args !== undefined && typeof args !== 'string') invalid(`${p}.function.arguments`, `${p}.function.arguments must be a JSON string`);
    return { id, type: 'function', function: { name, arguments: args || '{}' } };
  });
}

function message(m: unknown, i: number): ChatMessage {
  const path = `messages[${i}]`;
  if (!isObj(m)) invalid(path, `${path} must be an object`);
  const role = m.role;
  const cpath = `${path}.content`;
  switch (role) {
    case 'system':
      if (m.content === undefined) invalid(cpath, `${cpath} is required`);
      return { role: 'system', content: joinText(textParts(m.content, cpath, new Set(['text']))) };
    case 'user':
      if (m.content === undefined) invalid(cpath, `${cpath} is required`);
      return { role: 'user', content: textParts(m.content, cpath, new Set(['text', 'image_url'])) };
    case 'assistant': {
      const out: ChatMessage = { role: 'assistant' };
      let text = '';
      if (m.content !== undefined && m.content !== null) {
        const parts = textParts(m.content, cpath, new Set(['text', 'thinking']));
        text = joinText(parts);
        if (typeof parts !== 'string') {
          const thinking = parts.filter((p) => p.type === 'thinking').map((p) => (p as unknown as { thinking: string }).thinking).join('');
          if (thinking) out.reasoning_content = thinking;
        }
      }
      if (m.tool_calls !== undefined && m.tool_calls !== null) {
        const calls = toolCalls(m.tool_calls, `${path}.tool_calls`);
        if (calls.length) out.tool_calls = calls;
      }
      if (m.tool_plan !== undefined && typeof m.tool_plan !== 'string') invalid(`${path}.tool_plan`, `${path}.tool_plan must be a string`);
      // The tool plan is the text an assistant wrote before its tool calls.
      out.content = text || (typeof m.tool_plan === 'string' && m.tool_plan ? m.tool_plan : out.tool_calls ? null : '');
      return out;
    }
    case 'tool': {
      const id = reqString(m, 'tool_call_id', `${path}.tool_call_id`);
      if (m.content === undefined) invalid(cpath, `${cpath} is required`);
      return { role: 'tool', tool_call_id: id, content: joinText(textParts(m.content, cpath, new Set(['text', 'document']))) };
    }
    default:
      return invalid(`${path}.role`, `${path}.role must be one of system, user, assistant, tool, got ${JSON.stringify(role)}`);
  }
}

function tools(v: unknown, strict: boolean): ToolDefinition[] {
  if (!Array.isArray(v)) invalid('tools', 'tools must be a list');
  return v.map((t, i) => {
    const p = `tools[${i}]`;
    if (!isObj(t) || t.type !== 'function' || !isObj(t.function)) invalid(p, `${p} must be {type: "function", function: {name, parameters}}`);
    const name = reqString(t.function, 'name', `${p}.function.name`);
    const fn: ToolDefinition['function'] = { name };
    if (t.function.description !== undefined) {
      if (typeof t.function.description !== 'string') invalid(`${p}.function.description`, `${p}.function.description must be a string`);
      fn.description = t.function.description;
    }
    if (t.function.parameters !== undefined) {
      if (!isObj(t.function.parameters)) invalid(`${p}.function.parameters`, `${p}.function.parameters must be a JSON schema object`);
      fn.parameters = t.function.parameters;
    }
    if (strict) fn.strict = true;
    return { type: 'function', function: fn };
  });
}

export function toCanonical(o: Obj): ChatRequest {
  for (const k of Object.keys(o)) if (!MAPPED.has(k)) invalid(k, `unknown field: ${k}`);
  const model = reqString(o, 'model', 'model');
  if (!Array.isArray(o.messages) || o.messages.length === 0) invalid('messages', 'messages must be a non-empty list');
  const req: ChatRequest = { model, messages: o.messages.map(message) };

  if (o.stream !== undefined && typeof o.stream !== 'boolean') invalid('stream', 'stream must be a boolean');
  if (o.stream === true) req.stream = true;
  if (o.strict_tools !== undefined && typeof o.strict_tools !== 'boolean') invalid('strict_tools', 'strict_tools must be a boolean');
  if (o.tools !== undefined && o.tools !== null) {
    const list = tools(o.tools, o.strict_tools === true);
    if (list.length) req.tools = list;
  }
  if (o.tool_choice !== undefined) {
    if (o.tool_choice !== 'REQUIRED' && o.tool_choice !== 'NONE') invalid('tool_choice', 'tool_choice must be REQUIRED or NONE');
    if (!req.tools) invalid('tool_choice', 'tool_choice requires tools');
    req.tool_choice = o.tool_choice === 'REQUIRED' ? 'required' : 'none';
  }

  const rf = o.response_format;
  if (rf !== undefined && rf !== null) {
    if (!isObj(rf) || (rf.type !== 'text' && rf.type !== 'json_object')) invalid('response_format.type', 'response_format.type must be text or json_object');
    if (rf.type === 'text') req.response_format = { type: 'text' };
    else if (rf.json_schema !== undefined) {
      if (!isObj(rf.json_schema)) invalid('response_format.json_schema', 'response_format.json_schema must be a JSON schema object');
      req.response_format = { type: 'json_schema', json_schema: { name: 'response', schema: rf.json_schema } };
    } else req.response_format = { type: 'json_object' };
  }

  const maxTokens = optNumber(o, 'max_tokens', 1, Number.MAX_SAFE_INTEGER, true);
  if (maxTokens !== undefined) req.max_tokens = maxTokens;
  if (o.stop_sequences !== undefined && o.stop_sequences !== null) {
    if (!Array.isArray(o.stop_sequences) || o.stop_sequences.some((s) => typeof s !== 'string')) invalid('stop_sequences', 'stop_sequences must be a list of strings');
    req.stop = o.stop_sequences as string[];
  }
  const temperature = optNumber(o, 'temperature', 0, 2);
  if (temperature !== undefined) req.temperature = temperature;
  const seed = optNumber(o, 'seed', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, true);
  if (seed !== undefined) req.seed = seed;
  const fp = optNumber(o, 'frequency_penalty', 0, 1);
  if (fp !== undefined) req.frequency_penalty = fp;
  const pp = optNumber(o, 'presence_penalty', 0, 1);
  if (pp !== undefined) req.presence_penalty = pp;
  const p = optNumber(o, 'p', 0.01, 0.99);
  if (p !== undefined) req.top_p = p;
  const k = optNumber(o, 'k', 0, 500, true);
  if (k !== undefined) req.top_k = k;

  if (o.logprobs === true) invalid('logprobs', 'logprobs is not supported by this gateway');
  if (o.thinking !== undefined && o.thinking !== null) {
    const t = o.thinking;
    if (!isObj(t) || (t.type !== 'enabled' && t.type !== 'disabled')) invalid('thinking.type', 'thinking.type must be enabled or disabled');
    if (t.token_budget !== undefined) optNumber(t, 'token_budget', 1, Number.MAX_SAFE_INTEGER, true);
    // Canonical requests express thinking as an effort; disabled is the default everywhere.
    if (t.type === 'enabled') req.reasoning_effort = 'medium';
  }
  for (const f of NATIVE) if (o[f] !== undefined) req[f] = o[f];
  return req;
}
