/**
 * A fake OpenAI provider that speaks the documented HTTP wire format (chat completions, legacy completions,
 * embeddings, models, error objects, SSE) with deterministic answers and programmable faults. It is the only
 * fake in the test suite: it stands in for the provider that lives outside this machine.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import http2 from 'node:http2';
import type { AddressInfo, Socket } from 'node:net';
import { errorForStatus, openAIError } from './openai/errors.js';
import { FaultBook, validateFaultRules, type FaultRule } from './openai/faults.js';
import { readBody, resetSocket, sendJson, sendSse, sleep } from './openai/http-io.js';
import { NOT_JSON, route } from './openai/router.js';

export type { FaultRule } from './openai/faults.js';

export interface MockRequestRecord {
  method: string;
  path: string;
  /** Lower-cased names; repeated headers joined with ', '. */
  headers: Record<string, string>;
  /** Parsed JSON body; the raw text when it was not JSON; null when there was no body. */
  body: any;
  /** Date.now() when the body had been read. */
  receivedAt: number;
}

export interface OpenAIMock {
  /** Base URL including /v1, e.g. http://127.0.0.1:PORT/v1 (what an OpenAI client takes as baseURL). */
  url: string;
  port: number;
  /** Every API request received, in order (control requests are not recorded). */
  requests: MockRequestRecord[];
  /** TCP connections accepted so far (HTTP/2 carries many requests on one). */
  connectionsOpened(): number;
  setFaults(rules: FaultRule[]): void;
  /** Clears requests and faults, and restarts id numbering. */
  reset(): void;
  /** Stops listening and destroys every open connection (including hung ones). */
  close(): Promise<void>;
}

export interface OpenAIMockOptions {
  port?: number;
  host?: string;
  /** Added before every API response's headers. */
  latencyMs?: number;
  /** When set, API requests must carry `Authorization: Bearer <requireKey>` or get 401 invalid_api_key. */
  requireKey?: string;
  /** Speak HTTP/2 with prior knowledge (h2c) instead of HTTP/1.1, through node:http2's compatibility API. */
  http2?: boolean;
  /** Serve HTTPS (HTTP/1.1) with this certificate; the URL is then https://localhost:<port>/v1. */
  tls?: { key: string | Buffer; cert: string | Buffer };
}

const CONTROL_PREFIX = '/__mock/';

const STATIC_HEADERS: Readonly<Record<string, string>> = {
  'openai-version': '2020-10-01',
  'openai-organization': 'mock-org',
  'x-ratelimit-limit-requests': '10000',
  'x-ratelimit-remaining-requests': '9999',
  'x-ratelimit-reset-requests': '6ms',
  'x-ratelimit-limit-tokens': '10000000',
  'x-ratelimit-remaining-tokens': '9999000',
  'x-ratelimit-reset-tokens': '0s',
};

export async function startOpenAIMock(opts: OpenAIMockOptions = {}): Promise<OpenAIMock> {
  const host = opts.host ?? '127.0.0.1';
  const requests: MockRequestRecord[] = [];
  const faults = new FaultBook();
  const sockets = new Set<Socket>();
  let seq = 0;

  let connections = 0;
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent && !res.destroyed) sendJson(res, 500, openAIError(`mock failure: ${String(err)}`, 'server_error'), {});
      else res.destroy();
    });
  };
  // The HTTP/2 compatibility API's request and response have the same surface as http's where the mock uses them.
  const server = opts.http2 ? http2.createServer(onRequest as never)
    : opts.tls ? createHttpsServer({ ...opts.tls, keepAlive: true }, onRequest)
    : createServer({ keepAlive: true }, onRequest);
  if ('keepAliveTimeout' in server) server.keepAliveTimeout = 30_000;
  server.on('connection', (s: Socket) => { connections++; sockets.add(s); s.once('close', () => sockets.delete(s)); });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    // Aborts every wait of this request when the connection goes away (client abort, cut, or close()).
    const gone = new AbortController();
    res.once('close', () => gone.abort());
    const method = req.method ?? 'GET';
    const path = (req.url ?? '/').split('?')[0]!;
    const raw = await readBody(req);
    const body = parseBody(raw);

    if (path.startsWith(CONTROL_PREFIX)) return control(method, path, body, res);

    const headers = flattenHeaders(req);
    requests.push({ method, path, headers, body: body === NOT_JSON ? raw.toString('utf8') : body ?? null, receivedAt: Date.now() });
    const n = ++seq;
    const baseHeaders = { ...STATIC_HEADERS, 'x-request-id': `req_mock${n}` };
    const rule = faults.take({ model: (body as any)?.model, headers });

    if (rule?.reset) return resetSocket(req.socket);
    if (rule?.hang) return; // never answer; close() or the client ends the connection
    if (!(await sleep((opts.latencyMs ?? 0) + (rule?.delayMs ?? 0), gone.signal))) return;

    const timing = () => ({ ...baseHeaders, 'openai-processing-ms': String(Date.now() - started) });
    if (rule?.status !== undefined) {
      const extra: Record<string, string> = rule.retryAfter !== undefined ? { 'retry-after': rule.retryAfter } : {};
      return sendJson(res, rule.status, rule.errorBody ?? errorForStatus(rule.status), { ...timing(), ...extra });
    }
    if (opts.requireKey !== undefined && headers['authorization'] !== `Bearer ${opts.requireKey}`) {
      // Never echo the presented key back: it may be a real secret that reached the wrong upstream.
      return sendJson(res, 401, openAIError('Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key'), timing());
    }

    const reply = route(method, path, body, { seq: n, created: Math.floor(started / 1000) });
    if (reply.kind === 'json') return sendJson(res, reply.status, reply.body, { ...timing(), ...reply.headers });
    const sse = { intervalMs: rule?.chunkIntervalMs, cutAfter: rule?.cutAfterChunks };
    return sendSse(res, reply.chunks, { ...timing(), ...reply.headers }, sse, gone.signal);
  }

  function control(method: string, path: string, body: unknown, res: ServerResponse): void {
    if (method === 'POST' && path === '/__mock/faults') {
      const problem = validateFaultRules(body);
      if (problem) return sendJson(res, 400, { error: problem }, {});
      faults.set(body as FaultRule[]);
      return sendJson(res, 200, { ok: true }, {});
    }
    if (method === 'POST' && path === '/__mock/reset') { reset(); return sendJson(res, 200, { ok: true }, {}); }
    if (method === 'GET' && path === '/__mock/requests') return sendJson(res, 200, requests, {});
    return sendJson(res, 404, { error: `unknown control endpoint ${method} ${path}` }, {});
  }

  function reset(): void {
    requests.length = 0;
    faults.clear();
    seq = 0;
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => { server.off('error', reject); resolve(); });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  let closing: Promise<void> | undefined;
  return {
    url: opts.tls ? `https://localhost:${port}/v1` : `http://${urlHost}:${port}/v1`,
    port,
    requests,
    connectionsOpened: () => connections,
    setFaults: (rules) => faults.set(rules),
    reset,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
        for (const s of sockets) s.destroy();
      });
      return closing;
    },
  };
}

function parseBody(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  try { return JSON.parse(raw.toString('utf8')); } catch { return NOT_JSON; }
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  // HTTP/2 pseudo-headers (:method, :path, ...) are not headers a client set.
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && k[0] !== ':') out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}
