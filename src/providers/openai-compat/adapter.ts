/**
 * OpenAI-compatible upstreams (OpenAI itself and the family that copies its wire format: Groq, Mistral,
 * Together, Fireworks, DeepSeek, xAI, OpenRouter, Perplexity, Cerebras, Ollama, vLLM, custom servers).
 * The canonical types already are the OpenAI schema, so requests are forwarded field for field — unknown
 * fields included — with only the model replaced.
 */
import { performance } from 'node:perf_hooks';
import { GatewayError } from '../../core/errors.js';
import type {
  ChatChunk, ChatRequest, ChatResponse, CompletionRequest, CompletionResponse, EmbeddingsRequest, EmbeddingsResponse,
} from '../../core/types.js';
import type { ResolvedProvider } from '../../config/index.js';
import type { ProviderKind } from '../catalog.js';
import { sseBatches } from '../sse.js';
import { HttpTransport, type UpstreamResponse } from '../transport.js';
import type { CallContext, ChunkStream, CompletionChunk, Provider, UpstreamConnections } from '../types.js';
import { upstreamError } from '../upstream-error.js';

/** Fields the gateway itself consumes; never forwarded upstream. */
const GATEWAY_FIELDS = ['fallbacks', 'drop_params'];

export class OpenAICompatProvider implements Provider {
  protected readonly transport: HttpTransport;
  private readonly baseHeaders: Record<string, string>;

  constructor(readonly config: ResolvedProvider, readonly kind: ProviderKind) {
    this.transport = new HttpTransport({
      provider: config.name, baseUrl: config.baseUrl, connectTimeoutMs: config.connectTimeoutMs,
      timeoutMs: config.timeoutMs, maxConnections: config.maxConnections, http2: config.http2,
    });
    this.baseHeaders = { 'content-type': 'application/json', accept: 'application/json', ...config.headers, ...(config.apiKey ? this.authHeaders(config.apiKey) : {}) };
  }

  /** How the key is sent; OpenAI-style servers take a Bearer token. */
  protected authHeaders(apiKey: string): Record<string, string> {
    return { authorization: `Bearer ${apiKey}` };
  }

  /** Where an OpenAI endpoint lives upstream (Azure puts the model, as a deployment, in the path). */
  protected upstreamPath(path: string, _model: string): string {
    return path;
  }

  get name(): string { return this.config.name; }

  private headers(call: CallContext): Record<string, string> {
    return call.headers ? { ...this.baseHeaders, ...call.headers } : this.baseHeaders;
  }

  private body(req: object, model: string, extra?: Record<string, unknown>): string {
    const out: Record<string, unknown> = { ...req, model, ...extra };
    for (const f of GATEWAY_FIELDS) delete out[f];
    return JSON.stringify(out);
  }

  /** `whole`: the answer is read at once (non-streaming calls take the transport's cheaper buffered path). */
  private async post(path: string, body: string, call: CallContext, whole = false): Promise<UpstreamResponse> {
    const headers = this.headers(call);
    const res = whole ? await this.transport.requestWhole('POST', path, headers, body, call) : await this.transport.request('POST', path, headers, body, call);
    if (res.status >= 300) throw await upstreamError(this.name, res);
    return res;
  }

  /** `forwardRaw`: the answer goes to an OpenAI client unchanged, so its text is kept for passthrough. */
  private async json<T>(res: UpstreamResponse, call: CallContext, forwardRaw = false): Promise<T> {
    return this.transport.readJson<T>(res, call, forwardRaw);
  }

  /**
   * What this provider kind cannot take (per the catalog) is refused before anything is sent: images to a
   * text-only model are a 400; tools are a 400 too, or dropped (and reported) with drop_params.
   */
  private checkCapabilities(req: ChatRequest, call: CallContext): ChatRequest {
    const caps = this.kind.capabilities;
    if (!caps.vision && req.messages.some((m) => Array.isArray(m.content) && m.content.some((p) => p.type === 'image_url' || p.type === 'input_audio'))) {
      throw new GatewayError({ status: 400, type: 'invalid_request_error', code: 'unsupported_content', param: 'messages', message: `${this.name} (${this.kind.title}) does not accept image or audio input.` });
    }
    if (!caps.tools && (req.tools?.length || req.tool_choice !== undefined)) {
      if (!call.dropParams) throw new GatewayError({ status: 400, type: 'invalid_request_error', code: 'unsupported_parameter', param: 'tools', message: `${this.name} (${this.kind.title}) does not support tools; remove them or set drop_params.` });
      call.dropped?.push('tools');
      const { tools: _t, tool_choice: _c, parallel_tool_calls: _p, ...rest } = req;
      return rest as ChatRequest;
    }
    return req;
  }

  async chat(req: ChatRequest, model: string, call: CallContext): Promise<ChatResponse> {
    req = this.checkCapabilities(req, call);
    const res = await this.post(this.upstreamPath('/chat/completions', model), this.body(req, model), call, true);
    return this.json<ChatResponse>(res, call, true);
  }

  async chatStream(req: ChatRequest, model: string, call: CallContext): Promise<ChunkStream<ChatChunk>> {
    req = this.checkCapabilities(req, call);
    // Always ask for usage so that spend is accounted even when the client did not ask; the pipeline
    // drops the usage-only chunk again when the client did not request it.
    const extra = this.kind.streamUsageOption === false ? undefined : { stream_options: { ...(req.stream_options ?? {}), include_usage: true } };
    const res = await this.post(this.upstreamPath('/chat/completions', model), this.body(req, model, extra), call);
    return this.events<ChatChunk>(res, call);
  }

  async completions(req: CompletionRequest, model: string, call: CallContext): Promise<CompletionResponse> {
    const res = await this.post(this.upstreamPath('/completions', model), this.body(req, model), call, true);
    return this.json<CompletionResponse>(res, call, true);
  }

  async completionsStream(req: CompletionRequest, model: string, call: CallContext): Promise<ChunkStream<CompletionChunk>> {
    const extra = this.kind.streamUsageOption === false ? undefined : { stream_options: { ...(req.stream_options ?? {}), include_usage: true } };
    const res = await this.post(this.upstreamPath('/completions', model), this.body(req, model, extra), call);
    return this.events<CompletionChunk>(res, call);
  }

  async embeddings(req: EmbeddingsRequest, model: string, call: CallContext): Promise<EmbeddingsResponse> {
    const res = await this.post(this.upstreamPath('/embeddings', model), this.body(req, model), call, true);
    return this.json<EmbeddingsResponse>(res, call);
  }

  async listModels(call: CallContext): Promise<string[]> {
    const res = await this.transport.request('GET', '/models', this.headers(call), undefined, call);
    if (res.status >= 300) throw await upstreamError(this.name, res);
    const list = await this.json<{ data?: Array<{ id?: unknown }> }>(res, call);
    return (list.data ?? []).map((m) => m.id).filter((id): id is string => typeof id === 'string');
  }

  /**
   * Parses the SSE body into batches of chunk objects. An `error` payload or a body that ends before
   * the stream finished is thrown, so the pipeline can end the client's stream with an explicit error.
   */
  private async *events<T extends { choices?: Array<{ finish_reason?: unknown }> }>(res: UpstreamResponse, call: CallContext): AsyncGenerator<T[]> {
    let finished = false;
    let first = true;
    try {
      for await (const batch of sseBatches(res.body)) {
        if (first) { call.upstreamEnd = performance.now(); first = false; }
        const out: T[] = [];
        for (const ev of batch) {
          if (ev.data === '[DONE]') { finished = true; continue; }
          let obj: T & { error?: { message?: string; type?: string; code?: string } };
          try {
            obj = JSON.parse(ev.data);
          } catch {
            throw new GatewayError({ status: 502, type: 'upstream_error', code: 'upstream_invalid_stream', message: `${this.name}: upstream sent an invalid stream event`, provider: this.name });
          }
          if (obj.error || ev.event === 'error') {
            const e = obj.error ?? {};
            // Events that arrived in the same read as the error still reach the client first.
            if (out.length) yield out;
            throw new GatewayError({ status: 502, type: e.type ?? 'upstream_error', code: e.code ?? 'upstream_stream_error', message: `${this.name}: ${e.message ?? 'upstream stream error'}`, provider: this.name, upstreamBody: obj });
          }
          if (obj.choices?.some((c) => c.finish_reason)) finished = true;
          out.push(obj);
        }
        if (out.length) yield out;
      }
    } catch (err) {
      throw this.transport.mapTransportError(err, call);
    }
    if (!finished) {
      throw new GatewayError({ status: 502, type: 'upstream_error', code: 'upstream_stream_truncated', message: `${this.name}: upstream stream ended before it finished`, provider: this.name });
    }
  }

  connections(): UpstreamConnections {
    return this.transport.connections();
  }

  close(): Promise<void> {
    return this.transport.close();
  }
}
