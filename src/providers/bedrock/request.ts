/**
 * Canonical ChatRequest -> Converse request body. Everything that cannot be expressed in Converse is
 * rejected (400 naming the parameter) before any upstream call, or dropped when drop_params is on.
 *
 * Images: base64 data URLs become `image.source.bytes`, `s3://` URLs become `image.source.s3Location`
 * (Bedrock reads them itself). http(s) image URLs are rejected with a 400: Converse cannot fetch them, and
 * fetching arbitrary client-given URLs from inside the gateway would be a server-side request forgery hole.
 */
import { badRequest } from '../../core/errors.js';
import type { ChatMessage, ChatRequest, ContentPart } from '../../core/types.js';
import type { CallContext } from '../types.js';
import type { ContentBlock, ConverseRequest, DocumentFormat, ImageFormat, Message, ToolConfig } from './wire.js';

const IMAGE_FORMATS: Record<string, ImageFormat> = {
  'image/png': 'png', 'image/jpeg': 'jpeg', 'image/jpg': 'jpeg', 'image/gif': 'gif', 'image/webp': 'webp',
};
const DOCUMENT_FORMATS: Record<string, DocumentFormat> = {
  'application/pdf': 'pdf', 'text/csv': 'csv', 'application/msword': 'doc', 'text/html': 'html', 'text/plain': 'txt', 'text/markdown': 'md',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.ms-excel': 'xls', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
};
const EFFORTS: Record<string, string | undefined> = { minimal: 'low', low: 'low', medium: 'medium', high: 'high', xhigh: 'xhigh', max: 'max', none: undefined };

const DATA_URL = /^data:([\w.+-]+\/[\w.+-]+)(?:;[^,;]*)*;base64,(.*)$/s;

/** Applies the drop_params rule for a parameter Converse has no place for. */
function unsupported(call: CallContext, param: string, why: string): void {
  if (call.dropParams) {
    call.dropped?.push(param);
    return;
  }
  throw badRequest(`bedrock: ${why} (set drop_params to drop it)`, param, 'unsupported_parameter');
}

function imageBlock(url: string, path: string): ContentBlock {
  if (url.startsWith('s3://')) {
    const ext = url.split('.').pop()?.toLowerCase() ?? '';
    const format = IMAGE_FORMATS[`image/${ext}`];
    if (!format) throw badRequest(`bedrock: cannot tell the image format of '${url}' (use .png, .jpeg, .gif or .webp)`, path, 'invalid_image_format');
    return { image: { format, source: { s3Location: { uri: url } } } };
  }
  const m = DATA_URL.exec(url);
  if (!m) {
    throw badRequest('bedrock: images must be base64 data URLs (data:image/png;base64,...) or s3:// URLs; Bedrock cannot fetch http(s) image URLs', path, 'unsupported_image_url');
  }
  const format = IMAGE_FORMATS[m[1].toLowerCase()];
  if (!format) throw badRequest(`bedrock: unsupported image type '${m[1]}' (png, jpeg, gif and webp are supported)`, path, 'invalid_image_format');
  return { image: { format, source: { bytes: m[2] } } };
}

function documentBlock(file: Record<string, unknown>, path: string, n: number): ContentBlock {
  const m = typeof file.file_data === 'string' ? DATA_URL.exec(file.file_data) : null;
  const format = m ? DOCUMENT_FORMATS[m[1].toLowerCase()] : undefined;
  if (!m || !format) throw badRequest('bedrock: files must be base64 data URLs of a pdf, csv, doc(x), xls(x), html, txt or md document', path, 'unsupported_file');
  // Bedrock allows only letters, digits, whitespace, hyphens, parentheses and square brackets in names.
  const base = typeof file.filename === 'string' ? file.filename.replace(/\.[^.]*$/, '') : '';
  const name = base.replace(/[^A-Za-z0-9\s\-()[\]]/g, '-').replace(/\s+/g, ' ').trim() || `document-${n}`;
  return { document: { format, name, source: { bytes: m[2] } } };
}

function contentBlocks(content: ChatMessage['content'], path: string, allowMedia: boolean): ContentBlock[] {
  if (content === null || content === undefined) return [];
  if (typeof content === 'string') return content ? [{ text: content }] : [];
  const out: ContentBlock[] = [];
  content.forEach((part: ContentPart, j) => {
    const p = `${path}[${j}]`;
    const rec = part as Record<string, unknown>;
    if (part.type === 'text' || part.type === 'refusal') {
      const text = (rec.text ?? rec.refusal) as string;
      if (text) out.push({ text });
    } else if (part.type === 'image_url' && allowMedia) {
      out.push(imageBlock(String((rec.image_url as { url?: unknown })?.url ?? ''), `${p}.image_url.url`));
    } else if (part.type === 'file' && allowMedia) {
      out.push(documentBlock((rec.file ?? {}) as Record<string, unknown>, `${p}.file`, j));
    } else {
      throw badRequest(`bedrock: content parts of type '${part.type}' are not supported here`, `${p}.type`, 'unsupported_content');
    }
  });
  return out;
}

function toolInput(args: string, path: string): unknown {
  try {
    return args ? JSON.parse(args) : {};
  } catch {
    throw badRequest('bedrock: tool call arguments must be a JSON object', path, 'invalid_tool_arguments');
  }
}

/** Converse wants user/assistant turns; adjacent turns of one role are merged (parallel tool results). */
function push(messages: Message[], role: Message['role'], blocks: ContentBlock[]): void {
  if (!blocks.length) return;
  const last = messages[messages.length - 1];
  if (last && last.role === role) last.content.push(...blocks);
  else messages.push({ role, content: blocks });
}

function convertMessages(req: ChatRequest, out: ConverseRequest): boolean {
  const messages: Message[] = [];
  const system: Array<{ text: string }> = [];
  let usesTools = false;
  req.messages.forEach((m, i) => {
    const p = `messages[${i}].content`;
    switch (m.role) {
      case 'system':
      case 'developer':
        for (const b of contentBlocks(m.content, p, false)) system.push({ text: b.text! });
        break;
      case 'user':
        push(messages, 'user', contentBlocks(m.content, p, true));
        break;
      case 'assistant': {
        const blocks = contentBlocks(m.content, p, false);
        (m.tool_calls ?? []).forEach((tc, k) => {
          usesTools = true;
          blocks.push({ toolUse: { toolUseId: tc.id, name: tc.function.name, input: toolInput(tc.function.arguments, `messages[${i}].tool_calls[${k}].function.arguments`) } });
        });
        push(messages, 'assistant', blocks);
        break;
      }
      case 'tool': {
        usesTools = true;
        const text = contentBlocks(m.content, p, false).map((b) => b.text).join('');
        push(messages, 'user', [{ toolResult: { toolUseId: String(m.tool_call_id), content: [{ text }] } }]);
        break;
      }
      default:
        throw badRequest(`bedrock: messages with role '${m.role}' are not supported; use 'tool' messages`, `messages[${i}].role`, 'unsupported_parameter');
    }
  });
  out.messages = messages;
  if (system.length) out.system = system;
  return usesTools;
}

function toolConfig(req: ChatRequest, usesTools: boolean, call: CallContext): ToolConfig | undefined {
  if (!req.tools?.length) return undefined;
  const cfg: ToolConfig = {
    tools: req.tools.map((t) => ({
      toolSpec: {
        name: t.function.name,
        ...(t.function.description ? { description: t.function.description } : {}),
        inputSchema: { json: t.function.parameters ?? { type: 'object', properties: {} } },
      },
    })),
  };
  const tc = req.tool_choice;
  if (tc === 'none') {
    // Converse has no "none": without tools in the history the tools can simply be left out.
    if (!usesTools) return undefined;
    unsupported(call, 'tool_choice', "tool_choice 'none' cannot be expressed in Converse when the conversation contains tool calls");
  } else if (tc === 'auto') cfg.toolChoice = { auto: {} };
  else if (tc === 'required') cfg.toolChoice = { any: {} };
  else if (tc && typeof tc === 'object') cfg.toolChoice = { tool: { name: tc.function.name } };
  return cfg;
}

export function toConverseRequest(req: ChatRequest, call: CallContext): ConverseRequest {
  const out: ConverseRequest = { messages: [] };
  const usesTools = convertMessages(req, out);
  if (!out.messages.length) throw badRequest('bedrock: at least one user or assistant message is required', 'messages', 'invalid_value');

  const inference: NonNullable<ConverseRequest['inferenceConfig']> = {};
  const maxTokens = req.max_completion_tokens ?? req.max_tokens;
  if (typeof maxTokens === 'number') inference.maxTokens = maxTokens;
  if (typeof req.temperature === 'number') inference.temperature = req.temperature;
  if (typeof req.top_p === 'number') inference.topP = req.top_p;
  if (req.stop) inference.stopSequences = Array.isArray(req.stop) ? req.stop : [req.stop];
  if (Object.keys(inference).length) out.inferenceConfig = inference;

  const tools = toolConfig(req, usesTools, call);
  if (tools) out.toolConfig = tools;
  if (req.parallel_tool_calls === false) unsupported(call, 'parallel_tool_calls', 'parallel_tool_calls=false cannot be expressed in Converse');

  const rf = req.response_format;
  if (rf?.type === 'json_schema' && rf.json_schema) {
    const js = rf.json_schema;
    out.outputConfig = {
      textFormat: {
        type: 'json_schema',
        structure: { jsonSchema: { schema: JSON.stringify(js.schema ?? { type: 'object' }), name: js.name, ...(js.description ? { description: js.description } : {}) } },
      },
    };
  } else if (rf?.type === 'json_object') {
    unsupported(call, 'response_format', "response_format 'json_object' has no Converse equivalent; use 'json_schema'");
  }

  if (typeof req.reasoning_effort === 'string') {
    if (!(req.reasoning_effort in EFFORTS)) throw badRequest(`bedrock: unknown reasoning_effort '${req.reasoning_effort}'`, 'reasoning_effort', 'invalid_value');
    const effort = EFFORTS[req.reasoning_effort];
    if (effort) out.outputConfig = { ...out.outputConfig, effort };
  }
  // Model-specific fields (e.g. Anthropic's `thinking`) travel in additionalModelRequestFields.
  const extra: Record<string, unknown> = {};
  if (req.additionalModelRequestFields && typeof req.additionalModelRequestFields === 'object') Object.assign(extra, req.additionalModelRequestFields);
  if (req.thinking && typeof req.thinking === 'object') extra.thinking = req.thinking;
  if (Object.keys(extra).length) out.additionalModelRequestFields = extra;
  if (typeof req.user === 'string' && req.user) out.requestMetadata = { user: req.user };

  if (typeof req.n === 'number' && req.n > 1) unsupported(call, 'n', 'Converse returns one choice; n > 1 is not supported');
  for (const param of ['seed', 'logprobs', 'top_logprobs', 'presence_penalty', 'frequency_penalty', 'logit_bias', 'audio', 'modalities', 'prediction', 'web_search_options'] as const) {
    const v = req[param];
    if (v === undefined || v === null || v === false) continue;
    unsupported(call, param, `Converse has no '${param}' parameter`);
  }
  return out;
}
