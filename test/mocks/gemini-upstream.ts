/**
 * A fake Google upstream speaking the documented wire formats, deterministic like the built-in mock:
 * - Gemini API: POST /v1beta/models/{m}:generateContent | :streamGenerateContent?alt=sse | :batchEmbedContents
 *   | :embedContent, GET /v1beta/models (https://ai.google.dev/api/generate-content, /api/embeddings, /api/models)
 * - Vertex AI: POST /v1/projects/{p}/locations/{l}/publishers/google/models/{m}:generateContent | ... | :predict
 *   and publishers/anthropic/models/{m}:rawPredict | :streamRawPredict (Anthropic Messages body/SSE)
 * - OAuth token endpoint: POST /token with a JWT-bearer assertion (verified against the given public key)
 * Answers echo the last user text, call tools when given (all of them, up to 3, when the text says
 * "parallel"), stream in several events, and record every request. Errors use Google's
 * {"error":{"code","message","status"}} shape; failNext() injects one.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { importSPKI, jwtVerify } from 'jose';

export interface GeminiMockRecord { method: string; path: string; headers: Record<string, string>; body: any }

export interface GeminiMockOptions {
  /** Gemini API: requests must carry this x-goog-api-key. */
  requireKey?: string;
  /** Vertex: PEM (SPKI) public key of the service account; enables /token and Bearer checks on /v1/projects/... */
  publicKeyPem?: string;
  clientEmail?: string;
  tokenTtlSeconds?: number;
  /** Reported as cachedContentTokenCount. */
  cachedTokens?: number;
  /** Stream faults: 'error' sends an error event after the first piece; 'truncate' ends without finishReason. */
  streamFault?: 'error' | 'truncate';
}

export interface GeminiMock {
  url: string;
  requests: GeminiMockRecord[];
  tokensIssued: number;
  options: GeminiMockOptions;
  /** The next API request fails with this HTTP status in Google's error shape. */
  failNext(status: number, message?: string): void;
  close(): Promise<void>;
}

const STATUS_NAME: Record<number, string> = {
  400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND', 429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL', 503: 'UNAVAILABLE', 504: 'DEADLINE_EXCEEDED',
};

export const googleErrorBody = (code: number, message: string) => ({ error: { code, message, status: STATUS_NAME[code] ?? 'UNKNOWN' } });
export const words = (s: string) => s.match(/\S+/g)?.length ?? 0;
export const geminiReplyText = (user: string, media: string[] = []) => `Gemini mock reply to: ${user}${media.length ? ` (with ${media.join(', ')})` : ''}`;
export const anthropicReplyText = (user: string) => `Anthropic mock reply to: ${user}`;

/** A deterministic vector per text (first dims of repeated sha256 bytes, scaled to [-1, 1)). */
export function geminiMockVector(text: string, dims = 8): number[] {
  const h = createHash('sha256').update(text).digest();
  return Array.from({ length: dims }, (_, i) => Math.round(((h[i % h.length] - 128) / 128) * 1e4) / 1e4);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/* ------------------------------ Gemini ------------------------------ */

interface GPart { text?: string; thought?: boolean; inlineData?: { mimeType: string }; fileData?: { mimeType?: string; fileUri: string }; functionCall?: unknown; functionResponse?: { name: string; response: unknown } }
interface GContent { role?: string; parts?: GPart[] }

function geminiPlan(body: any) {
  const contents: GContent[] = Array.isArray(body?.contents) ? body.contents : [];
  const last = contents[contents.length - 1];
  const lastUser = [...contents].reverse().find((c) => (c.role ?? 'user') === 'user' && c.parts?.some((p) => typeof p.text === 'string'));
  const user = (lastUser?.parts ?? []).filter((p) => typeof p.text === 'string').map((p) => p.text).join(' ');
  const media = (last?.parts ?? []).flatMap((p) => (p.inlineData ? [p.inlineData.mimeType] : p.fileData ? [p.fileData.fileUri] : []));
  let prompt = 0;
  for (const c of [...contents, body?.systemInstruction ?? { parts: [] }]) for (const p of c.parts ?? []) if (typeof p.text === 'string') prompt += words(p.text);
  const decls: Array<{ name: string }> = (body?.tools ?? []).flatMap((t: any) => t.functionDeclarations ?? []);
  const fcc = body?.toolConfig?.functionCallingConfig ?? {};
  const answered = last?.parts?.filter((p) => p.functionResponse) ?? [];
  let calls: Array<{ name: string; args: Record<string, unknown> }> = [];
  if (decls.length && fcc.mode !== 'NONE' && !answered.length) {
    let chosen = decls.slice(0, 1);
    if (Array.isArray(fcc.allowedFunctionNames) && fcc.allowedFunctionNames.length) chosen = decls.filter((d) => d.name === fcc.allowedFunctionNames[0]);
    else if (/\bparallel\b/i.test(user)) chosen = decls.slice(0, 3);
    calls = chosen.map((d, index) => ({ name: d.name, args: { input: user, index } }));
  }
  const text = answered.length
    ? `Gemini mock got tool results: ${answered.map((p) => `${p.functionResponse!.name}=${JSON.stringify(p.functionResponse!.response)}`).join('; ')}`
    : geminiReplyText(user, media);
  const thought = body?.generationConfig?.thinkingConfig?.includeThoughts ? `Thinking about: ${user}` : undefined;
  return { user, text, calls, thought, prompt: Math.max(1, prompt) };
}

function usageOf(plan: ReturnType<typeof geminiPlan>, opts: GeminiMockOptions) {
  const out = plan.calls.length ? plan.calls.reduce((n, c) => n + words(JSON.stringify(c.args)), 0) : words(plan.text);
  const thoughts = plan.thought ? words(plan.thought) : 0;
  const u: Record<string, number> = { promptTokenCount: plan.prompt, candidatesTokenCount: out, totalTokenCount: plan.prompt + out + thoughts };
  if (opts.cachedTokens) u.cachedContentTokenCount = opts.cachedTokens;
  if (thoughts) u.thoughtsTokenCount = thoughts;
  return u;
}

let respCounter = 0;

function geminiGenerate(res: ServerResponse, model: string, body: any, opts: GeminiMockOptions): void {
  const plan = geminiPlan(body);
  const parts: unknown[] = [];
  if (plan.thought) parts.push({ text: plan.thought, thought: true });
  if (plan.calls.length) for (const c of plan.calls) parts.push({ functionCall: c });
  else parts.push({ text: plan.text });
  send(res, 200, {
    candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP', index: 0 }],
    usageMetadata: usageOf(plan, opts), modelVersion: model, responseId: `mockresp${++respCounter}`,
  });
}

async function geminiStream(res: ServerResponse, model: string, body: any, opts: GeminiMockOptions): Promise<void> {
  const plan = geminiPlan(body);
  const responseId = `mockresp${++respCounter}`;
  const usage = usageOf(plan, opts);
  const events: Array<{ parts: unknown[]; last?: boolean }> = [];
  if (plan.thought) events.push({ parts: [{ text: plan.thought, thought: true }] });
  if (plan.calls.length) for (const c of plan.calls) events.push({ parts: [{ functionCall: c }] });
  else for (const piece of plan.text.match(/\s*\S+/g) ?? [plan.text]) events.push({ parts: [{ text: piece }] });
  events[events.length - 1].last = true;
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    if (opts.streamFault === 'error' && i === 1) {
      res.write(`data: ${JSON.stringify(googleErrorBody(500, 'mock mid-stream failure'))}\r\n\r\n`);
      res.end();
      return;
    }
    const finish = e.last && opts.streamFault !== 'truncate' ? { finishReason: 'STOP' } : {};
    const ev = { candidates: [{ content: { role: 'model', parts: e.parts }, ...finish, index: 0 }], usageMetadata: usage, modelVersion: model, responseId };
    res.write(`data: ${JSON.stringify(ev)}\r\n\r\n`);
    await new Promise((r) => setImmediate(r));
  }
  res.end();
}

function geminiEmbed(res: ServerResponse, method: string, body: any): void {
  const one = (r: any) => ({ values: geminiMockVector((r?.content?.parts ?? []).map((p: GPart) => p.text ?? '').join(' '), r?.outputDimensionality ?? 8) });
  if (method === 'embedContent') return send(res, 200, { embedding: one(body) });
  send(res, 200, { embeddings: (body?.requests ?? []).map(one) });
}

/* ------------------------------ Vertex: Anthropic ------------------------------ */

function anthropicPlan(body: any) {
  const msgs: any[] = body?.messages ?? [];
  const lastUser = [...msgs].reverse().find((m) => m.role === 'user');
  const c = lastUser?.content;
  const user = typeof c === 'string' ? c : (c ?? []).filter((b: any) => b.type === 'text').map((b: any) => b.text).join(' ');
  const tools: Array<{ name: string }> = body?.tools ?? [];
  let calls: Array<{ id: string; name: string; input: Record<string, unknown> }> = [];
  if (tools.length && body?.tool_choice?.type !== 'none') {
    const chosen = /\bparallel\b/i.test(user) ? tools.slice(0, 3) : tools.slice(0, 1);
    calls = chosen.map((t, index) => ({ id: `toolu_mock_${index}`, name: t.name, input: { input: user, index } }));
  }
  return { user, calls, text: anthropicReplyText(user), input: Math.max(1, words(user)) };
}

function anthropicCheck(res: ServerResponse, body: any): boolean {
  if (body?.anthropic_version !== 'vertex-2023-10-16' || 'model' in (body ?? {})) {
    send(res, 400, { type: 'error', error: { type: 'invalid_request_error', message: 'anthropic_version must be vertex-2023-10-16 and model must not be in the body' } });
    return false;
  }
  return true;
}

function anthropicRaw(res: ServerResponse, model: string, body: any): void {
  const p = anthropicPlan(body);
  const content = p.calls.length ? p.calls.map((c) => ({ type: 'tool_use', ...c })) : [{ type: 'text', text: p.text }];
  const output = p.calls.length ? p.calls.reduce((n, c) => n + words(JSON.stringify(c.input)), 0) : words(p.text);
  send(res, 200, {
    id: 'msg_vrtx_mock', type: 'message', role: 'assistant', model, content, stop_reason: p.calls.length ? 'tool_use' : 'end_turn', stop_sequence: null,
    usage: { input_tokens: p.input, output_tokens: output, cache_read_input_tokens: 0 },
  });
}

async function anthropicStream(res: ServerResponse, model: string, body: any): Promise<void> {
  const p = anthropicPlan(body);
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const ev = (type: string, data: object) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  ev('message_start', { message: { id: 'msg_vrtx_mock', type: 'message', role: 'assistant', model, content: [], stop_reason: null, usage: { input_tokens: p.input, output_tokens: 1 } } });
  let output = 0;
  if (p.calls.length) {
    p.calls.forEach((c, index) => {
      ev('content_block_start', { index, content_block: { type: 'tool_use', id: c.id, name: c.name, input: {} } });
      const json = JSON.stringify(c.input);
      output += words(json);
      for (const piece of json.match(/.{1,5}/gsu) ?? []) ev('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: piece } });
      ev('content_block_stop', { index });
    });
  } else {
    ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
    for (const piece of p.text.match(/\s*\S+/g) ?? []) ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: piece } });
    ev('content_block_stop', { index: 0 });
    output = words(p.text);
  }
  ev('message_delta', { delta: { stop_reason: p.calls.length ? 'tool_use' : 'end_turn', stop_sequence: null }, usage: { output_tokens: output } });
  ev('message_stop', {});
  res.end();
}

/* ------------------------------ server ------------------------------ */

export async function startGeminiMock(options: GeminiMockOptions = {}): Promise<GeminiMock> {
  const requests: GeminiMockRecord[] = [];
  const sockets = new Set<Socket>();
  let fail: { status: number; message: string } | undefined;
  const issued = new Set<string>();
  const publicKey = options.publicKeyPem ? await importSPKI(options.publicKeyPem, 'RS256') : undefined;
  const mock: GeminiMock = {
    url: '', requests, tokensIssued: 0, options,
    failNext(status, message = `mock failure ${status}`) { fail = { status, message }; },
    close: () => new Promise<void>((resolve) => { for (const s of sockets) s.destroy(); server.close(() => resolve()); }),
  };

  async function token(res: ServerResponse, raw: string): Promise<void> {
    const form = new URLSearchParams(raw);
    if (!publicKey || form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') return send(res, 400, { error: 'unsupported_grant_type' });
    try {
      const { payload } = await jwtVerify(form.get('assertion') ?? '', publicKey, { audience: `${mock.url}/token`, issuer: options.clientEmail });
      if (payload.scope !== 'https://www.googleapis.com/auth/cloud-platform') throw new Error('scope');
    } catch {
      return send(res, 400, { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' });
    }
    const t = `ya29.mock-${++mock.tokensIssued}`;
    issued.add(t);
    send(res, 200, { access_token: t, expires_in: options.tokenTtlSeconds ?? 3600, token_type: 'Bearer' });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://x');
    const path = decodeURIComponent(url.pathname);
    if (req.method === 'POST' && path === '/token') return token(res, raw);
    let body: any = null;
    try { body = raw ? JSON.parse(raw) : null; } catch { body = raw; }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : String(v);
    requests.push({ method: req.method ?? '', path: req.url ?? '', headers, body });
    if (fail) {
      const f = fail;
      fail = undefined;
      return send(res, f.status, googleErrorBody(f.status, f.message));
    }
    const vertex = /^\/v1\/projects\/([^/]+)\/locations\/([^/]+)\/publishers\/(google|anthropic)\/models\/(.+):(\w+)$/.exec(path);
    const gemini = /^\/v1beta\/models\/(.+):(\w+)$/.exec(path);
    if (vertex) {
      if (!publicKey || !issued.has((headers.authorization ?? '').replace(/^Bearer /, ''))) return send(res, 401, googleErrorBody(401, 'Request had invalid authentication credentials.'));
      const [, , , publisher, model, method] = vertex;
      if (publisher === 'anthropic') {
        if (!anthropicCheck(res, body)) return;
        if (method === 'rawPredict') return anthropicRaw(res, model, body);
        if (method === 'streamRawPredict') return anthropicStream(res, model, body);
      } else {
        if (method === 'generateContent') return geminiGenerate(res, model, body, options);
        if (method === 'streamGenerateContent') return geminiStream(res, model, body, options);
        if (method === 'predict') {
          const preds = (body?.instances ?? []).map((i: any) => ({ embeddings: { values: geminiMockVector(i.content, body?.parameters?.outputDimensionality ?? 8), statistics: { token_count: words(i.content), truncated: false } } }));
          return send(res, 200, { predictions: preds });
        }
      }
      return send(res, 404, googleErrorBody(404, `unknown method ${method}`));
    }
    if (options.requireKey && headers['x-goog-api-key'] !== options.requireKey) {
      return send(res, 400, { error: { code: 400, message: 'API key not valid. Please pass a valid API key.', status: 'INVALID_ARGUMENT' } });
    }
    if (req.method === 'GET' && path === '/v1beta/models') {
      return send(res, 200, { models: [{ name: 'models/gemini-mock-flash', supportedGenerationMethods: ['generateContent'] }, { name: 'models/gemini-mock-embed', supportedGenerationMethods: ['embedContent'] }] });
    }
    if (gemini && req.method === 'POST') {
      const [, model, method] = gemini;
      if (!body || typeof body !== 'object') return send(res, 400, googleErrorBody(400, 'Invalid JSON payload received.'));
      if (method === 'generateContent') return geminiGenerate(res, model, body, options);
      if (method === 'streamGenerateContent') return geminiStream(res, model, body, options);
      if (method === 'batchEmbedContents' || method === 'embedContent') return geminiEmbed(res, method, body);
    }
    send(res, 404, googleErrorBody(404, `unknown path ${req.method} ${path}`));
  }

  const server = createServer((req, res) => { handle(req, res).catch(() => { if (!res.headersSent) send(res, 500, googleErrorBody(500, 'mock crashed')); else res.destroy(); }); });
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  mock.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return mock;
}
