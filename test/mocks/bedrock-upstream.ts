/**
 * A fake Amazon Bedrock Runtime that speaks the documented wire format: Converse (JSON), ConverseStream
 * (binary AWS event stream, `application/vnd.amazon.eventstream`), InvokeModel for Titan / Cohere
 * embeddings, and Bedrock's error shape (`x-amzn-errortype` header + `{"message"}`). Answers are
 * deterministic: the text echoes the last user text; with tools it calls the forced tool, or the first
 * one, or the first three when the user text says "parallel". Streams split text by words and tool input
 * into 3-character fragments, and cut the bytes at odd places so that event framing is exercised.
 * When credentials are given, every request's SigV4 signature is verified (403 InvalidSignatureException).
 */
import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { SignatureV4 } from '@smithy/signature-v4';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';

export interface BedrockMockRequest {
  method: string;
  /** Raw path as received (model id percent-encoded). */
  path: string;
  /** Decoded model id and operation (converse, converse-stream, invoke). */
  modelId: string;
  op: string;
  headers: Record<string, string>;
  body: any;
}

/** An injected failure for the next matching request. */
export type BedrockFault =
  | { kind: 'http'; status: number; errorType: string; message: string }
  /** Sends this many events, then an exception message inside the stream. */
  | { kind: 'stream-exception'; afterEvents: number; exceptionType: string; message: string }
  /** Sends this many events, then ends the body cleanly before messageStop. */
  | { kind: 'truncate'; afterEvents: number };

export interface BedrockMock {
  url: string;
  requests: BedrockMockRequest[];
  /** Queues faults; each applies to one request. */
  fail(...faults: BedrockFault[]): void;
  reset(): void;
  close(): Promise<void>;
}

export interface BedrockMockOptions {
  /** Verify SigV4 signatures made with these credentials. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  region?: string;
}

const codec = new EventStreamCodec(toUtf8, fromUtf8);

export const MOCK_CACHE_READ_TOKENS = 2;
export const TOOL_FRAGMENT = 3;

export function mockReplyText(userText: string, images: number): string {
  const base = userText ? `Bedrock mock reply to: ${userText}` : 'Bedrock mock reply.';
  return images ? `${base} [${images} image${images > 1 ? 's' : ''}]` : base;
}

export function mockToolInput(userText: string, index: number): Record<string, unknown> {
  return { input: userText, index };
}

export function mockTitanEmbedding(text: string, dims: number): number[] {
  const h = createHash('sha256').update(text).digest();
  const out: number[] = [];
  for (let i = 0; i < dims; i++) out.push(Number(((h[i % h.length] - 128) / 128).toFixed(6)));
  return out;
}

const words = (s: string) => s.split(/\s+/).filter(Boolean).length;

function lastUser(messages: any[]): { text: string; images: number } {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m.role !== 'user') continue;
    const texts = (m.content ?? []).filter((b: any) => typeof b.text === 'string').map((b: any) => b.text);
    if (!texts.length && (m.content ?? []).some((b: any) => b.toolResult)) continue; // tool results: look further back
    return { text: texts.join(' '), images: (m.content ?? []).filter((b: any) => b.image).length };
  }
  return { text: '', images: 0 };
}

function promptTokens(body: any): number {
  let n = 0;
  for (const s of body.system ?? []) n += words(s.text ?? '');
  for (const m of body.messages ?? []) for (const b of m.content ?? []) if (typeof b.text === 'string') n += words(b.text);
  return Math.max(1, n);
}

interface Plan { text?: string; tools?: Array<{ toolUseId: string; name: string; input: Record<string, unknown> }>; stopReason: string; usage: Record<string, number> }

function plan(body: any, seq: number): Plan {
  const { text, images } = lastUser(body.messages ?? []);
  const tools: any[] = body.toolConfig?.tools ?? [];
  const input = promptTokens(body);
  const lastIsToolResult = (body.messages?.at(-1)?.content ?? []).some((b: any) => b.toolResult);
  if (tools.length && !lastIsToolResult) {
    const choice = body.toolConfig.toolChoice;
    let chosen = [tools[0]];
    if (choice?.tool) chosen = tools.filter((t) => t.toolSpec.name === choice.tool.name).slice(0, 1);
    else if (/\bparallel\b/i.test(text)) chosen = tools.slice(0, 3);
    const calls = chosen.map((t, i) => ({ toolUseId: `tooluse_${seq}_${i}`, name: t.toolSpec.name, input: mockToolInput(text, i) }));
    const out = calls.reduce((n, c) => n + words(JSON.stringify(c.input)), 0);
    return { tools: calls, stopReason: 'tool_use', usage: { inputTokens: input, outputTokens: out, totalTokens: input + out + MOCK_CACHE_READ_TOKENS, cacheReadInputTokens: MOCK_CACHE_READ_TOKENS, cacheWriteInputTokens: 0 } };
  }
  let reply = mockReplyText(text, images);
  let stopReason = 'end_turn';
  const max = body.inferenceConfig?.maxTokens;
  if (typeof max === 'number' && words(reply) > max) {
    reply = reply.split(/\s+/).slice(0, max).join(' ');
    stopReason = 'max_tokens';
  }
  const out = words(reply);
  return { text: reply, stopReason, usage: { inputTokens: input, outputTokens: out, totalTokens: input + out + MOCK_CACHE_READ_TOKENS, cacheReadInputTokens: MOCK_CACHE_READ_TOKENS, cacheWriteInputTokens: 0 } };
}

function converseBody(p: Plan): unknown {
  const content: any[] = [];
  if (p.text !== undefined) content.push({ text: p.text });
  for (const t of p.tools ?? []) content.push({ toolUse: t });
  return { output: { message: { role: 'assistant', content } }, stopReason: p.stopReason, usage: p.usage, metrics: { latencyMs: 12 } };
}

function streamEvents(p: Plan): Array<[string, unknown]> {
  const evs: Array<[string, unknown]> = [['messageStart', { role: 'assistant', p: 'abcdefgh' }]];
  let block = 0;
  if (p.text !== undefined) {
    for (const piece of p.text.match(/\s*\S+/g) ?? [p.text]) evs.push(['contentBlockDelta', { contentBlockIndex: block, delta: { text: piece }, p: 'ab' }]);
    evs.push(['contentBlockStop', { contentBlockIndex: block }]);
    block++;
  }
  for (const t of p.tools ?? []) {
    evs.push(['contentBlockStart', { contentBlockIndex: block, start: { toolUse: { toolUseId: t.toolUseId, name: t.name } } }]);
    const json = JSON.stringify(t.input);
    for (let i = 0; i < json.length; i += TOOL_FRAGMENT) {
      evs.push(['contentBlockDelta', { contentBlockIndex: block, delta: { toolUse: { input: json.slice(i, i + TOOL_FRAGMENT) } } }]);
    }
    evs.push(['contentBlockStop', { contentBlockIndex: block }]);
    block++;
  }
  evs.push(['messageStop', { stopReason: p.stopReason }]);
  evs.push(['metadata', { usage: p.usage, metrics: { latencyMs: 12 } }]);
  return evs;
}

export function encodeEvent(eventType: string, payload: unknown): Uint8Array {
  return codec.encode({
    headers: {
      ':event-type': { type: 'string', value: eventType },
      ':content-type': { type: 'string', value: 'application/json' },
      ':message-type': { type: 'string', value: 'event' },
    },
    body: fromUtf8(JSON.stringify(payload)),
  });
}

export function encodeException(exceptionType: string, message: string): Uint8Array {
  return codec.encode({
    headers: {
      ':exception-type': { type: 'string', value: exceptionType },
      ':content-type': { type: 'string', value: 'application/json' },
      ':message-type': { type: 'string', value: 'exception' },
    },
    body: fromUtf8(JSON.stringify({ message })),
  });
}

function sendError(res: ServerResponse, status: number, errorType: string, message: string): void {
  const body = JSON.stringify({ message });
  res.writeHead(status, {
    'content-type': 'application/json',
    'x-amzn-errortype': `${errorType}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
    'x-amzn-requestid': 'err-request-id',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

const nodeSha256 = class {
  private h;
  constructor(private readonly secret?: string | ArrayBufferView | ArrayBuffer) { this.h = this.fresh(); }
  private fresh() {
    const s = this.secret;
    if (s === undefined) return createHash('sha256');
    return createHmac('sha256', typeof s === 'string' ? s : Buffer.from(s instanceof ArrayBuffer ? new Uint8Array(s) : new Uint8Array(s.buffer, s.byteOffset, s.byteLength)));
  }
  update(d: string | ArrayBufferView | ArrayBuffer) {
    this.h.update(typeof d === 'string' ? d : Buffer.from(d instanceof ArrayBuffer ? new Uint8Array(d) : new Uint8Array(d.buffer, d.byteOffset, d.byteLength)));
  }
  digest() { return Promise.resolve(new Uint8Array(this.h.digest())); }
  reset() { this.h = this.fresh(); }
};

/** Recomputes the request's SigV4 signature over exactly what arrived. */
async function signatureValid(req: IncomingMessage, raw: string, opts: BedrockMockOptions): Promise<boolean> {
  const auth = req.headers.authorization ?? '';
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/\d{8}\/([^/]+)\/bedrock\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(auth);
  const date = req.headers['x-amz-date'];
  if (!m || typeof date !== 'string' || m[1] !== opts.credentials!.accessKeyId || m[2] !== (opts.region ?? 'us-east-1')) return false;
  if (opts.credentials!.sessionToken && req.headers['x-amz-security-token'] !== opts.credentials!.sessionToken) return false;
  const headers: Record<string, string> = {};
  for (const name of m[3].split(';')) headers[name] = String(req.headers[name] ?? '');
  const signer = new SignatureV4({ credentials: opts.credentials!, region: opts.region ?? 'us-east-1', service: 'bedrock', sha256: nodeSha256 });
  const signingDate = new Date(date.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
  const [hostname, port] = String(req.headers.host).split(':');
  const signed = await signer.sign({ method: req.method!, protocol: 'http:', hostname, port: port ? Number(port) : undefined, path: req.url!, query: {}, headers, body: raw }, { signingDate });
  return signed.headers.authorization === auth;
}

export async function startBedrockMock(opts: BedrockMockOptions = {}): Promise<BedrockMock> {
  const requests: BedrockMockRequest[] = [];
  let faults: BedrockFault[] = [];
  let seq = 0;
  const sockets = new Set<Socket>();

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const match = /^\/model\/([^/]+)\/(converse|converse-stream|invoke)$/.exec(req.url ?? '');
    let body: any = null;
    try { body = raw ? JSON.parse(raw) : null; } catch { body = raw; }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : String(v);
    if (!match || req.method !== 'POST') {
      sendError(res, 404, 'UnknownOperationException', `no route ${req.method} ${req.url}`);
      return;
    }
    const modelId = decodeURIComponent(match[1]);
    const op = match[2];
    requests.push({ method: req.method, path: req.url!, modelId, op, headers, body });
    const n = ++seq;
    if (opts.credentials && !(await signatureValid(req, raw, opts))) {
      sendError(res, 403, 'InvalidSignatureException', 'The request signature we calculated does not match the signature you provided.');
      return;
    }
    const fault = faults.shift();
    if (fault?.kind === 'http') { sendError(res, fault.status, fault.errorType, fault.message); return; }
    if (typeof body !== 'object' || body === null) { sendError(res, 400, 'ValidationException', 'Malformed input request, please reformat your input and try again.'); return; }

    if (op === 'invoke') {
      if (modelId.includes('titan-embed')) {
        const dims = body.dimensions ?? 1024;
        const text = String(body.inputText ?? '');
        const out = JSON.stringify({ embedding: mockTitanEmbedding(text, dims), inputTextTokenCount: words(text) });
        res.writeHead(200, { 'content-type': 'application/json', 'x-amzn-bedrock-input-token-count': String(words(text)) });
        res.end(out);
      } else if (modelId.includes('cohere.embed')) {
        const texts: string[] = body.texts ?? [];
        const tokens = texts.reduce((a, t) => a + words(t), 0);
        res.writeHead(200, { 'content-type': 'application/json', 'x-amzn-bedrock-input-token-count': String(tokens) });
        res.end(JSON.stringify({ id: `emb-${n}`, response_type: 'embeddings_floats', texts, embeddings: texts.map((t) => mockTitanEmbedding(t, 8)) }));
      } else {
        sendError(res, 400, 'ValidationException', `mock: model ${modelId} is not an embeddings model`);
      }
      return;
    }
    if (!Array.isArray(body.messages) || body.messages.length === 0) {
      sendError(res, 400, 'ValidationException', 'The model returned the following errors: messages: field required');
      return;
    }
    const p = plan(body, n);
    if (op === 'converse') {
      res.writeHead(200, { 'content-type': 'application/json', 'x-amzn-requestid': `req-${n}` });
      res.end(JSON.stringify(converseBody(p)));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': `req-${n}` });
    let evs = streamEvents(p).map(([t, e]) => encodeEvent(t, e));
    if (fault?.kind === 'stream-exception') evs = [...evs.slice(0, fault.afterEvents), encodeException(fault.exceptionType, fault.message)];
    if (fault?.kind === 'truncate') evs = evs.slice(0, fault.afterEvents);
    // Cut the byte stream at places that do not match event boundaries: two events per write, split in the middle.
    const all = Buffer.concat(evs);
    const cuts: number[] = [];
    let pos = 0;
    for (let i = 0; i < evs.length; i += 2) {
      pos += evs[i].length + Math.floor((evs[i + 1]?.length ?? 0) / 2);
      cuts.push(Math.min(pos, all.length));
      pos += Math.ceil((evs[i + 1]?.length ?? 0) / 2);
    }
    let from = 0;
    for (const to of [...cuts, all.length]) {
      if (to > from) res.write(all.subarray(from, to));
      from = to;
      await new Promise((r) => setImmediate(r));
    }
    res.end();
  });
  server.on('connection', (s) => { sockets.add(s); s.once('close', () => sockets.delete(s)); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    fail: (...f) => { faults.push(...f); },
    reset: () => { requests.length = 0; faults = []; seq = 0; },
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
