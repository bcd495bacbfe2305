/**
 * GenerateContentRequest (Gemini API v1beta, as the @google/genai SDK sends it) -> canonical ChatRequest.
 * Reference: https://ai.google.dev/api/generate-content#request-body and
 * https://ai.google.dev/api/caching#Content (contents/parts: text, inlineData, fileData, functionCall,
 * functionResponse), https://ai.google.dev/api/caching#Tool (functionDeclarations, toolConfig).
 * Function calls carry no ids on the Gemini wire: ids are made here (or taken from functionCall.id) and
 * each functionResponse is matched to the earliest unanswered call of the same name.
 */
import { badRequest } from '../../core/errors.js';
import type { ChatMessage, ChatRequest, ContentPart, ToolCall, ToolDefinition } from '../../core/types.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function fail(field: string, message: string): never {
  throw badRequest(`Invalid value at '${field}': ${message}`, field, 'invalid_value');
}

function num(o: Obj, key: string, path: string, min = -Infinity, max = Infinity, integer = false): number | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${path}.${key}`, 'expected a number.');
  if (integer && !Number.isInteger(v)) fail(`${path}.${key}`, 'expected an integer.');
  if (v < min || v > max) fail(`${path}.${key}`, `must be between ${min} and ${max}.`);
  return v;
}

function mediaUrl(mimeType: unknown, data: unknown, field: string): string {
  if (typeof mimeType !== 'string' || !mimeType) fail(`${field}.mimeType`, 'expected a MIME type.');
  if (typeof data !== 'string') fail(`${field}.data`, 'expected base64 data.');
  return `data:${mimeType};base64,${data}`;
}

function mediaPart(p: Obj, field: string): ContentPart {
  if (isObj(p.inlineData)) {
    const { mimeType, data } = p.inlineData;
    const url = mediaUrl(mimeType, data, `${field}.inlineData`);
    const mime = String(mimeType);
    if (mime.startsWith('image/')) return { type: 'image_url', image_url: { url } };
    if (mime.startsWith('audio/')) return { type: 'input_audio', input_audio: { data: String(data), format: mime.slice(6) } };
    return { type: 'file', file: { file_data: url } };
  }
  const fd = p.fileData as Obj;
  if (typeof fd.fileUri !== 'string' || !fd.fileUri) fail(`${field}.fileData.fileUri`, 'expected a URI.');
  return { type: 'image_url', image_url: { url: fd.fileUri } };
}

interface Pending { id: string; name: string; answered: boolean }

function convertContents(contents: unknown): ChatMessage[] {
  if (contents === undefined || contents === null) throw badRequest("Missing required field 'contents'.", 'contents', 'missing_required_parameter');
  if (!Array.isArray(contents) || contents.length === 0) fail('contents', 'expected a non-empty array of Content.');
  const messages: ChatMessage[] = [];
  const calls: Pending[] = [];
  let n = 0;
  contents.forEach((c, i) => {
    const at = `contents[${i}]`;
    if (!isObj(c)) fail(at, 'expected a Content object.');
    const role = c.role ?? 'user';
    if (role !== 'user' && role !== 'model' && role !== 'function') fail(`${at}.role`, `'${String(role)}' is not one of 'user', 'model'.`);
    if (!Array.isArray(c.parts)) fail(`${at}.parts`, 'expected an array of Part.');
    const parts: ContentPart[] = [];
    const toolCalls: ToolCall[] = [];
    const results: ChatMessage[] = [];
    let reasoning = '';
    c.parts.forEach((p, j) => {
      const pf = `${at}.parts[${j}]`;
      if (!isObj(p)) fail(pf, 'expected a Part object.');
      if (typeof p.text === 'string') {
        if (p.thought === true) reasoning += p.text;
        else parts.push({ type: 'text', text: p.text });
      } else if (p.inlineData !== undefined || p.fileData !== undefined) {
        if (p.inlineData !== undefined && !isObj(p.inlineData)) fail(`${pf}.inlineData`, 'expected a Blob object.');
        if (p.fileData !== undefined && !isObj(p.fileData)) fail(`${pf}.fileData`, 'expected a FileData object.');
        parts.push(mediaPart(p, pf));
      } else if (isObj(p.functionCall)) {
        if (role !== 'model') fail(`${pf}.functionCall`, 'function calls belong to model turns.');
        const fc = p.functionCall;
        if (typeof fc.name !== 'string' || !fc.name) fail(`${pf}.functionCall.name`, 'expected a function name.');
        if (fc.args !== undefined && !isObj(fc.args)) fail(`${pf}.functionCall.args`, 'expected an object.');
        const id = typeof fc.id === 'string' && fc.id ? fc.id : `call_${n++}`;
        calls.push({ id, name: fc.name, answered: false });
        toolCalls.push({ id, type: 'function', function: { name: fc.name, arguments: JSON.stringify(fc.args ?? {}) } });
      } else if (isObj(p.functionResponse)) {
        const fr = p.functionResponse;
        if (typeof fr.name !== 'string' || !fr.name) fail(`${pf}.functionResponse.name`, 'expected a function name.');
        const byId = typeof fr.id === 'string' ? calls.find((x) => x.id === fr.id && !x.answered) : undefined;
        const match = byId ?? calls.find((x) => x.name === fr.name && !x.answered);
        if (!match) fail(`${pf}.functionResponse`, `no earlier functionCall named '${fr.name}' is waiting for a response.`);
        match.answered = true;
        results.push({ role: 'tool', tool_call_id: match.id, content: JSON.stringify(fr.response ?? {}) });
      } else {
        fail(pf, 'unsupported Part: expected text, inlineData, fileData, functionCall or functionResponse.');
      }
    });
    if (role === 'model') {
      const m: ChatMessage = { role: 'assistant', content: parts.length ? collapse(parts) : null };
      if (toolCalls.length) m.tool_calls = toolCalls;
      if (reasoning) m.reasoning_content = reasoning;
      messages.push(m);
    } else {
      messages.push(...results);
      if (parts.length) messages.push({ role: 'user', content: collapse(parts) });
    }
  });
  return messages;
}

/** Text-only content as a plain string (what every upstream accepts); mixed content as parts. */
function collapse(parts: ContentPart[]): string | ContentPart[] {
  return parts.every((p) => p.type === 'text') ? parts.map((p) => (p as { text: string }).text).join('') : parts;
}

function systemText(si: unknown): string | undefined {
  if (si === undefined || si === null) return undefined;
  if (typeof si === 'string') return si;
  if (!isObj(si) || !Array.isArray(si.parts)) fail('systemInstruction', 'expected a Content object with parts.');
  return si.parts.map((p, i) => {
    if (!isObj(p) || typeof p.text !== 'string') fail(`systemInstruction.parts[${i}]`, 'only text parts are allowed.');
    return p.text;
  }).join('\n');
}

function convertTools(tools: unknown): ToolDefinition[] | undefined {
  if (tools === undefined || tools === null) return undefined;
  if (!Array.isArray(tools)) fail('tools', 'expected an array of Tool.');
  const out: ToolDefinition[] = [];
  tools.forEach((t, i) => {
    if (!isObj(t)) fail(`tools[${i}]`, 'expected a Tool object.');
    const decls = t.functionDeclarations;
    const other = Object.keys(t).filter((k) => k !== 'functionDeclarations');
    if (other.length) throw badRequest(`Tool '${other[0]}' is not supported by this gateway; only functionDeclarations are.`, `tools[${i}].${other[0]}`, 'unsupported_parameter');
    if (!Array.isArray(decls)) fail(`tools[${i}].functionDeclarations`, 'expected an array.');
    decls.forEach((d, j) => {
      const at = `tools[${i}].functionDeclarations[${j}]`;
      if (!isObj(d) || typeof d.name !== 'string' || !/^[a-zA-Z_][\w.:-]{0,63}$/.test(d.name)) fail(`${at}.name`, 'expected a valid function name.');
      const params = d.parametersJsonSchema ?? d.parameters;
      if (params !== undefined && !isObj(params)) fail(`${at}.parameters`, 'expected a schema object.');
      const fn: ToolDefinition['function'] = { name: d.name };
      if (typeof d.description === 'string') fn.description = d.description;
      if (params) fn.parameters = lowerTypes(params) as Record<string, unknown>;
      out.push({ type: 'function', function: fn });
    });
  });
  return out.length ? out : undefined;
}

/** Gemini's OpenAPI schemas spell types in upper case (STRING, OBJECT); JSON Schema wants lower case. */
function lowerTypes(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(lowerTypes);
  if (!isObj(v)) return v;
  const out: Obj = {};
  for (const [k, val] of Object.entries(v)) out[k] = k === 'type' && typeof val === 'string' ? val.toLowerCase() : lowerTypes(val);
  return out;
}

function toolChoice(tc: unknown, tools: ToolDefinition[] | undefined): ChatRequest['tool_choice'] {
  if (tc === undefined || tc === null) return undefined;
  if (!isObj(tc)) fail('toolConfig', 'expected an object.');
  const fcc = tc.functionCallingConfig;
  if (fcc === undefined) return undefined;
  if (!isObj(fcc)) fail('toolConfig.functionCallingConfig', 'expected an object.');
  if (!tools) return undefined;
  const allowed = fcc.allowedFunctionNames;
  switch (fcc.mode ?? 'AUTO') {
    case 'AUTO': case 'MODE_UNSPECIFIED': case 'VALIDATED': return 'auto';
    case 'NONE': return 'none';
    case 'ANY':
      if (Array.isArray(allowed) && allowed.length === 1 && typeof allowed[0] === 'string') return { type: 'function', function: { name: allowed[0] } };
      return 'required';
    default: fail('toolConfig.functionCallingConfig.mode', `'${String(fcc.mode)}' is not one of AUTO, ANY, NONE.`);
  }
}

function applyGenerationConfig(req: ChatRequest, g: unknown): void {
  if (g === undefined || g === null) return;
  if (!isObj(g)) fail('generationConfig', 'expected an object.');
  const p = 'generationConfig';
  const set = <K extends string>(key: K, v: unknown) => { if (v !== undefined) req[key] = v; };
  set('temperature', num(g, 'temperature', p, 0, 2));
  set('top_p', num(g, 'topP', p, 0, 1));
  set('top_k', num(g, 'topK', p, 1, Number.MAX_SAFE_INTEGER, true));
  set('max_tokens', num(g, 'maxOutputTokens', p, 1, Number.MAX_SAFE_INTEGER, true));
  set('n', num(g, 'candidateCount', p, 1, 8, true));
  set('seed', num(g, 'seed', p, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, true));
  set('presence_penalty', num(g, 'presencePenalty', p, -2, 2));
  set('frequency_penalty', num(g, 'frequencyPenalty', p, -2, 2));
  if (g.stopSequences !== undefined) {
    if (!Array.isArray(g.stopSequences) || g.stopSequences.some((s) => typeof s !== 'string')) fail(`${p}.stopSequences`, 'expected an array of strings.');
    if (g.stopSequences.length) req.stop = g.stopSequences as string[];
  }
  if (g.responseLogprobs === true) {
    req.logprobs = true;
    set('top_logprobs', num(g, 'logprobs', p, 0, 20, true));
  }
  const schema = g.responseJsonSchema ?? g.responseSchema;
  if (g.responseMimeType === 'application/json') {
    req.response_format = isObj(schema)
      ? { type: 'json_schema', json_schema: { name: 'response', schema: lowerTypes(schema) as Record<string, unknown> } }
      : { type: 'json_object' };
  } else if (g.responseMimeType !== undefined && g.responseMimeType !== 'text/plain') {
    throw badRequest(`responseMimeType '${String(g.responseMimeType)}' is not supported.`, `${p}.responseMimeType`, 'unsupported_parameter');
  }
  if (isObj(g.thinkingConfig)) {
    const budget = num(g.thinkingConfig, 'thinkingBudget', `${p}.thinkingConfig`, -1, 1_000_000, true);
    // Budgets map onto OpenAI's effort levels; -1 (dynamic) is the provider's default, so nothing is sent.
    if (budget !== undefined && budget >= 0) req.reasoning_effort = budget === 0 ? 'none' : budget <= 1024 ? 'low' : budget <= 8192 ? 'medium' : 'high';
  }
}

export function toChatRequest(body: Obj, model: string, stream: boolean): ChatRequest {
  if (body.cachedContent !== undefined) throw badRequest('cachedContent is not supported by this gateway.', 'cachedContent', 'unsupported_parameter');
  const messages = convertContents(body.contents);
  const system = systemText(body.systemInstruction);
  if (system) messages.unshift({ role: 'system', content: system });
  const req: ChatRequest = { model, messages };
  if (stream) req.stream = true;
  const tools = convertTools(body.tools);
  if (tools) req.tools = tools;
  const tc = toolChoice(body.toolConfig, tools);
  if (tc) req.tool_choice = tc;
  applyGenerationConfig(req, body.generationConfig);
  // safetySettings have no canonical equivalent; the upstream's defaults apply.
  return req;
}
