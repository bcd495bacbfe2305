/**
 * A fake Anthropic Messages API (POST /v1/messages, /v1/messages/count_tokens, GET /v1/models) that speaks
 * the documented wire format: https://docs.anthropic.com/en/api/messages, SSE events as in
 * https://docs.anthropic.com/en/docs/build-with-claude/streaming, errors as in https://docs.anthropic.com/en/api/errors.
 *
 * Deterministic: the text echoes the last user text ("Anthropic mock reply to: <text>", with " (N images)"
 * when the last user turn had images); given tools (and tool_choice not none) it calls the forced tool,
 * or the first one, or the first three when the user text says "parallel", with input {input, index}.
 * With `thinking` enabled a thinking block comes first. Usage: input_tokens = words of the prompt minus
 * words of system blocks marked cache_control (reported as cache_read_input_tokens); output_tokens =
 * words of the answer. Streams write every event separately and split tool input JSON into 5-char fragments.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface AnthropicMockRecord { method: string; path: string; headers: Record<string, string>; body: any }

export interface AnthropicMockFault {
  /** Answer with this HTTP status and an Anthropic error body instead of a message. */
  status?: number;
  type?: string;
  message?: string;
  /** Streams only: send an `error` event after the first delta (overloaded_error unless `type`). */
  midStreamError?: boolean;
  /** Streams only: cut the body after the first delta (no message_stop). */
  truncate?: boolean;
}

export interface AnthropicMock {
  /** Origin, e.g. http://127.0.0.1:PORT (the Anthropic base URL; paths start with /v1). */
  url: string;
  requests: AnthropicMockRecord[];
  /** The next API request fails as described (one shot). */
  failNext(fault: AnthropicMockFault): void;
  reset(): void;
  close(): Promise<void>;
}

const TYPE_BY_STATUS: Record<number, string> = {
  400: 'invalid_request_error', 401: 'authentication_error', 403: 'permission_error', 404: 'not_found_error',
  413: 'request_too_large', 429: 'rate_limit_error', 500: 'api_error', 529: 'overloaded_error',
};

const words = (s: string) => s.split(/\s+/).filter(Boolean).length;

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.filter((b) => b?.type === 'text').map((b) => String(b.text)).join(' ');
}

function imagesIn(content: unknown): number {
  return Array.isArray(content) ? content.filter((b) => b?.type === 'image').length : 0;
}

interface Plan {
  thinking?: string;
  text?: string;
  tools: Array<{ id: string; name: string; input: string }>;
  stopReason: string;
  usage: { input_tokens: number; output_tokens: number; cache_read_input_tokens: number; cache_creation_input_tokens: number };
}

function plan(body: any, id: string): Plan {
  const messages: any[] = Array.isArray(body.messages) ? body.messages : [];
  const lastUser = [...messages].reverse().find((m) => m.role === 'user' && (typeof m.content === 'string' || m.content.some((b: any) => b.type !== 'tool_result')));
  const user = lastUser ? textOf(lastUser.content) : '';
  const images = lastUser ? imagesIn(lastUser.content) : 0;
  const system = typeof body.system === 'string' ? [{ type: 'text', text: body.system }] : Array.isArray(body.system) ? body.system : [];
  let cached = 0;
  let prompt = 0;
  for (const b of system) {
    const n = words(String(b.text ?? ''));
    prompt += n;
    if (b.cache_control) cached += n;
  }
  for (const m of messages) prompt += words(textOf(m.content));
  const tools: any[] = Array.isArray(body.tools) ? body.tools : [];
  const tc = body.tool_choice;
  let chosen: any[] = [];
  if (tools.length && tc?.type !== 'none') {
    if (tc?.type === 'tool') chosen = tools.filter((t) => t.name === tc.name).slice(0, 1);
    else if (/\bparallel\b/i.test(user) && !tc?.disable_parallel_tool_use) chosen = tools.slice(0, 3);
    else chosen = tools.slice(0, 1);
  }
  const out: Plan = { tools: [], stopReason: 'end_turn', usage: { input_tokens: Math.max(1, prompt - cached), output_tokens: 0, cache_read_input_tokens: cached, cache_creation_input_tokens: 0 } };
  if (body.thinking?.type === 'enabled') out.thinking = `Thinking about: ${user}`;
  if (chosen.length) {
    out.tools = chosen.map((t, i) => ({ id: `toolu_${id}_${i}`, name: t.name, input: JSON.stringify({ input: user, index: i }) }));
    out.stopReason = 'tool_use';
  } else {
    out.text = `Anthropic mock reply to: ${user}${images ? ` (${images} image${images > 1 ? 's' : ''})` : ''}`;
  }
  out.usage.output_tokens = words(out.text ?? '') + words(out.thinking ?? '') + out.tools.reduce((n, t) => n + words(t.input), 0);
  return out;
}

function contentOf(p: Plan): any[] {
  const content: any[] = [];
  if (p.thinking) content.push({ type: 'thinking', thinking: p.thinking, signature: 'sig-mock' });
  if (p.text !== undefined) content.push({ type: 'text', text: p.text });
  for (const t of p.tools) content.push({ type: 'tool_use', id: t.id, name: t.name, input: JSON.parse(t.input) });
  return content;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const s = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(s), 'request-id': 'req_mock' });
  res.end(s);
}

function sendError(res: ServerResponse, status: number, type: string | undefined, message: string | undefined): void {
  sendJson(res, status, { type: 'error', error: { type: type ?? TYPE_BY_STATUS[status] ?? 'api_error', message: message ?? `mock error ${status}` }, request_id: 'req_mock' });
}

const tick = () => new Promise((r) => setImmediate(r));

async function stream(res: ServerResponse, body: any, id: string, p: Plan, fault: AnthropicMockFault | undefined): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const send = async (ev: Record<string, unknown>) => {
    res.write(`event: ${ev.type}\ndata: ${JSON.stringify(ev)}\n\n`);
    await tick();
  };
  let deltas = 0;
  /** Applies a mid-stream fault after the first delta; returns true when the stream must stop. */
  const afterDelta = async (): Promise<boolean> => {
    if (++deltas !== 1 || !fault) return false;
    if (fault.midStreamError) {
      await send({ type: 'error', error: { type: fault.type ?? 'overloaded_error', message: fault.message ?? 'Overloaded' } });
      res.end();
      return true;
    }
    if (fault.truncate) { res.end(); return true; }
    return false;
  };
  const startUsage = { input_tokens: p.usage.input_tokens, output_tokens: 1, cache_read_input_tokens: p.usage.cache_read_input_tokens, cache_creation_input_tokens: 0 };
  await send({ type: 'message_start', message: { id, type: 'message', role: 'assistant', model: body.model, content: [], stop_reason: null, stop_sequence: null, usage: startUsage } });
  let index = 0;
  if (p.thinking) {
    await send({ type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } });
    for (const piece of p.thinking.match(/\s*\S+/g) ?? []) {
      await send({ type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking: piece } });
      if (await afterDelta()) return;
    }
    await send({ type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: 'sig-mock' } });
    await send({ type: 'content_block_stop', index });
    index++;
  }
  if (p.text !== undefined) {
    await send({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
    await send({ type: 'ping' });
    for (const piece of p.text.match(/\s*\S+/g) ?? []) {
      await send({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } });
      if (await afterDelta()) return;
    }
    await send({ type: 'content_block_stop', index });
    index++;
  }
  for (const t of p.tools) {
    await send({ type: 'content_block_start', index, content_block: { type: 'tool_use', id: t.id, name: t.name, input: {} } });
    await send({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: '' } });
    for (const piece of t.input.match(/.{1,5}/gsu) ?? []) {
      await send({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: piece } });
      if (await afterDelta()) return;
    }
    await send({ type: 'content_block_stop', index });
    index++;
  }
  await send({ type: 'message_delta', delta: { stop_reason: p.stopReason, stop_sequence: null }, usage: { output_tokens: p.usage.output_tokens } });
  await send({ type: 'message_stop' });
  res.end();
}

export async function startAnthropicMock(opts: { requireKey?: string } = {}): Promise<AnthropicMock> {
  const requests: AnthropicMockRecord[] = [];
  const sockets = new Set<Socket>();
  let faults: AnthropicMockFault[] = [];
  let seq = 0;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: any = null;
    try { body = raw ? JSON.parse(raw) : null; } catch { body = raw; }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : String(v);
    const path = (req.url ?? '/').split('?')[0];
    requests.push({ method: req.method ?? 'GET', path, headers, body });

    if (opts.requireKey && headers['x-api-key'] !== opts.requireKey) return sendError(res, 401, 'authentication_error', 'invalid x-api-key');
    if (!headers['anthropic-version']) return sendError(res, 400, 'invalid_request_error', 'anthropic-version: header is required');
    const fault = faults.shift();
    if (fault?.status) return sendError(res, fault.status, fault.type, fault.message);

    if (req.method === 'GET' && path === '/v1/models') {
      return sendJson(res, 200, {
        data: [{ type: 'model', id: 'claude-mock-1', display_name: 'Claude Mock 1', created_at: '2025-01-01T00:00:00Z' }, { type: 'model', id: 'claude-mock-2', display_name: 'Claude Mock 2', created_at: '2025-01-01T00:00:00Z' }],
        has_more: false, first_id: 'claude-mock-1', last_id: 'claude-mock-2',
      });
    }
    if (req.method !== 'POST' || (path !== '/v1/messages' && path !== '/v1/messages/count_tokens')) return sendError(res, 404, 'not_found_error', `Not found: ${req.method} ${path}`);
    if (!body || typeof body !== 'object') return sendError(res, 400, 'invalid_request_error', 'body: invalid JSON');
    if (typeof body.model !== 'string') return sendError(res, 400, 'invalid_request_error', 'model: Field required');
    if (!Array.isArray(body.messages)) return sendError(res, 400, 'invalid_request_error', 'messages: Field required');
    if (body.model === 'claude-missing') return sendError(res, 404, 'not_found_error', `model: ${body.model}`);
    const id = `msg_mock${(++seq).toString().padStart(4, '0')}`;
    const p = plan(body, id);
    if (path === '/v1/messages/count_tokens') return sendJson(res, 200, { input_tokens: p.usage.input_tokens + p.usage.cache_read_input_tokens });
    if (typeof body.max_tokens !== 'number') return sendError(res, 400, 'invalid_request_error', 'max_tokens: Field required');
    if (body.stream === true) return stream(res, body, id, p, fault);
    sendJson(res, 200, { id, type: 'message', role: 'assistant', model: body.model, content: contentOf(p), stop_reason: p.stopReason, stop_sequence: null, usage: p.usage });
  }

  const server = createServer({ keepAlive: true }, (req, res) => {
    handle(req, res).catch(() => { if (!res.headersSent) sendError(res, 500, 'api_error', 'mock failure'); else res.destroy(); });
  });
  server.on('connection', (s) => { sockets.add(s); s.once('close', () => sockets.delete(s)); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    failNext: (f) => { faults.push(f); },
    reset: () => { requests.length = 0; faults = []; seq = 0; },
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
