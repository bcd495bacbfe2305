/**
 * A fake Azure OpenAI upstream. Azure speaks OpenAI's body format on its own URLs and key header
 * (https://learn.microsoft.com/azure/ai-services/openai/reference):
 *   POST /openai/deployments/{deployment}/{chat/completions|completions|embeddings}?api-version=...
 *   header `api-key`
 * Answers come from the OpenAI mock's deterministic handlers (echo text, tool calls, fragments), with the
 * Azure-specific parts added: a first stream chunk with `choices: []` and `prompt_filter_results`,
 * `prompt_filter_results` on JSON answers, 404 for a missing api-version or an unknown deployment, 401 for a
 * wrong key, and content filtering: a last user text containing "trigger-prompt-filter" is refused with
 * 400 code content_filter, one containing "trigger-output-filter" ends with finish_reason content_filter.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { lastUserText } from './openai/chat-plan.js';
import { sendJson, sendSse } from './openai/http-io.js';
import { NOT_JSON, route } from './openai/router.js';

export interface AzureRecord {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: any;
}

export interface AzureMock {
  /** The resource endpoint, e.g. http://127.0.0.1:PORT (what AZURE_OPENAI_ENDPOINT holds). */
  url: string;
  requests: AzureRecord[];
  /** The next request is answered with this status and body. */
  failNext(status: number, body: unknown): void;
  close(): Promise<void>;
}

export interface AzureMockOptions {
  apiKey?: string;
  /** deployment name -> model name; other deployments answer 404 DeploymentNotFound. */
  deployments?: Record<string, string>;
}

const FILTER_OK = { hate: { filtered: false, severity: 'safe' }, self_harm: { filtered: false, severity: 'safe' }, sexual: { filtered: false, severity: 'safe' }, violence: { filtered: false, severity: 'safe' } };
const PROMPT_FILTER_RESULTS = [{ prompt_index: 0, content_filter_results: FILTER_OK }];

export const AZURE_CONTENT_FILTER_ERROR = {
  error: {
    message: "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry.",
    type: null,
    param: 'prompt',
    code: 'content_filter',
    status: 400,
    innererror: { code: 'ResponsibleAIPolicyViolation', content_filter_result: { ...FILTER_OK, violence: { filtered: true, severity: 'high' } } },
  },
};

const PATH = /^\/openai\/deployments\/([^/]+)\/(chat\/completions|completions|embeddings)$/;

export async function startAzureMock(opts: AzureMockOptions = {}): Promise<AzureMock> {
  const requests: AzureRecord[] = [];
  const failures: Array<{ status: number; body: unknown }> = [];
  const sockets = new Set<Socket>();
  let seq = 0;

  const server = createServer((req, res) => { void handle(req, res).catch(() => res.destroy()); });
  server.on('connection', (s) => { sockets.add(s); s.once('close', () => sockets.delete(s)); });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: any;
    if (raw) { try { body = JSON.parse(raw); } catch { body = NOT_JSON; } }
    const url = new URL(req.url ?? '/', 'http://azure.local');
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    requests.push({ method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), headers, body: body === NOT_JSON ? raw : body ?? null });
    const n = ++seq;
    const failure = failures.shift();
    if (failure) return sendJson(res, failure.status, failure.body, {});

    if (opts.apiKey !== undefined && headers['api-key'] !== opts.apiKey) {
      return sendJson(res, 401, { error: { code: '401', message: 'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.' } }, {});
    }
    const m = PATH.exec(url.pathname);
    if (!m || !url.searchParams.get('api-version')) return sendJson(res, 404, { error: { code: '404', message: 'Resource not found' } }, {});
    const deployment = decodeURIComponent(m[1]!);
    const model = opts.deployments ? opts.deployments[deployment] : deployment;
    if (model === undefined) {
      return sendJson(res, 404, { error: { code: 'DeploymentNotFound', message: 'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.' } }, {});
    }
    const isChat = m[2] === 'chat/completions';
    const userText = isChat && body && body !== NOT_JSON && Array.isArray(body.messages) ? lastUserText(body.messages) : '';
    if (userText.includes('trigger-prompt-filter')) return sendJson(res, 400, AZURE_CONTENT_FILTER_ERROR, {});

    const forwarded = body && body !== NOT_JSON ? { ...body, model } : body;
    const reply = route('POST', `/v1/${m[2]}`, forwarded, { seq: n, created: Math.floor(Date.now() / 1000) });
    const outputFiltered = userText.includes('trigger-output-filter');
    if (reply.kind === 'json') {
      const out = reply.body as any;
      if (isChat && reply.status === 200) {
        out.prompt_filter_results = PROMPT_FILTER_RESULTS;
        for (const c of out.choices) {
          c.content_filter_results = FILTER_OK;
          if (outputFiltered) { c.finish_reason = 'content_filter'; c.message.content = ''; }
        }
      }
      return sendJson(res, reply.status, out, {});
    }
    const chunks2 = reply.chunks as any[];
    if (outputFiltered) {
      for (const c of chunks2) for (const ch of c.choices ?? []) if (ch.finish_reason) ch.finish_reason = 'content_filter';
    }
    // Azure opens every stream with a prompt-filter chunk that has no choices.
    const first = { id: '', object: '', created: 0, model: '', choices: [], prompt_filter_results: PROMPT_FILTER_RESULTS };
    return sendSse(res, [first, ...chunks2], {}, {}, new AbortController().signal);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    failNext: (status, body) => { failures.push({ status, body }); },
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    }),
  };
}
