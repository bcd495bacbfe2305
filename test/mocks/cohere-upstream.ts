/**
 * A fake Cohere API v2 upstream speaking the documented wire format (https://docs.cohere.com/reference/chat,
 * https://docs.cohere.com/v2/docs/streaming, https://docs.cohere.com/reference/embed,
 * https://docs.cohere.com/reference/list-models; errors as {"message": "..."}).
 * Deterministic: the answer echoes the last user text (`echo: <text>`, plus ` [images: N]` when that message
 * had image parts); with tools it calls the first tool (the first three when the user text says "parallel"),
 * with arguments `{"city":"Paris","unit":"celsius","note":<user text>}`. Streams send one event per word and
 * split tool arguments into fragments of a few characters. Requests are recorded; faults can be injected.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { mockEmbedding } from './openai/embeddings.js';
import { contentText, countWords, fragmentText, imageCount, isObject, truncateWords, wordPieces } from './openai/text.js';

export interface CohereRecord {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: any;
}

export interface CohereFault {
  /** Answer with this status and `{"message": message}`. */
  status?: number;
  message?: string;
  /** Streams: stop after this many events and end the body without message-end. */
  cutAfterEvents?: number;
  /** Streams: after this many events, send a message-end that reports an error. */
  errorAfterEvents?: number;
}

export interface CohereMock {
  /** Base URL to configure as the provider's base_url (no path). */
  url: string;
  requests: CohereRecord[];
  /** Faults for the next requests, one per request, in order. */
  fail(...faults: CohereFault[]): void;
  reset(): void;
  close(): Promise<void>;
}

export const COHERE_MOCK_MODELS = ['command-a-03-2025', 'command-a-vision-07-2025', 'embed-v4.0'];
/** Tokens the "model" sees beyond the prompt words (Cohere counts its own preamble in usage.tokens). */
export const COHERE_PREAMBLE_TOKENS = 7;
export const COHERE_CACHED_TOKENS = 3;

export function cohereToolArguments(note: string): string {
  return JSON.stringify({ city: 'Paris', unit: 'celsius', note });
}
export const cohereChatId = (seq: number) => `cohere-mock-${seq}`;
export const cohereToolCallId = (seq: number, name: string, i: number) => `${name}_mock${seq}${i}`;

type Plan =
  | { kind: 'text'; text: string; finish: 'COMPLETE' | 'MAX_TOKENS' }
  | { kind: 'tools'; plan: string; calls: Array<{ id: string; name: string; arguments: string }> };

const ROLES = new Set(['system', 'user', 'assistant', 'tool']);

function lastUser(messages: any[]): { text: string; images: number } {
  for (let i = messages.length - 1; i >= 0; i--) {
    if (isObject(messages[i]) && messages[i].role === 'user') return { text: contentText(messages[i].content), images: imageCount(messages[i].content) };
  }
  return { text: '', images: 0 };
}

/** Returns the error message Cohere would give for a malformed chat body, else undefined. */
function invalid(body: any): string | undefined {
  if (!isObject(body)) return 'invalid request: body must be a JSON object';
  if (typeof body.model !== 'string' || !body.model) return 'invalid request: model must be a non-empty string';
  if (!Array.isArray(body.messages) || body.messages.length === 0) return 'invalid request: messages must be a non-empty list';
  for (const [i, m] of body.messages.entries()) {
    if (!isObject(m) || !ROLES.has(m.role)) return `invalid request: messages[${i}].role must be one of system, user, assistant, tool`;
    if (m.role === 'tool' && typeof m.tool_call_id !== 'string') return `invalid request: messages[${i}].tool_call_id is required`;
  }
  if (body.tool_choice !== undefined && body.tool_choice !== 'REQUIRED' && body.tool_choice !== 'NONE') return 'invalid request: tool_choice must be REQUIRED or NONE';
  return undefined;
}

function plan(body: any, seq: number): Plan {
  const user = lastUser(body.messages);
  const tools: any[] = Array.isArray(body.tools) ? body.tools : [];
  const last = body.messages[body.messages.length - 1];
  if (tools.length && body.tool_choice !== 'NONE' && last?.role !== 'tool') {
    const chosen = /\bparallel\b/i.test(user.text) ? tools.slice(0, 3) : tools.slice(0, 1);
    const names = chosen.map((t) => t.function.name as string);
    return {
      kind: 'tools',
      plan: `I will call ${names.join(' and ')}.`,
      calls: names.map((name, i) => ({ id: cohereToolCallId(seq, name, i), name, arguments: cohereToolArguments(user.text) })),
    };
  }
  const full = `echo: ${user.text}${user.images ? ` [images: ${user.images}]` : ''}`;
  if (typeof body.max_tokens === 'number' && body.max_tokens < countWords(full)) return { kind: 'text', text: truncateWords(full, body.max_tokens), finish: 'MAX_TOKENS' };
  return { kind: 'text', text: full, finish: 'COMPLETE' };
}

function usage(body: any, p: Plan) {
  let prompt = 0;
  for (const m of body.messages) prompt += countWords(contentText(m.content));
  prompt = Math.max(1, prompt);
  const output = p.kind === 'text' ? countWords(p.text) : p.calls.reduce((n, c) => n + countWords(c.arguments), 0) + countWords(p.plan);
  return {
    billed_units: { input_tokens: prompt, output_tokens: output },
    tokens: { input_tokens: prompt + COHERE_PREAMBLE_TOKENS, output_tokens: output },
    cached_tokens: COHERE_CACHED_TOKENS,
  };
}

function chatResponse(body: any, seq: number) {
  const p = plan(body, seq);
  const message: Record<string, unknown> = { role: 'assistant' };
  if (p.kind === 'text') message.content = [{ type: 'text', text: p.text }];
  else {
    message.tool_plan = p.plan;
    message.tool_calls = p.calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } }));
  }
  return { id: cohereChatId(seq), message, finish_reason: p.kind === 'text' ? p.finish : 'TOOL_CALL', usage: usage(body, p) };
}

function streamEvents(body: any, seq: number): object[] {
  const p = plan(body, seq);
  const ev: object[] = [{ id: cohereChatId(seq), type: 'message-start', delta: { message: { role: 'assistant', content: [], tool_plan: '', tool_calls: [], citations: [] } } }];
  if (p.kind === 'text') {
    ev.push({ type: 'content-start', index: 0, delta: { message: { content: { type: 'text', text: '' } } } });
    for (const w of wordPieces(p.text)) ev.push({ type: 'content-delta', index: 0, delta: { message: { content: { text: w } } } });
    ev.push({ type: 'content-end', index: 0 });
  } else {
    for (const w of wordPieces(p.plan)) ev.push({ type: 'tool-plan-delta', delta: { message: { tool_plan: w } } });
    p.calls.forEach((c, i) => {
      ev.push({ type: 'tool-call-start', index: i, delta: { message: { tool_calls: { id: c.id, type: 'function', function: { name: c.name, arguments: '' } } } } });
      for (const f of fragmentText(c.arguments)) ev.push({ type: 'tool-call-delta', index: i, delta: { message: { tool_calls: { function: { arguments: f } } } } });
      ev.push({ type: 'tool-call-end', index: i });
    });
  }
  ev.push({ type: 'message-end', delta: { finish_reason: p.kind === 'text' ? p.finish : 'TOOL_CALL', usage: usage(body, p) } });
  return ev;
}

function embed(body: any, seq: number): [number, object] {
  if (!isObject(body) || typeof body.model !== 'string') return [400, { message: 'invalid request: model must be a non-empty string' }];
  if (!Array.isArray(body.texts) || body.texts.length === 0 || !body.texts.every((t: unknown) => typeof t === 'string')) return [400, { message: 'invalid request: texts must be a non-empty list of strings' }];
  if (typeof body.input_type !== 'string') return [400, { message: 'invalid request: input_type is required for embed models v3 and higher' }];
  const dims = typeof body.output_dimension === 'number' ? body.output_dimension : 8;
  const texts: string[] = body.texts;
  return [200, {
    id: `embed-mock-${seq}`,
    embeddings: { float: texts.map((t) => mockEmbedding(t, dims)) },
    texts,
    meta: { api_version: { version: '2' }, billed_units: { input_tokens: texts.reduce((n, t) => n + countWords(t), 0) } },
    response_type: 'embeddings_by_type',
  }];
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) });
  res.end(payload);
}

async function sendEvents(res: ServerResponse, events: object[], fault: CohereFault | undefined): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (let i = 0; i < events.length; i++) {
    if (fault?.cutAfterEvents !== undefined && i >= fault.cutAfterEvents) {
      // End the body without message-end: a truncated stream.
      res.end();
      return;
    }
    let e = events[i] as { type: string };
    if (fault?.errorAfterEvents !== undefined && i >= fault.errorAfterEvents) {
      e = { type: 'message-end', delta: { finish_reason: 'ERROR', error: fault.message ?? 'internal generation error' } } as { type: string };
      res.write(`event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
      res.end();
      return;
    }
    res.write(`event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
    // Let each event leave in its own write so the client sees a real stream (with a fault, a little
    // apart, so the events before it reach the client before the failure does).
    await new Promise((r) => (fault ? setTimeout(r, 5) : setImmediate(r)));
  }
  res.end();
}

export async function startCohereMock(opts: { requireKey?: string } = {}): Promise<CohereMock> {
  const requests: CohereRecord[] = [];
  let faults: CohereFault[] = [];
  let seq = 0;
  const sockets = new Set<Socket>();

  const server = createServer((req, res) => { void handle(req, res).catch(() => res.destroy()); });
  server.on('connection', (s) => { sockets.add(s); s.once('close', () => sockets.delete(s)); });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: any = null;
    if (raw) { try { body = JSON.parse(raw); } catch { body = raw; } }
    const path = (req.url ?? '/').split('?')[0]!;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    requests.push({ method: req.method ?? 'GET', path, headers, body });
    const n = ++seq;
    const fault = faults.shift();

    if (opts.requireKey !== undefined && headers.authorization !== `Bearer ${opts.requireKey}`) return sendJson(res, 401, { message: 'invalid api token' });
    if (fault?.status !== undefined) return sendJson(res, fault.status, { message: fault.message ?? `mock failure ${fault.status}` });

    if (req.method === 'POST' && path === '/v2/chat') {
      if (typeof body === 'string') return sendJson(res, 400, { message: 'invalid request: could not parse the JSON body' });
      const problem = invalid(body);
      if (problem) return sendJson(res, 400, { message: problem });
      if (body.stream === true) return sendEvents(res, streamEvents(body, n), fault);
      return sendJson(res, 200, chatResponse(body, n));
    }
    if (req.method === 'POST' && path === '/v2/embed') {
      const [status, out] = embed(body, n);
      return sendJson(res, status, out);
    }
    if (req.method === 'GET' && path === '/v1/models') {
      return sendJson(res, 200, { models: COHERE_MOCK_MODELS.map((name) => ({ name, endpoints: name.startsWith('embed') ? ['embed'] : ['chat'], finetuned: false, context_length: 256000 })), next_page_token: '' });
    }
    return sendJson(res, 404, { message: `no route for ${req.method} ${path}` });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    fail: (...f) => { faults.push(...f); },
    reset: () => { requests.length = 0; faults = []; seq = 0; },
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    }),
  };
}
