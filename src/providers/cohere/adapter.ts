/**
 * Cohere, native API v2.
 *   chat:       POST {baseUrl}/v2/chat, Bearer key      https://docs.cohere.com/reference/chat
 *   streaming:  same endpoint with stream:true (SSE)    https://docs.cohere.com/reference/chat-stream,
 *                                                       https://docs.cohere.com/v2/docs/streaming
 *   embeddings: POST {baseUrl}/v2/embed                 https://docs.cohere.com/reference/embed
 *   models:     GET  {baseUrl}/v1/models                https://docs.cohere.com/reference/list-models
 *   errors:     non-2xx with {"message": "..."}         https://docs.cohere.com/reference/errors
 * Legacy text completions do not exist on v2: /v1/completions answers 400 unsupported_endpoint.
 */
import { performance } from 'node:perf_hooks';
import type { EventSourceMessage } from 'eventsource-parser';
import { badRequest, GatewayError } from '../../core/errors.js';
import type {
  ChatChunk, ChatRequest, ChatResponse, CompletionResponse, EmbeddingsRequest, EmbeddingsResponse,
} from '../../core/types.js';
import type { ResolvedProvider } from '../../config/index.js';
import type { ProviderKind } from '../catalog.js';
import { sseBatches } from '../sse.js';
import { HttpTransport, type UpstreamResponse } from '../transport.js';
import type { CallContext, ChunkStream, CompletionChunk, Provider, UpstreamConnections } from '../types.js';
import { upstreamError } from '../upstream-error.js';
import { toCohereEmbed, fromCohereEmbed } from './embed.js';
import { toCohereChat } from './request.js';
import { fromCohereChat } from './response.js';
import { CohereStreamTranslator } from './stream.js';
import type { CohereChatResponse, CohereEmbedResponse, CohereModelList, CohereStreamEvent } from './wire.js';

export class CohereProvider implements Provider {
  private readonly transport: HttpTransport;
  private readonly baseHeaders: Record<string, string>;

  constructor(readonly config: ResolvedProvider, readonly kind: ProviderKind) {
    this.transport = new HttpTransport({
      provider: config.name, baseUrl: config.baseUrl, connectTimeoutMs: config.connectTimeoutMs,
      timeoutMs: config.timeoutMs, maxConnections: config.maxConnections, http2: config.http2,
    });
    this.baseHeaders = { 'content-type': 'application/json', accept: 'application/json', ...config.headers };
    if (config.apiKey) this.baseHeaders.authorization = `Bearer ${config.apiKey}`;
  }

  get name(): string { return this.config.name; }

  private headers(call: CallContext, accept?: string): Record<string, string> {
    const h = call.headers ? { ...this.baseHeaders, ...call.headers } : { ...this.baseHeaders };
    if (accept) h.accept = accept;
    return h;
  }

  private async send(method: 'GET' | 'POST', path: string, body: string | undefined, call: CallContext, accept?: string): Promise<UpstreamResponse> {
    // Streams (SSE) are read as they come; every other answer whole, through the transport's buffered path.
    const res = accept === 'text/event-stream' ? await this.transport.request(method, path, this.headers(call, accept), body, call) : await this.transport.requestWhole(method, path, this.headers(call, accept), body, call);
    if (res.status >= 300) throw await upstreamError(this.name, res);
    return res;
  }

  private async json<T>(res: UpstreamResponse, call: CallContext): Promise<T> {
    return this.transport.readJson<T>(res, call);
  }

  async chat(req: ChatRequest, model: string, call: CallContext): Promise<ChatResponse> {
    const body = JSON.stringify(toCohereChat(req, model, call, false));
    const res = await this.send('POST', '/v2/chat', body, call);
    return fromCohereChat(await this.json<CohereChatResponse>(res, call), model, this.name);
  }

  async chatStream(req: ChatRequest, model: string, call: CallContext): Promise<ChunkStream<ChatChunk>> {
    const body = JSON.stringify(toCohereChat(req, model, call, true));
    const res = await this.send('POST', '/v2/chat', body, call, 'text/event-stream');
    return this.events(res, model, call);
  }

  private async *events(res: UpstreamResponse, model: string, call: CallContext): AsyncGenerator<ChatChunk[]> {
    const tr = new CohereStreamTranslator(model, this.name);
    let first = true;
    try {
      for await (const batch of sseBatches(res.body)) {
        if (first) { call.upstreamEnd = performance.now(); first = false; }
        const out: ChatChunk[] = [];
        let failure: unknown;
        try {
          for (const ev of batch) this.translateEvent(tr, ev, out);
        } catch (err) {
          failure = err;
        }
        // What arrived before a failure in the same read still reaches the client, then the error.
        if (out.length) yield out;
        if (failure) throw failure;
      }
    } catch (err) {
      throw this.transport.mapTransportError(err, call);
    }
    if (!tr.finished) {
      throw new GatewayError({ status: 502, type: 'upstream_error', code: 'upstream_stream_truncated', message: `${this.name}: upstream stream ended before it finished`, provider: this.name });
    }
  }

  private translateEvent(tr: CohereStreamTranslator, ev: EventSourceMessage, out: ChatChunk[]): void {
    if (ev.data === '[DONE]') return;
    let obj: CohereStreamEvent & { message?: string };
    try {
      obj = JSON.parse(ev.data);
    } catch {
      throw new GatewayError({ status: 502, type: 'upstream_error', code: 'upstream_invalid_stream', message: `${this.name}: upstream sent an invalid stream event`, provider: this.name });
    }
    if (ev.event === 'error' || obj.type === 'error' || (!obj.type && typeof obj.message === 'string')) {
      throw new GatewayError({ status: 502, type: 'upstream_error', code: 'upstream_stream_error', message: `${this.name}: ${obj.message ?? 'upstream stream error'}`, provider: this.name, upstreamBody: obj });
    }
    tr.translate(obj, out);
  }

  async completions(): Promise<CompletionResponse> {
    throw badRequest('Cohere has no legacy text completions endpoint; use /v1/chat/completions.', null, 'unsupported_endpoint');
  }

  async completionsStream(): Promise<ChunkStream<CompletionChunk>> {
    throw badRequest('Cohere has no legacy text completions endpoint; use /v1/chat/completions.', null, 'unsupported_endpoint');
  }

  async embeddings(req: EmbeddingsRequest, model: string, call: CallContext): Promise<EmbeddingsResponse> {
    const body = JSON.stringify(toCohereEmbed(req, model, call));
    const res = await this.send('POST', '/v2/embed', body, call);
    return fromCohereEmbed(await this.json<CohereEmbedResponse>(res, call), req, model);
  }

  async listModels(call: CallContext): Promise<string[]> {
    if (this.config.models) return this.config.models;
    const res = await this.send('GET', '/v1/models', undefined, call);
    const list = await this.json<CohereModelList>(res, call);
    return (list.models ?? []).map((m) => m.name).filter((n): n is string => typeof n === 'string');
  }

  connections(): UpstreamConnections {
    return this.transport.connections();
  }

  close(): Promise<void> {
    return this.transport.close();
  }
}
