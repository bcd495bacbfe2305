/**
 * Anthropic Messages API adapter.
 *
 * Wire formats, as documented by Anthropic:
 * - request/response: https://docs.anthropic.com/en/api/messages
 * - SSE stream events: https://docs.anthropic.com/en/docs/build-with-claude/streaming
 * - errors ({"type":"error","error":{type,message}}): https://docs.anthropic.com/en/api/errors
 * - token counting: https://docs.anthropic.com/en/api/messages-count-tokens
 * - models list: https://docs.anthropic.com/en/api/models-list
 * - versions/beta headers: https://docs.anthropic.com/en/api/versioning, https://docs.anthropic.com/en/api/beta-headers
 *
 * Auth is `x-api-key`; `anthropic-version` defaults to 2023-06-01. Callers (the Anthropic ingress dialect)
 * pass the client's `anthropic-version` / `anthropic-beta` through `call.headers`, which override ours.
 */
import { GatewayError } from '../../core/errors.js';
import type {
  ChatChunk, ChatRequest, ChatResponse, CompletionRequest, CompletionResponse, EmbeddingsRequest, EmbeddingsResponse,
} from '../../core/types.js';
import type { ResolvedProvider } from '../../config/index.js';
import type { ProviderKind } from '../catalog.js';
import { HttpTransport, type UpstreamResponse } from '../transport.js';
import type { CallContext, ChunkStream, CompletionChunk, Provider, UpstreamConnections } from '../types.js';
import { upstreamError } from '../upstream-error.js';
import { toAnthropicRequest, toCountTokensRequest } from './request.js';
import { toChatResponse } from './response.js';
import { anthropicChunks } from './events.js';
import type { AnthropicResponse } from './wire.js';

export const ANTHROPIC_VERSION = '2023-06-01';

export class AnthropicProvider implements Provider {
  private readonly transport: HttpTransport;
  private readonly baseHeaders: Record<string, string>;
  /** '' when base_url is the API origin, '' + '/v1' already in base_url is tolerated. */
  private readonly v1: string;

  constructor(readonly config: ResolvedProvider, readonly kind: ProviderKind) {
    this.transport = new HttpTransport({
      provider: config.name, baseUrl: config.baseUrl, connectTimeoutMs: config.connectTimeoutMs,
      timeoutMs: config.timeoutMs, maxConnections: config.maxConnections, http2: config.http2,
    });
    this.v1 = /\/v1\/?$/.test(new URL(config.baseUrl).pathname) ? '' : '/v1';
    this.baseHeaders = { 'content-type': 'application/json', accept: 'application/json', 'anthropic-version': ANTHROPIC_VERSION, ...config.headers };
    if (config.apiKey) this.baseHeaders['x-api-key'] = config.apiKey;
  }

  get name(): string { return this.config.name; }

  private headers(call: CallContext): Record<string, string> {
    return call.headers ? { ...this.baseHeaders, ...call.headers } : this.baseHeaders;
  }

  /** `stream`: the answer is an SSE stream; otherwise it is read whole (the transport's buffered path). */
  private async send(method: 'GET' | 'POST', path: string, body: string | undefined, call: CallContext, stream = false): Promise<UpstreamResponse> {
    const res = stream
      ? await this.transport.request(method, this.v1 + path, this.headers(call), body, call)
      : await this.transport.requestWhole(method, this.v1 + path, this.headers(call), body, call);
    if (res.status >= 300) throw await upstreamError(this.name, res);
    return res;
  }

  private async json<T>(res: UpstreamResponse, call: CallContext): Promise<T> {
    return this.transport.readJson<T>(res, call);
  }

  async chat(req: ChatRequest, model: string, call: CallContext): Promise<ChatResponse> {
    const body = toAnthropicRequest(req, model, call);
    const res = await this.send('POST', '/messages', JSON.stringify(body), call);
    return toChatResponse(await this.json<AnthropicResponse>(res, call));
  }

  async chatStream(req: ChatRequest, model: string, call: CallContext): Promise<ChunkStream<ChatChunk>> {
    const body = toAnthropicRequest(req, model, call);
    body.stream = true;
    const res = await this.send('POST', '/messages', JSON.stringify(body), call, true);
    return this.events(res, model, call);
  }

  /** Exact input token count from POST /v1/messages/count_tokens (used by the Anthropic dialect). */
  async countTokens(req: ChatRequest, model: string, call: CallContext): Promise<number> {
    const body = toCountTokensRequest(toAnthropicRequest(req, model, call));
    const res = await this.send('POST', '/messages/count_tokens', JSON.stringify(body), call);
    const out = await this.json<{ input_tokens?: unknown }>(res, call);
    if (typeof out.input_tokens !== 'number') {
      throw new GatewayError({ status: 502, type: 'upstream_error', code: 'upstream_invalid_response', message: `${this.name}: count_tokens answer has no input_tokens`, provider: this.name });
    }
    return out.input_tokens;
  }

  async completions(_req: CompletionRequest, _model: string, _call: CallContext): Promise<CompletionResponse> {
    throw this.noEndpoint('completions');
  }

  async completionsStream(_req: CompletionRequest, _model: string, _call: CallContext): Promise<ChunkStream<CompletionChunk>> {
    throw this.noEndpoint('completions');
  }

  async embeddings(_req: EmbeddingsRequest, _model: string, _call: CallContext): Promise<EmbeddingsResponse> {
    throw this.noEndpoint('embeddings');
  }

  async listModels(call: CallContext): Promise<string[]> {
    if (this.config.models) return this.config.models;
    const res = await this.send('GET', '/models?limit=1000', undefined, call);
    const list = await this.json<{ data?: Array<{ id?: unknown }> }>(res, call);
    return (list.data ?? []).map((m) => m.id).filter((id): id is string => typeof id === 'string');
  }

  private noEndpoint(what: string): GatewayError {
    return new GatewayError({ status: 400, type: 'invalid_request_error', code: 'unsupported_endpoint', message: `${this.name}: Anthropic has no ${what} endpoint`, provider: this.name });
  }

  private events(res: UpstreamResponse, model: string, call: CallContext): AsyncGenerator<ChatChunk[]> {
    return anthropicChunks(res, call, this.transport, this.name, model);
  }

  connections(): UpstreamConnections {
    return this.transport.connections();
  }

  close(): Promise<void> {
    return this.transport.close();
  }
}
