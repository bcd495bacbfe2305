/**
 * Converse / ConverseStream request body -> canonical ChatRequest, validated first: a bad body is a 400
 * ValidationException naming the field, and never reaches an upstream.
 * https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html#API_runtime_Converse_RequestSyntax
 * https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ContentBlock.html
 */
import { badRequest } from '../../core/errors.js';
import type { ChatMessage, ChatRequest, ContentPart, ToolCall, ToolDefinition } from '../../core/types.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Bedrock's own wording for constraint violations, with the offending field as param. */
function invalid(path: string, constraint: string): never {
  throw badRequest(`1 validation error detected: Value at '${path}' failed to satisfy constraint: ${constraint}`, path, 'validation_error');
}

function arr(v: unknown, path: string, required = false): unknown[] | undefined {
  if (v === undefined || v === null) {
    if (required) invalid(path, 'Member must not be null');
    return undefined;
  }
  if (!Array.isArray(v)) invalid(path, 'Member must be a list');
  return v;
}

function num(o: Obj, key: string, path: string, min: number, max: number, int = false): number | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || (int && !Number.isInteger(v)) || v < min || v > max) {
    invalid(`${path}.${key}`, `Member must be ${int ? 'an integer' : 'a number'} between ${min} and ${max}`);
  }
  return v;
}

function str(v: unknown, path: string): string {
  if (typeof v !== 'string') invalid(path, 'Member must be a string');
  return v;
}

const IMAGE_MIME: Record<string, string> = { png: 'image/png', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp' };
const DOC_MIME: Record<string, string> = {
  pdf: 'application/pdf', csv: 'text/csv', doc: 'application/msword', html: 'text/html', txt: 'text/plain', md: 'text/markdown',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function imagePart(b: Obj, path: string): ContentPart {
  const format = b.format;
  if (typeof format !== 'string' || !IMAGE_MIME[format]) invalid(`${path}.format`, 'Member must satisfy enum value set: [png, jpeg, gif, webp]');
  const src = isObj(b.source) ? b.source : invalid(`${path}.source`, 'Member must not be null');
  if (typeof src.bytes === 'string') {
    if (!BASE64.test(src.bytes)) invalid(`${path}.source.bytes`, 'Member must be base64-encoded bytes');
    return { type: 'image_url', image_url: { url: `data:${IMAGE_MIME[format]};base64,${src.bytes}` } };
  }
  if (isObj(src.s3Location) && typeof src.s3Location.uri === 'string') return { type: 'image_url', image_url: { url: src.s3Location.uri } };
  return invalid(`${path}.source`, 'Member must have exactly one of bytes or s3Location');
}

function documentPart(b: Obj, path: string): ContentPart {
  const format = b.format;
  if (typeof format !== 'string' || !DOC_MIME[format]) invalid(`${path}.format`, `Member must satisfy enum value set: [${Object.keys(DOC_MIME).join(', ')}]`);
  const name = str(b.name, `${path}.name`);
  const src = isObj(b.source) ? b.source : invalid(`${path}.source`, 'Member must not be null');
  if (typeof src.bytes !== 'string' || !BASE64.test(src.bytes)) invalid(`${path}.source.bytes`, 'Member must be base64-encoded bytes');
  return { type: 'file', file: { file_data: `data:${DOC_MIME[format]};base64,${src.bytes}`, filename: `${name}.${format}` } };
}

function toolResultText(content: unknown, path: string): string {
  const blocks = arr(content, path, true)!;
  return blocks.map((c, i) => {
    const p = `${path}.${i + 1}.member`;
    if (!isObj(c)) invalid(p, 'Member must be a structure');
    if (typeof c.text === 'string') return c.text;
    if ('json' in c) return JSON.stringify(c.json);
    return invalid(p, 'Only text and json tool results are supported by this gateway');
  }).join('');
}

function convertMessage(m: unknown, i: number, out: ChatMessage[]): void {
  const path = `messages.${i + 1}.member`;
  if (!isObj(m)) invalid(path, 'Member must be a structure');
  if (m.role !== 'user' && m.role !== 'assistant') invalid(`${path}.role`, 'Member must satisfy enum value set: [user, assistant]');
  const blocks = arr(m.content, `${path}.content`, true)!;
  const parts: ContentPart[] = [];
  const toolCalls: ToolCall[] = [];
  const toolResults: ChatMessage[] = [];
  let reasoning = '';
  blocks.forEach((b, j) => {
    const p = `${path}.content.${j + 1}.member`;
    if (!isObj(b)) invalid(p, 'Member must be a structure');
    if (typeof b.text === 'string') parts.push({ type: 'text', text: b.text });
    else if (isObj(b.image)) parts.push(imagePart(b.image, `${p}.image`));
    else if (isObj(b.document)) parts.push(documentPart(b.document, `${p}.document`));
    else if (isObj(b.toolUse)) {
      if (m.role !== 'assistant') invalid(`${p}.toolUse`, 'toolUse blocks are only allowed in assistant messages');
      const tu = b.toolUse;
      toolCalls.push({ id: str(tu.toolUseId, `${p}.toolUse.toolUseId`), type: 'function', function: { name: str(tu.name, `${p}.toolUse.name`), arguments: JSON.stringify(tu.input ?? {}) } });
    } else if (isObj(b.toolResult)) {
      if (m.role !== 'user') invalid(`${p}.toolResult`, 'toolResult blocks are only allowed in user messages');
      const tr = b.toolResult;
      toolResults.push({ role: 'tool', tool_call_id: str(tr.toolUseId, `${p}.toolResult.toolUseId`), content: toolResultText(tr.content, `${p}.toolResult.content`) });
    } else if (isObj(b.reasoningContent)) {
      const rt = b.reasoningContent.reasoningText;
      if (isObj(rt) && typeof rt.text === 'string') reasoning += rt.text;
    } else if (isObj(b.cachePoint)) {
      // Prompt-cache markers have no canonical equivalent; caching is the upstream's business.
    } else {
      invalid(p, 'Member must contain one of text, image, document, toolUse, toolResult, reasoningContent or cachePoint');
    }
  });
  // Tool results answer the previous assistant turn, so they come before any text of the same user turn.
  out.push(...toolResults);
  if (m.role === 'assistant') {
    const msg: ChatMessage = { role: 'assistant', content: parts.length ? parts : null };
    if (toolCalls.length) msg.tool_calls = toolCalls;
    if (reasoning) msg.reasoning_content = reasoning;
    out.push(msg);
  } else if (parts.length) {
    out.push({ role: 'user', content: parts.every((x) => x.type === 'text') ? parts.map((x) => (x as { text: string }).text).join('') : parts });
  }
}

function convertTools(tc: unknown, req: ChatRequest): void {
  if (tc === undefined || tc === null) return;
  if (!isObj(tc)) invalid('toolConfig', 'Member must be a structure');
  const tools = arr(tc.tools, 'toolConfig.tools', true)!;
  if (!tools.length) invalid('toolConfig.tools', 'Member must have length greater than or equal to 1');
  req.tools = tools.map((t, i): ToolDefinition => {
    const p = `toolConfig.tools.${i + 1}.member.toolSpec`;
    const spec = isObj(t) && isObj(t.toolSpec) ? t.toolSpec : invalid(p, 'Member must not be null');
    const name = str(spec.name, `${p}.name`);
    if (!/^[a-zA-Z0-9_-]{1,64}$/.test(name)) invalid(`${p}.name`, 'Member must satisfy regular expression pattern: [a-zA-Z0-9_-]+');
    const schema = isObj(spec.inputSchema) && isObj(spec.inputSchema.json) ? spec.inputSchema.json : invalid(`${p}.inputSchema`, 'Member must contain a json schema');
    return { type: 'function', function: { name, ...(typeof spec.description === 'string' ? { description: spec.description } : {}), parameters: schema } };
  });
  const choice = tc.toolChoice;
  if (choice === undefined || choice === null) return;
  if (!isObj(choice)) invalid('toolConfig.toolChoice', 'Member must be a structure');
  if (isObj(choice.auto)) req.tool_choice = 'auto';
  else if (isObj(choice.any)) req.tool_choice = 'required';
  else if (isObj(choice.tool)) req.tool_choice = { type: 'function', function: { name: str(choice.tool.name, 'toolConfig.toolChoice.tool.name') } };
  else invalid('toolConfig.toolChoice', 'Member must have exactly one of auto, any or tool');
}

function convertOutputConfig(oc: unknown, req: ChatRequest): void {
  if (oc === undefined || oc === null) return;
  if (!isObj(oc)) invalid('outputConfig', 'Member must be a structure');
  if (typeof oc.effort === 'string') req.reasoning_effort = oc.effort;
  const tf = oc.textFormat;
  if (tf === undefined || tf === null) return;
  if (!isObj(tf) || tf.type !== 'json_schema') invalid('outputConfig.textFormat.type', 'Member must satisfy enum value set: [json_schema]');
  const js = isObj(tf.structure) && isObj(tf.structure.jsonSchema) ? tf.structure.jsonSchema : invalid('outputConfig.textFormat.structure.jsonSchema', 'Member must not be null');
  let schema: unknown;
  try { schema = JSON.parse(str(js.schema, 'outputConfig.textFormat.structure.jsonSchema.schema')); } catch { /* checked below */ }
  if (!isObj(schema)) invalid('outputConfig.textFormat.structure.jsonSchema.schema', 'Member must be a JSON schema object serialised as a string');
  req.response_format = {
    type: 'json_schema',
    json_schema: { name: typeof js.name === 'string' ? js.name : 'response', schema, ...(typeof js.description === 'string' ? { description: js.description } : {}) },
  };
}

/** Fields the gateway cannot honour: rejected rather than silently ignored. */
const UNSUPPORTED = ['guardrailConfig', 'promptVariables', 'additionalModelResponseFieldPaths'];

export function converseToChat(body: Obj, model: string, stream: boolean): ChatRequest {
  for (const f of UNSUPPORTED) {
    if (body[f] !== undefined && body[f] !== null) throw badRequest(`${f} is not supported by this gateway`, f, 'unsupported_parameter');
  }
  const messages: ChatMessage[] = [];
  const system = arr(body.system, 'system');
  const systemText = (system ?? []).map((s, i) => {
    if (!isObj(s)) invalid(`system.${i + 1}.member`, 'Member must be a structure');
    if (typeof s.text === 'string') return s.text;
    if (isObj(s.cachePoint)) return '';
    return invalid(`system.${i + 1}.member`, 'Only text system blocks are supported by this gateway');
  }).filter(Boolean);
  if (systemText.length) messages.push({ role: 'system', content: systemText.join('\n') });
  const msgs = arr(body.messages, 'messages', true)!;
  if (!msgs.length) invalid('messages', 'Member must have length greater than or equal to 1');
  msgs.forEach((m, i) => convertMessage(m, i, messages));

  const req: ChatRequest = { model, messages, stream };
  const ic = body.inferenceConfig;
  if (ic !== undefined && ic !== null) {
    if (!isObj(ic)) invalid('inferenceConfig', 'Member must be a structure');
    const maxTokens = num(ic, 'maxTokens', 'inferenceConfig', 1, Number.MAX_SAFE_INTEGER, true);
    if (maxTokens !== undefined) req.max_tokens = maxTokens;
    const temperature = num(ic, 'temperature', 'inferenceConfig', 0, 1);
    if (temperature !== undefined) req.temperature = temperature;
    const topP = num(ic, 'topP', 'inferenceConfig', 0, 1);
    if (topP !== undefined) req.top_p = topP;
    const stops = arr(ic.stopSequences, 'inferenceConfig.stopSequences');
    if (stops) req.stop = stops.map((s, i) => str(s, `inferenceConfig.stopSequences.${i + 1}.member`));
  }
  convertTools(body.toolConfig, req);
  convertOutputConfig(body.outputConfig, req);
  if (isObj(body.additionalModelRequestFields)) req.additionalModelRequestFields = body.additionalModelRequestFields;
  return req;
}
