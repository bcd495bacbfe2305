/**
 * Validates OpenAI-dialect request bodies before anything is sent upstream. Unknown fields are allowed
 * (they pass through to OpenAI-family upstreams); known fields must have the documented types/ranges.
 */
import { badRequest } from '../../core/errors.js';
import type { ChatRequest, CompletionRequest, EmbeddingsRequest } from '../../core/types.js';
import { fail, isObj, optBool, optNumber, optString, reqString, typeName, type Obj } from './check.js';

const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool', 'function']);
const PART_TYPES = new Set(['text', 'image_url', 'input_audio', 'file', 'refusal']);
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

function validateContent(content: unknown, path: string, role: string): void {
  if (content === undefined || content === null) {
    if (role === 'assistant') return;
    throw badRequest(`Missing required parameter: '${path}'.`, path, 'missing_required_parameter');
  }
  if (typeof content === 'string') return;
  if (!Array.isArray(content)) fail(path, `Invalid type for '${path}': expected a string or an array of content parts, but got ${typeName(content)}.`);
  content.forEach((part, i) => {
    const p = `${path}[${i}]`;
    if (!isObj(part)) fail(p, `Invalid type for '${p}': expected an object, but got ${typeName(part)}.`);
    const type = part.type;
    if (typeof type !== 'string' || !PART_TYPES.has(type)) fail(`${p}.type`, `Invalid value: '${String(type)}'. Supported values are: 'text', 'image_url', 'input_audio', 'file' and 'refusal'.`);
    if (type === 'text' && typeof part.text !== 'string') fail(`${p}.text`, `Missing or invalid '${p}.text': expected a string.`);
    if (type === 'image_url') {
      const iu = part.image_url;
      if (!isObj(iu) || typeof iu.url !== 'string' || !iu.url) fail(`${p}.image_url.url`, `Missing or invalid '${p}.image_url.url': expected a URL or a data URL.`);
    }
    if (type === 'input_audio') {
      const a = part.input_audio;
      if (!isObj(a) || typeof a.data !== 'string' || typeof a.format !== 'string') fail(`${p}.input_audio`, `Invalid '${p}.input_audio': expected {data, format}.`);
    }
  });
}

function validateToolCalls(calls: unknown, path: string): void {
  if (calls === undefined || calls === null) return;
  if (!Array.isArray(calls)) fail(path, `Invalid type for '${path}': expected an array, but got ${typeName(calls)}.`);
  calls.forEach((c, i) => {
    const p = `${path}[${i}]`;
    if (!isObj(c)) fail(p, `Invalid type for '${p}': expected an object.`);
    reqString(c, 'id', `${p}.id`);
    if (c.type !== 'function') fail(`${p}.type`, `Invalid value for '${p}.type': expected 'function'.`);
    if (!isObj(c.function)) fail(`${p}.function`, `Missing required parameter: '${p}.function'.`);
    reqString(c.function, 'name', `${p}.function.name`);
    if (typeof c.function.arguments !== 'string') fail(`${p}.function.arguments`, `Invalid type for '${p}.function.arguments': expected a string.`);
  });
}

function validateMessages(messages: unknown): void {
  if (messages === undefined || messages === null) throw badRequest("Missing required parameter: 'messages'.", 'messages', 'missing_required_parameter');
  if (!Array.isArray(messages)) fail('messages', `Invalid type for 'messages': expected an array, but got ${typeName(messages)}.`);
  if (messages.length === 0) fail('messages', "Invalid 'messages': empty array. Expected an array with minimum length 1.");
  messages.forEach((m, i) => {
    const p = `messages[${i}]`;
    if (!isObj(m)) fail(p, `Invalid type for '${p}': expected an object, but got ${typeName(m)}.`);
    const role = m.role;
    if (typeof role !== 'string' || !ROLES.has(role)) {
      fail(`${p}.role`, `Invalid value for '${p}.role': '${String(role)}'. Supported values are: 'system', 'developer', 'user', 'assistant', 'tool' and 'function'.`);
    }
    const hasCalls = Array.isArray(m.tool_calls) && m.tool_calls.length > 0;
    if (!(role === 'assistant' && hasCalls)) validateContent(m.content, `${p}.content`, role);
    else if (m.content !== null && m.content !== undefined) validateContent(m.content, `${p}.content`, role);
    optString(m, 'name', `${p}.name`);
    if (role === 'assistant') validateToolCalls(m.tool_calls, `${p}.tool_calls`);
    if (role === 'tool') reqString(m, 'tool_call_id', `${p}.tool_call_id`);
  });
}

function validateTools(o: Obj): Set<string> {
  const names = new Set<string>();
  const tools = o.tools;
  if (tools === undefined || tools === null) return names;
  if (!Array.isArray(tools)) fail('tools', `Invalid type for 'tools': expected an array, but got ${typeName(tools)}.`);
  tools.forEach((t, i) => {
    const p = `tools[${i}]`;
    if (!isObj(t)) fail(p, `Invalid type for '${p}': expected an object.`);
    if (t.type !== 'function') fail(`${p}.type`, `Invalid value for '${p}.type': expected 'function'.`);
    if (!isObj(t.function)) throw badRequest(`Missing required parameter: '${p}.function'.`, `${p}.function`, 'missing_required_parameter');
    const name = reqString(t.function, 'name', `${p}.function.name`);
    if (!TOOL_NAME.test(name)) fail(`${p}.function.name`, `Invalid '${p}.function.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$' of at most 64 characters.`);
    const params = t.function.parameters;
    if (params !== undefined && !isObj(params)) fail(`${p}.function.parameters`, `Invalid type for '${p}.function.parameters': expected an object (JSON schema).`);
    names.add(name);
  });
  return names;
}

function validateToolChoice(o: Obj, tools: Set<string>): void {
  const tc = o.tool_choice;
  if (tc === undefined || tc === null) return;
  if (tools.size === 0) fail('tool_choice', "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.");
  if (typeof tc === 'string') {
    if (tc !== 'none' && tc !== 'auto' && tc !== 'required') fail('tool_choice', `Invalid value for 'tool_choice': '${tc}'. Supported values are: 'none', 'auto' and 'required'.`);
    return;
  }
  if (!isObj(tc) || tc.type !== 'function' || !isObj(tc.function) || typeof tc.function.name !== 'string') {
    fail('tool_choice', "Invalid 'tool_choice': expected 'none', 'auto', 'required' or {\"type\":\"function\",\"function\":{\"name\":...}}.");
  }
  if (!tools.has(tc.function.name)) fail('tool_choice', `Invalid 'tool_choice': no tool named '${tc.function.name}' in 'tools'.`);
}

function validateResponseFormat(o: Obj): void {
  const rf = o.response_format;
  if (rf === undefined || rf === null) return;
  if (!isObj(rf)) fail('response_format', `Invalid type for 'response_format': expected an object, but got ${typeName(rf)}.`);
  if (rf.type !== 'text' && rf.type !== 'json_object' && rf.type !== 'json_schema') {
    fail('response_format.type', `Invalid value for 'response_format.type': '${String(rf.type)}'. Supported values are: 'text', 'json_object' and 'json_schema'.`);
  }
  if (rf.type === 'json_schema') {
    if (!isObj(rf.json_schema)) throw badRequest("Missing required parameter: 'response_format.json_schema'.", 'response_format.json_schema', 'missing_required_parameter');
    reqString(rf.json_schema, 'name', 'response_format.json_schema.name');
  }
}

function validateStop(o: Obj): void {
  const stop = o.stop;
  if (stop === undefined || stop === null || typeof stop === 'string') return;
  if (!Array.isArray(stop) || stop.some((s) => typeof s !== 'string')) fail('stop', "Invalid type for 'stop': expected a string or an array of strings.");
  if (stop.length > 4) fail('stop', `Invalid 'stop': array too long. Expected an array with maximum length 4, but got an array with length ${stop.length} instead.`);
}

function validateStreamOptions(o: Obj): void {
  if (o.stream_options === undefined || o.stream_options === null) return;
  if (!isObj(o.stream_options)) fail('stream_options', "Invalid type for 'stream_options': expected an object.");
  if (o.stream !== true) fail('stream_options', "The 'stream_options' parameter is only allowed when 'stream' is enabled.");
  optBool(o.stream_options, 'include_usage', 'stream_options.include_usage');
}

export function validateFallbacks(o: Obj): void {
  const f = o.fallbacks;
  if (f === undefined || f === null) return;
  if (!Array.isArray(f) || f.some((m) => typeof m !== 'string' || !m)) fail('fallbacks', "Invalid 'fallbacks': expected an array of model names.");
}

export function validateChat(o: Obj): ChatRequest {
  reqString(o, 'model');
  validateMessages(o.messages);
  optBool(o, 'stream');
  validateStreamOptions(o);
  const tools = validateTools(o);
  validateToolChoice(o, tools);
  optBool(o, 'parallel_tool_calls');
  validateResponseFormat(o);
  validateStop(o);
  optNumber(o, 'n', 1, 128, true);
  optNumber(o, 'seed', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, true);
  optBool(o, 'logprobs');
  optNumber(o, 'top_logprobs', 0, 20, true);
  if (o.top_logprobs !== undefined && o.top_logprobs !== null && o.logprobs !== true) fail('top_logprobs', "Invalid 'top_logprobs': 'logprobs' must be set to true when 'top_logprobs' is used.");
  optNumber(o, 'max_tokens', 1, Number.MAX_SAFE_INTEGER, true);
  optNumber(o, 'max_completion_tokens', 1, Number.MAX_SAFE_INTEGER, true);
  optNumber(o, 'temperature', 0, 2);
  optNumber(o, 'top_p', 0, 1);
  optNumber(o, 'presence_penalty', -2, 2);
  optNumber(o, 'frequency_penalty', -2, 2);
  optString(o, 'user');
  validateFallbacks(o);
  return o as ChatRequest;
}

function isTokenArray(v: unknown): boolean {
  return Array.isArray(v) && v.length > 0 && v.every((t) => Number.isInteger(t));
}

export function validateCompletion(o: Obj): CompletionRequest {
  reqString(o, 'model');
  const p = o.prompt;
  if (p === undefined || p === null) throw badRequest("Missing required parameter: 'prompt'.", 'prompt', 'missing_required_parameter');
  const ok = typeof p === 'string' || isTokenArray(p)
    || (Array.isArray(p) && p.length > 0 && (p.every((x) => typeof x === 'string') || p.every(isTokenArray)));
  if (!ok) fail('prompt', "Invalid 'prompt': expected a string, an array of strings, an array of tokens or an array of token arrays.");
  optBool(o, 'stream');
  validateStreamOptions(o);
  optNumber(o, 'max_tokens', 0, Number.MAX_SAFE_INTEGER, true);
  optNumber(o, 'n', 1, 128, true);
  optNumber(o, 'temperature', 0, 2);
  optNumber(o, 'top_p', 0, 1);
  validateStop(o);
  return o as CompletionRequest;
}

export function validateEmbeddings(o: Obj): EmbeddingsRequest {
  reqString(o, 'model');
  const input = o.input;
  if (input === undefined || input === null) throw badRequest("Missing required parameter: 'input'.", 'input', 'missing_required_parameter');
  if (typeof input === 'string') {
    if (!input) fail('input', "Invalid 'input': empty string.");
  } else if (!Array.isArray(input) || input.length === 0) {
    fail('input', "Invalid 'input': expected a non-empty string or a non-empty array.");
  } else if (input.length > 2048) {
    fail('input', `Invalid 'input': array too long. Expected an array with maximum length 2048, but got an array with length ${input.length} instead.`);
  } else if (!(input.every((x) => typeof x === 'string' && x.length > 0) || isTokenArray(input) || input.every(isTokenArray))) {
    fail('input', "Invalid 'input': expected non-empty strings, an array of tokens or an array of token arrays.");
  }
  if (o.encoding_format !== undefined && o.encoding_format !== 'float' && o.encoding_format !== 'base64') {
    fail('encoding_format', `Invalid value for 'encoding_format': '${String(o.encoding_format)}'. Supported values are: 'float' and 'base64'.`);
  }
  optNumber(o, 'dimensions', 1, 65536, true);
  optString(o, 'user');
  return o as EmbeddingsRequest;
}
