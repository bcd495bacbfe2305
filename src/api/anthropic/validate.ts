/**
 * Validates an Anthropic Messages request body before anything is converted or sent upstream. Each failure
 * is a 400 invalid_request_error whose message starts with the offending field path, the way Anthropic
 * words them ("max_tokens: Field required"). Unknown top-level fields are rejected, as Anthropic does.
 */
import { badRequest } from '../../core/errors.js';

export type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function fail(path: string, message: string, code = 'invalid_value'): never {
  throw badRequest(`${path}: ${message}`, path, code);
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function optNumber(o: Obj, key: string, min: number, max: number, integer = false): void {
  const v = o[key];
  if (v === undefined || v === null) return;
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(key, `Input should be a valid number, got ${typeName(v)}`);
  if (integer && !Number.isInteger(v)) fail(key, 'Input should be a valid integer');
  if (v < min) fail(key, `Input should be greater than or equal to ${min}`);
  if (v > max) fail(key, `Input should be less than or equal to ${max}`);
}

/** Top-level fields of the documented Messages request. */
const KNOWN = new Set([
  'model', 'messages', 'max_tokens', 'system', 'stop_sequences', 'temperature', 'top_p', 'top_k', 'stream', 'tools', 'tool_choice',
  'metadata', 'thinking', 'output_config', 'service_tier', 'container', 'context_management', 'mcp_servers', 'inference_geo',
]);

const BLOCK_TYPES = new Set(['text', 'image', 'document', 'tool_use', 'tool_result', 'thinking', 'redacted_thinking']);

function validateSource(src: unknown, path: string, kinds: string[]): void {
  if (!isObj(src) || typeof src.type !== 'string' || !kinds.includes(src.type)) fail(`${path}.source.type`, `Input should be ${kinds.map((k) => `'${k}'`).join(' or ')}`);
  if (src.type === 'base64' || src.type === 'text') {
    if (typeof src.media_type !== 'string') fail(`${path}.source.media_type`, 'Field required', 'missing_required_parameter');
    if (typeof src.data !== 'string' || !src.data) fail(`${path}.source.data`, 'Field required', 'missing_required_parameter');
  }
  if (src.type === 'url' && (typeof src.url !== 'string' || !src.url)) fail(`${path}.source.url`, 'Field required', 'missing_required_parameter');
}

function validateBlock(b: unknown, path: string, role: string): void {
  if (!isObj(b)) fail(path, `Input should be an object, got ${typeName(b)}`);
  const type = b.type;
  if (typeof type !== 'string' || !BLOCK_TYPES.has(type)) fail(`${path}.type`, `Input tag '${String(type)}' found using 'type' does not match any of the expected tags: ${[...BLOCK_TYPES].map((t) => `'${t}'`).join(', ')}`);
  switch (type) {
    case 'text':
      if (typeof b.text !== 'string') fail(`${path}.text`, 'Field required', 'missing_required_parameter');
      break;
    case 'image':
      validateSource(b.source, path, ['base64', 'url']);
      break;
    case 'document':
      validateSource(b.source, path, ['base64', 'url', 'text']);
      break;
    case 'tool_use':
      if (role !== 'assistant') fail(`${path}.type`, 'tool_use blocks are only allowed in assistant messages');
      if (typeof b.id !== 'string' || !b.id) fail(`${path}.id`, 'Field required', 'missing_required_parameter');
      if (typeof b.name !== 'string' || !b.name) fail(`${path}.name`, 'Field required', 'missing_required_parameter');
      if (!isObj(b.input)) fail(`${path}.input`, 'Input should be a valid dictionary');
      break;
    case 'tool_result': {
      if (role !== 'user') fail(`${path}.type`, 'tool_result blocks are only allowed in user messages');
      if (typeof b.tool_use_id !== 'string' || !b.tool_use_id) fail(`${path}.tool_use_id`, 'Field required', 'missing_required_parameter');
      const c = b.content;
      if (c !== undefined && typeof c !== 'string') {
        if (!Array.isArray(c)) fail(`${path}.content`, 'Input should be a valid string or list');
        c.forEach((x, i) => {
          validateBlock(x, `${path}.content.${i}`, role);
          if ((x as Obj).type !== 'text' && (x as Obj).type !== 'image') fail(`${path}.content.${i}.type`, "Input should be 'text' or 'image'");
        });
      }
      break;
    }
    case 'thinking':
      if (typeof b.thinking !== 'string') fail(`${path}.thinking`, 'Field required', 'missing_required_parameter');
      break;
    default:
      break;
  }
}

function validateMessages(messages: unknown): void {
  if (messages === undefined || messages === null) fail('messages', 'Field required', 'missing_required_parameter');
  if (!Array.isArray(messages)) fail('messages', `Input should be a valid list, got ${typeName(messages)}`);
  if (messages.length === 0) fail('messages', 'List should have at least 1 item');
  messages.forEach((m, i) => {
    const p = `messages.${i}`;
    if (!isObj(m)) fail(p, `Input should be an object, got ${typeName(m)}`);
    if (m.role !== 'user' && m.role !== 'assistant') fail(`${p}.role`, "Input should be 'user' or 'assistant'");
    const c = m.content;
    if (c === undefined || c === null) fail(`${p}.content`, 'Field required', 'missing_required_parameter');
    if (typeof c === 'string') return;
    if (!Array.isArray(c)) fail(`${p}.content`, 'Input should be a valid string or list of content blocks');
    c.forEach((b, j) => validateBlock(b, `${p}.content.${j}`, m.role as string));
  });
}

function validateSystem(system: unknown): void {
  if (system === undefined || system === null || typeof system === 'string') return;
  if (!Array.isArray(system)) fail('system', 'Input should be a valid string or list of text blocks');
  system.forEach((b, i) => {
    if (!isObj(b) || b.type !== 'text' || typeof b.text !== 'string') fail(`system.${i}`, 'Input should be a text block');
  });
}

function validateTools(tools: unknown): Set<string> {
  const names = new Set<string>();
  if (tools === undefined || tools === null) return names;
  if (!Array.isArray(tools)) fail('tools', 'Input should be a valid list');
  tools.forEach((t, i) => {
    const p = `tools.${i}`;
    if (!isObj(t)) fail(p, 'Input should be an object');
    if (t.type !== undefined && t.type !== null && t.type !== 'custom') {
      fail(`${p}.type`, `server tool '${String(t.type)}' is not supported by this gateway; only custom tools are`, 'unsupported_parameter');
    }
    if (typeof t.name !== 'string' || !/^[a-zA-Z0-9_-]{1,128}$/.test(t.name)) fail(`${p}.name`, "String should match pattern '^[a-zA-Z0-9_-]{1,128}$'");
    if (!isObj(t.input_schema)) fail(`${p}.input_schema`, 'Field required', 'missing_required_parameter');
    if (t.description !== undefined && typeof t.description !== 'string') fail(`${p}.description`, 'Input should be a valid string');
    names.add(t.name);
  });
  return names;
}

function validateToolChoice(tc: unknown, tools: Set<string>): void {
  if (tc === undefined || tc === null) return;
  if (!isObj(tc) || !['auto', 'any', 'tool', 'none'].includes(String(tc.type))) fail('tool_choice.type', "Input should be 'auto', 'any', 'tool' or 'none'");
  if (tc.type === 'tool') {
    if (typeof tc.name !== 'string') fail('tool_choice.name', 'Field required', 'missing_required_parameter');
    if (!tools.has(tc.name)) fail('tool_choice.name', `no tool named '${tc.name}' in tools`);
  }
  if (tc.disable_parallel_tool_use !== undefined && typeof tc.disable_parallel_tool_use !== 'boolean') fail('tool_choice.disable_parallel_tool_use', 'Input should be a valid boolean');
}

function validateThinking(t: unknown): void {
  if (t === undefined || t === null) return;
  if (!isObj(t) || !['enabled', 'disabled', 'adaptive'].includes(String(t.type))) fail('thinking.type', "Input should be 'enabled', 'disabled' or 'adaptive'");
  if (t.type === 'enabled') {
    if (typeof t.budget_tokens !== 'number' || !Number.isInteger(t.budget_tokens)) fail('thinking.budget_tokens', 'Field required', 'missing_required_parameter');
    if (t.budget_tokens < 1024) fail('thinking.budget_tokens', 'Input should be greater than or equal to 1024');
  }
}

/** Validates the body; `countOnly` is the count_tokens variant (no max_tokens, no sampling fields needed). */
export function validateMessagesRequest(o: Obj, countOnly = false): Obj {
  for (const k of Object.keys(o)) if (!KNOWN.has(k)) fail(k, 'Extra inputs are not permitted', 'unknown_parameter');
  if (o.model === undefined || o.model === null) fail('model', 'Field required', 'missing_required_parameter');
  if (typeof o.model !== 'string' || !o.model) fail('model', 'Input should be a valid non-empty string');
  if (!countOnly && (o.max_tokens === undefined || o.max_tokens === null)) fail('max_tokens', 'Field required', 'missing_required_parameter');
  optNumber(o, 'max_tokens', 1, Number.MAX_SAFE_INTEGER, true);
  validateMessages(o.messages);
  validateSystem(o.system);
  if (o.stop_sequences !== undefined && o.stop_sequences !== null) {
    if (!Array.isArray(o.stop_sequences) || o.stop_sequences.some((s) => typeof s !== 'string')) fail('stop_sequences', 'Input should be a valid list of strings');
  }
  optNumber(o, 'temperature', 0, 1);
  optNumber(o, 'top_p', 0, 1);
  optNumber(o, 'top_k', 0, Number.MAX_SAFE_INTEGER, true);
  if (o.stream !== undefined && o.stream !== null && typeof o.stream !== 'boolean') fail('stream', 'Input should be a valid boolean');
  const tools = validateTools(o.tools);
  validateToolChoice(o.tool_choice, tools);
  if (o.metadata !== undefined && o.metadata !== null) {
    if (!isObj(o.metadata)) fail('metadata', 'Input should be a valid dictionary');
    if (o.metadata.user_id !== undefined && o.metadata.user_id !== null && typeof o.metadata.user_id !== 'string') fail('metadata.user_id', 'Input should be a valid string');
  }
  validateThinking(o.thinking);
  if (o.output_config !== undefined && o.output_config !== null) {
    if (!isObj(o.output_config)) fail('output_config', 'Input should be a valid dictionary');
    const f = o.output_config.format;
    if (f !== undefined && f !== null && (!isObj(f) || f.type !== 'json_schema' || !isObj(f.schema))) fail('output_config.format', "Input should be {type:'json_schema', schema:{...}}");
  }
  return o;
}

export function parseBody(body: Buffer | undefined): Obj {
  let v: unknown;
  try {
    v = JSON.parse(body && body.length ? body.toString('utf8') : '');
  } catch {
    throw badRequest('There was an issue with your request body: it is not valid JSON.', null, 'invalid_json');
  }
  if (!isObj(v)) throw badRequest(`The request body must be a JSON object, got ${typeName(v)}.`, null, 'invalid_json');
  return v;
}
