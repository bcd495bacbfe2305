/**
 * What the gemini and vertex adapters share: an HttpTransport, the generateContent / streamGenerateContent
 * calls with Gemini request/response conversion, JSON reading, and Google error mapping. Subclasses say
 * where a model lives (URL path) and how a request is authenticated (API key or OAuth token).
 */
import { GatewayError } from '../../core/errors.js';
import type {
  ChatChunk, ChatRequest, ChatResponse, CompletionRequest, CompletionResponse, EmbeddingsRequest, EmbeddingsResponse,
} from '../../core/types.js';
import type { ResolvedProvider } from '../../config/index.js';
import type { ProviderKind } from '../catalog.js';
import { HttpTransport, type UpstreamResponse } from '../transport.js';
import type { CallContext, ChunkStream, CompletionChunk, Provider, UpstreamConnections } from '../types.js';
import { geminiUpstreamError } from './errors.js';
import { toGeminiRequest } from './request.js';
import { fromGeminiResponse } from './response.js';
import { geminiChunks } from './stream.js';
import type { GResponse } from './wire.js';

export type GenerateMethod = 'generateContent' | 'streamGenerateContent';

export abstract class GoogleWireProvider implements Provider {
  protected readonly transport: HttpTransport;

  constructor(readonly config: ResolvedProvider, readonly kind: ProviderKind, baseUrl: string) {
    this.transport = new HttpTransport({
      provider: config.name, baseUrl, connectTimeoutMs: config.connectTimeoutMs,
      timeoutMs: config.timeoutMs, maxConnections: config.maxConnections, http2: config.http2,
    });
  }

  get name(): string { return this.config.name; }

  /** Path (below the base URL) of a Gemini-format model method. */
  protected abstract geminiPath(model: string, method: GenerateMethod | string): string;
  /** Authentication headers for one request. */
  protected abstract authHeaders(call: CallContext): Promise<Record<string, string>>;
  abstract embeddings(req: EmbeddingsRequest, model: string, call: CallContext): Promise<EmbeddingsResponse>;
  abstract listModels(call: CallContext): Promise<string[]>;

  protected async headers(call: CallContext, accept = 'application/json'): Promise<Record<string, string>> {
    return { 'content-type': 'application/json', accept, ...this.config.headers, ...(await this.authHeaders(call)), ...call.headers };
  }

  protected async send(method: 'GET' | 'POST', path: string, body: object | undefined, call: CallContext, accept?: string): Promise<UpstreamResponse> {
    const headers = await this.headers(call, accept);
    const text = body === undefined ? undefined : JSON.stringify(body);
    // Streams (SSE) are read as they come; every other answer whole, through the transport's buffered path.
    const res = accept === 'text/event-stream' ? await this.transport.request(method, path, headers, text, call) : await this.transport.requestWhole(method, path, headers, text, call);
    if (res.status >= 300) throw await geminiUpstreamError(this.name, res);
    return res;
  }

  protected async json<T>(res: UpstreamResponse, call: CallContext): Promise<T> {
    return this.transport.readJson<T>(res, call);
  }

  async chat(req: ChatRequest, model: string, call: CallContext): Promise<ChatResponse> {
    const body = toGeminiRequest(req, call);
    const res = await this.send('POST', this.geminiPath(model, 'generateContent'), body, call);
    return fromGeminiResponse(await this.json<GResponse>(res, call), model);
  }

  async chatStream(req: ChatRequest, model: string, call: CallContext): Promise<ChunkStream<ChatChunk>> {
    const body = toGeminiRequest(req, call);
    const res = await this.send('POST', `${this.geminiPath(model, 'streamGenerateContent')}?alt=sse`, body, call, 'text/event-stream');
    return geminiChunks(res, call, this.transport, this.name, model);
  }

  completions(_req: CompletionRequest, _model: string, _call: CallContext): Promise<CompletionResponse> {
    return Promise.reject(unsupportedEndpoint(this.name, 'completions'));
  }

  completionsStream(_req: CompletionRequest, _model: string, _call: CallContext): Promise<ChunkStream<CompletionChunk>> {
    return Promise.reject(unsupportedEndpoint(this.name, 'completions'));
  }

  connections(): UpstreamConnections {
    return this.transport.connections();
  }

  close(): Promise<void> {
    return this.transport.close();
  }
}

export function unsupportedEndpoint(provider: string, endpoint: string): GatewayError {
  return new GatewayError({ status: 400, type: 'invalid_request_error', code: 'unsupported_endpoint', message: `${provider}: the ${endpoint} endpoint is not supported by this provider`, provider });
}
