/**
 * Amazon Bedrock Runtime: chat through Converse / ConverseStream, embeddings through InvokeModel.
 *   Converse        https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html
 *   ConverseStream  https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStream.html
 *   InvokeModel     https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_InvokeModel.html
 *   Errors          https://docs.aws.amazon.com/bedrock/latest/APIReference/CommonErrors.html
 *   SigV4           https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
 *
 * Credentials: api_key = AWS access key id, secret_access_key, session_token (optional), region (default
 * us-east-1). An api_key without a secret is sent as a Bedrock API key (`Authorization: Bearer`). The base
 * URL defaults to https://bedrock-runtime.{region}.amazonaws.com and can be overridden (tests, VPC endpoints).
 */
import { randomUUID } from 'node:crypto';
import { badRequest } from '../../core/errors.js';
import type {
  ChatChunk, ChatRequest, ChatResponse, CompletionRequest, CompletionResponse, EmbeddingsRequest, EmbeddingsResponse,
} from '../../core/types.js';
import type { ResolvedProvider } from '../../config/index.js';
import type { ProviderKind } from '../catalog.js';
import { HttpTransport, type UpstreamResponse } from '../transport.js';
import type { CallContext, ChunkStream, CompletionChunk, Provider, UpstreamConnections } from '../types.js';
import { cohereBody, embeddingFamily, embeddingsResponse, embeddingTexts, titanBody } from './embeddings.js';
import { bedrockHttpError } from './errors.js';
import { toConverseRequest } from './request.js';
import { toChatResponse } from './response.js';
import { BedrockSigner } from './signer.js';
import { ConverseStreamTranslator, converseChunks } from './stream.js';
import type { ConverseResponse } from './wire.js';

export const DEFAULT_REGION = 'us-east-1';

export function defaultBaseUrl(region: string): string {
  return `https://bedrock-runtime.${region}.amazonaws.com`;
}

export class BedrockProvider implements Provider {
  private readonly transport: HttpTransport;
  private readonly signer?: BedrockSigner;
  private readonly bearer?: string;
  private readonly url: URL;
  private readonly pathPrefix: string;

  constructor(readonly config: ResolvedProvider, readonly kind: ProviderKind) {
    const region = config.options.region || DEFAULT_REGION;
    this.url = new URL(config.baseUrl || defaultBaseUrl(region));
    this.pathPrefix = this.url.pathname.replace(/\/+$/, '');
    this.transport = new HttpTransport({
      provider: config.name, baseUrl: this.url.href, connectTimeoutMs: config.connectTimeoutMs,
      timeoutMs: config.timeoutMs, maxConnections: config.maxConnections, http2: config.http2,
    });
    const secret = config.options.secret_access_key;
    if (config.apiKey && secret) {
      this.signer = new BedrockSigner({ accessKeyId: config.apiKey, secretAccessKey: secret, sessionToken: config.options.session_token }, region);
    } else if (config.apiKey) {
      this.bearer = config.apiKey;
    }
  }

  get name(): string { return this.config.name; }

  /** Signs (or authorises) and sends one POST; non-2xx answers become GatewayErrors in Bedrock's terms. */
  private async post(path: string, body: string, accept: string, call: CallContext): Promise<UpstreamResponse> {
    let headers: Record<string, string> = { 'content-type': 'application/json', accept, ...this.config.headers, ...call.headers };
    if (this.signer) {
      headers = await this.signer.sign({ method: 'POST', protocol: this.url.protocol, host: this.url.host, path: this.pathPrefix + path, headers, body });
    } else if (this.bearer) {
      headers.authorization = `Bearer ${this.bearer}`;
    }
    // The event stream is read as it comes; JSON answers whole, through the transport's buffered path.
    const res = accept === 'application/json' ? await this.transport.requestWhole('POST', path, headers, body, call) : await this.transport.request('POST', path, headers, body, call);
    if (res.status >= 300) throw await bedrockHttpError(this.name, res);
    return res;
  }

  private async json<T>(res: UpstreamResponse, call: CallContext): Promise<T> {
    return this.transport.readJson<T>(res, call);
  }

  private responseId(res: UpstreamResponse): string {
    const rid = res.headers['x-amzn-requestid'];
    return `chatcmpl-${typeof rid === 'string' && rid ? rid : randomUUID()}`;
  }

  async chat(req: ChatRequest, model: string, call: CallContext): Promise<ChatResponse> {
    const body = JSON.stringify(toConverseRequest(req, call));
    const res = await this.post(modelPath(model, 'converse'), body, 'application/json', call);
    return toChatResponse(await this.json<ConverseResponse>(res, call), this.responseId(res), model);
  }

  async chatStream(req: ChatRequest, model: string, call: CallContext): Promise<ChunkStream<ChatChunk>> {
    const body = JSON.stringify(toConverseRequest(req, call));
    const res = await this.post(modelPath(model, 'converse-stream'), body, 'application/vnd.amazon.eventstream', call);
    const t = new ConverseStreamTranslator(this.name, this.responseId(res), model);
    return converseChunks(res.body, t, call, (err) => this.transport.mapTransportError(err, call), this.name);
  }

  completions(_req: CompletionRequest, _model: string, _call: CallContext): Promise<CompletionResponse> {
    return Promise.reject(badRequest('bedrock: the legacy completions endpoint is not supported; use chat completions', null, 'unsupported_endpoint'));
  }

  completionsStream(_req: CompletionRequest, _model: string, _call: CallContext): Promise<ChunkStream<CompletionChunk>> {
    return Promise.reject(badRequest('bedrock: the legacy completions endpoint is not supported; use chat completions', null, 'unsupported_endpoint'));
  }

  async embeddings(req: EmbeddingsRequest, model: string, call: CallContext): Promise<EmbeddingsResponse> {
    const family = embeddingFamily(model);
    const texts = embeddingTexts(req);
    const path = modelPath(model, 'invoke');
    if (family === 'cohere') {
      if (req.dimensions !== undefined) this.unsupported(call, 'dimensions', 'Cohere Embed on Bedrock has fixed dimensions');
      const res = await this.post(path, cohereBody(texts, req), 'application/json', call);
      const tokens = Number(res.headers['x-amzn-bedrock-input-token-count'] ?? 0) || 0;
      const out = await this.json<{ embeddings?: number[][] | { float?: number[][] } }>(res, call);
      const vectors = Array.isArray(out.embeddings) ? out.embeddings : out.embeddings?.float ?? [];
      return embeddingsResponse(vectors, tokens, model, req);
    }
    // Titan embeds one text per call; the calls run one after another to stay within rate limits.
    const vectors: number[][] = [];
    let tokens = 0;
    let start = 0;
    for (const text of texts) {
      const res = await this.post(path, titanBody(text, req), 'application/json', call);
      start ||= call.upstreamStart;
      const out = await this.json<{ embedding: number[]; inputTextTokenCount?: number }>(res, call);
      vectors.push(out.embedding);
      tokens += out.inputTextTokenCount ?? 0;
    }
    if (start) call.upstreamStart = start;
    return embeddingsResponse(vectors, tokens, model, req);
  }

  private unsupported(call: CallContext, param: string, why: string): void {
    if (call.dropParams) { call.dropped?.push(param); return; }
    throw badRequest(`bedrock: ${why} (set drop_params to drop it)`, param, 'unsupported_parameter');
  }

  /** Model listing lives on the control-plane API (bedrock.*, ListFoundationModels), not the runtime one. */
  listModels(_call: CallContext): Promise<string[]> {
    return Promise.resolve(this.config.models ?? []);
  }

  connections(): UpstreamConnections {
    return this.transport.connections();
  }

  close(): Promise<void> {
    return this.transport.close();
  }
}

/** `/model/{modelId}/{op}`; model ids and ARNs contain ':' and '/', so the id is one encoded path segment. */
export function modelPath(model: string, op: 'converse' | 'converse-stream' | 'invoke'): string {
  return `/model/${encodeURIComponent(model)}/${op}`;
}
