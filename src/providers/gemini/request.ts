/**
 * Canonical ChatRequest -> Gemini GenerateContentRequest (shared by the gemini and vertex adapters).
 * Reference: https://ai.google.dev/api/generate-content#request-body (contents, systemInstruction, tools,
 * toolConfig, generationConfig) and https://ai.google.dev/gemini-api/docs/function-calling.
 * Gemini has no tool-call ids: a tool result is matched to its call by name, so tool messages are
 * resolved to the name of the call they answer (by id, else by position after the assistant turn).
 */
import { badRequest } from '../../core/errors.js';
import type { ChatMessage, ChatRequest, ContentPart } from '../../core/types.js';
import type { CallContext } from '../types.js';
import type { GContent, GGenerationConfig, GPart, GRequest } from './wire.js';

/** OpenAI parameters Gemini has no equivalent for. */
const UNSUPPORTED = ['logit_bias', 'service_tier', 'store', 'prediction', 'modalities', 'audio', 'web_search_options', 'metadata'];

/** JSON-schema keywords Gemini's OpenAPI-subset schema rejects. */
const SCHEMA_DROP = new Set(['$schema', 'additionalProperties', '$id', 'strict']);

/** Drops keywords the Gemini schema subset does not accept, recursively. */
export function sanitizeSchema(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sanitizeSchema);
  if (!v || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(v)) if (!SCHEMA_DROP.has(k)) out[k] = sanitizeSchema(val);
  return out;
}

const EXT_MIME: Record<string, string> = {
  png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', webp: 'image/webp', gif: 'image/gif', heic: 'image/heic',
  heif: 'image/heif', pdf: 'application/pdf', mp3: 'audio/mp3', wav: 'audio/wav', mp4: 'video/mp4',
};

function mimeFromUrl(url: string): string {
  const ext = /\.([a-z0-9]+)(?:[?#]|$)/i.exec(url)?.[1]?.toLowerCase();
  return (ext && EXT_MIME[ext]) || 'image/jpeg';
}

/** data:<mime>;base64,<data> -> inlineData; anything else -> fileData with a URI. */
export function mediaPart(url: string, param: string): GPart {
  if (url.startsWith('data:')) {
    const m = /^data:([^;,]+)(?:;[^,]*)?;base64,(.*)$/s.exec(url);
    if (!m) throw badRequest(`Invalid '${param}': expected a base64 data URL.`, param, 'invalid_value');
    return { inlineData: { mimeType: m[1], data: m[2] } };
  }
  return { fileData: { mimeType: mimeFromUrl(url), fileUri: url } };
}

function contentParts(content: ChatMessage['content'], param: string): GPart[] {
  if (content === null || content === undefined) return [];
  if (typeof content === 'string') return content ? [{ text: content }] : [];
  return content.map((p: ContentPart, i) => {
    const at = `${param}[${i}]`;
    switch (p.type) {
      case 'text': return { text: String((p as { text: unknown }).text ?? '') };
      case 'image_url': return mediaPart((p as { image_url: { url: string } }).image_url.url, `${at}.image_url.url`);
      case 'input_audio': {
        const a = (p as { input_audio: { data: string; format: string } }).input_audio;
        return { inlineData: { mimeType: `audio/${a.format}`, data: a.data } };
      }
      case 'file': {
        const f = (p as { file: { file_data?: string; file_id?: string } }).file;
        if (f.file_data) return mediaPart(f.file_data, `${at}.file.file_data`);
        if (f.file_id) return { fileData: { mimeType: 'application/pdf', fileUri: f.file_id } };
        throw badRequest(`Invalid '${at}.file': expected file_data or file_id.`, `${at}.file`, 'invalid_value');
      }
      default: throw badRequest(`Content part type '${p.type}' is not supported by Gemini.`, `${at}.type`, 'unsupported_parameter');
    }
  });
}

function textOnly(content: ChatMessage['content']): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((p) => (p.type === 'text' ? String((p as { text: unknown }).text ?? '') : '')).join('');
}

/** A tool result is sent as a Struct: JSON objects as they are, anything else wrapped. */
function toolResponse(content: ChatMessage['content']): Record<string, unknown> {
  const text = textOnly(content);
  try {
    const v: unknown = JSON.parse(text);
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
    return { result: v };
  } catch {
    return { result: text };
  }
}

function parseArgs(args: string, param: string): Record<string, unknown> {
  if (!args) return {};
  try {
    const v: unknown = JSON.parse(args);
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch { /* fall through */ }
  throw badRequest(`Invalid '${param}': function arguments must be a JSON object.`, param, 'invalid_value');
}

function convertMessages(messages: ChatMessage[]): { contents: GContent[]; system?: GContent } {
  const contents: GContent[] = [];
  const system: GPart[] = [];
  const callNames = new Map<string, string>();
  let lastCalls: string[] = [];
  let toolPos = 0;
  const push = (role: 'user' | 'model', parts: GPart[]) => {
    if (!parts.length) return;
    const prev = contents[contents.length - 1];
    // Consecutive turns of one role are merged: Gemini expects user/model turns to alternate.
    if (prev && prev.role === role) prev.parts.push(...parts);
    else contents.push({ role, parts });
  };
  messages.forEach((m, i) => {
    const param = `messages[${i}]`;
    switch (m.role) {
      case 'system':
      case 'developer': {
        const t = textOnly(m.content);
        if (t) system.push({ text: t });
        break;
      }
      case 'user':
        push('user', contentParts(m.content, `${param}.content`));
        break;
      case 'assistant': {
        const parts = contentParts(m.content, `${param}.content`);
        lastCalls = [];
        toolPos = 0;
        m.tool_calls?.forEach((tc, j) => {
          callNames.set(tc.id, tc.function.name);
          lastCalls.push(tc.function.name);
          parts.push({ functionCall: { name: tc.function.name, args: parseArgs(tc.function.arguments, `${param}.tool_calls[${j}].function.arguments`) } });
        });
        push('model', parts);
        break;
      }
      case 'tool':
      case 'function': {
        const name = (m.tool_call_id && callNames.get(m.tool_call_id)) ?? (m.role === 'function' ? m.name : undefined) ?? lastCalls[toolPos];
        toolPos++;
        if (!name) throw badRequest(`'${param}.tool_call_id' does not match any earlier tool call.`, `${param}.tool_call_id`, 'invalid_value');
        push('user', [{ functionResponse: { name, response: toolResponse(m.content) } }]);
        break;
      }
      default:
        throw badRequest(`Invalid value for '${param}.role'.`, `${param}.role`, 'invalid_value');
    }
  });
  return { contents, system: system.length ? { parts: system } : undefined };
}

const THINKING_BUDGET: Record<string, number> = { none: 0, minimal: 0, low: 1024, medium: 8192, high: 24576 };

function unsupported(param: string, call: CallContext): void {
  if (call.dropParams) {
    call.dropped?.push(param);
    return;
  }
  throw badRequest(`Gemini does not support the parameter '${param}'.`, param, 'unsupported_parameter');
}

function generationConfig(req: ChatRequest, call: CallContext): GGenerationConfig | undefined {
  const g: GGenerationConfig = {};
  if (typeof req.temperature === 'number') g.temperature = req.temperature;
  if (typeof req.top_p === 'number') g.topP = req.top_p;
  // top_k is not an OpenAI field; ingress dialects that have it (genai, anthropic) carry it through.
  if (typeof req.top_k === 'number') g.topK = req.top_k;
  const max = req.max_completion_tokens ?? req.max_tokens;
  if (typeof max === 'number') g.maxOutputTokens = max;
  if (req.stop) g.stopSequences = typeof req.stop === 'string' ? [req.stop] : req.stop;
  if (typeof req.n === 'number' && req.n !== 1) g.candidateCount = req.n;
  if (typeof req.seed === 'number') g.seed = req.seed;
  if (typeof req.presence_penalty === 'number') g.presencePenalty = req.presence_penalty;
  if (typeof req.frequency_penalty === 'number') g.frequencyPenalty = req.frequency_penalty;
  if (req.logprobs === true) {
    g.responseLogprobs = true;
    if (typeof req.top_logprobs === 'number') g.logprobs = req.top_logprobs;
  }
  const rf = req.response_format;
  if (rf?.type === 'json_object') g.responseMimeType = 'application/json';
  else if (rf?.type === 'json_schema') {
    g.responseMimeType = 'application/json';
    if (rf.json_schema?.schema) g.responseSchema = sanitizeSchema(rf.json_schema.schema) as Record<string, unknown>;
  }
  const effort = req.reasoning_effort;
  if (typeof effort === 'string') {
    const budget = THINKING_BUDGET[effort];
    if (budget === undefined) throw badRequest(`Invalid value for 'reasoning_effort': '${effort}'.`, 'reasoning_effort', 'invalid_value');
    g.thinkingConfig = budget > 0 ? { thinkingBudget: budget, includeThoughts: true } : { thinkingBudget: 0 };
  }
  return Object.keys(g).length ? g : undefined;
}

/** Builds the Gemini request body. Throws a 400 naming the parameter before anything is sent. */
export function toGeminiRequest(req: ChatRequest, call: CallContext): GRequest {
  for (const p of UNSUPPORTED) if (req[p] !== undefined && req[p] !== null) unsupported(p, call);
  // Gemini decides on its own whether to call several functions at once; "false" cannot be honoured.
  if (req.parallel_tool_calls === false && req.tools?.length) unsupported('parallel_tool_calls', call);
  const { contents, system } = convertMessages(req.messages);
  const out: GRequest = { contents };
  if (system) out.systemInstruction = system;
  if (req.tools?.length) {
    out.tools = [{
      functionDeclarations: req.tools.map((t) => {
        const d: { name: string; description?: string; parameters?: Record<string, unknown> } = { name: t.function.name };
        if (t.function.description) d.description = t.function.description;
        if (t.function.parameters && Object.keys(t.function.parameters.properties as object ?? {}).length) {
          d.parameters = sanitizeSchema(t.function.parameters) as Record<string, unknown>;
        }
        return d;
      }),
    }];
  }
  const tc = req.tool_choice;
  if (tc !== undefined && req.tools?.length) {
    if (tc === 'none') out.toolConfig = { functionCallingConfig: { mode: 'NONE' } };
    else if (tc === 'auto') out.toolConfig = { functionCallingConfig: { mode: 'AUTO' } };
    else if (tc === 'required') out.toolConfig = { functionCallingConfig: { mode: 'ANY' } };
    else if (typeof tc === 'object') out.toolConfig = { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [tc.function.name] } };
  }
  const g = generationConfig(req, call);
  if (g) out.generationConfig = g;
  return out;
}
