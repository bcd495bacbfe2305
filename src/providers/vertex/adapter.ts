/**
 * Google Vertex AI adapter: Gemini models (publishers/google, the Gemini body shared with the gemini
 * adapter) and Claude models (publishers/anthropic, rawPredict / streamRawPredict).
 * Docs: https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/inference (generateContent,
 * streamGenerateContent?alt=sse), https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/text-embeddings-api
 * (:predict with instances[{content}] -> predictions[{embeddings:{values, statistics.token_count}}]),
 * https://cloud.google.com/vertex-ai/generative-ai/docs/partner-models/claude/use-claude. Auth: OAuth
 * bearer token from the service account (auth.ts). URL:
 * https://{location}-aiplatform.googleapis.com/v1/projects/{project}/locations/{location}/publishers/{publisher}/models/{model}:{method}
 */
import { GatewayError } from '../../core/errors.js';
import type { ChatChunk, ChatRequest, ChatResponse, EmbeddingsRequest, EmbeddingsResponse } from '../../core/types.js';
import type { ResolvedProvider } from '../../config/index.js';
import { anthropicChunks, toChatResponse, type AnthropicResponse } from '../anthropic/index.js';
import type { ProviderKind } from '../catalog.js';
import { embeddingInputs, embeddingsResponse, GoogleWireProvider } from '../gemini/convert.js';
import type { CallContext, ChunkStream } from '../types.js';
import { anthropicModelName, isAnthropicModel, vertexAnthropicBody } from './anthropic.js';
import { loadServiceAccount, ServiceAccountTokens } from './auth.js';


function defaultBaseUrl(location: string): string {
  return location === 'global' ? 'https://aiplatform.googleapis.com' : `https://${location}-aiplatform.googleapis.com`;
}

export class VertexProvider extends GoogleWireProvider {
  private readonly resource: string;
  private readonly tokens?: ServiceAccountTokens;
  /** A configuration problem: each request fails with it, rather than the whole node at start-up. */
  private configError?: GatewayError;

  constructor(config: ResolvedProvider, kind: ProviderKind) {
    const location = config.options.location ?? 'us-central1';
    super(config, kind, config.baseUrl || defaultBaseUrl(location));
    const creds = config.options.credentials ?? config.apiKey;
    let projectId: string | undefined;
    if (creds) {
      try {
        const sa = loadServiceAccount(creds, config.name);
        projectId = sa.project_id;
        this.tokens = new ServiceAccountTokens(sa, config.name);
      } catch (e) { this.configError = e as GatewayError; }
    }
    const project = config.options.project ?? projectId ?? '';
    if (!project) this.configError ??= new GatewayError({ status: 500, type: 'api_error', code: 'provider_misconfigured', message: `${config.name}: vertex needs a project (set project: or VERTEX_PROJECT)`, provider: config.name });
    this.resource = `/v1/projects/${encodeURIComponent(project)}/locations/${encodeURIComponent(location)}`;
  }

  private modelPath(publisher: 'google' | 'anthropic', model: string, method: string): string {
    return `${this.resource}/publishers/${publisher}/models/${encodeURIComponent(model)}:${method}`;
  }

  protected geminiPath(model: string, method: string): string {
    return this.modelPath('google', model, method);
  }

  protected async authHeaders(): Promise<Record<string, string>> {
    if (this.configError) throw this.configError;
    if (!this.tokens) return {};
    return { authorization: `Bearer ${await this.tokens.get()}` };
  }

  override async chat(req: ChatRequest, model: string, call: CallContext): Promise<ChatResponse> {
    if (!isAnthropicModel(model)) return super.chat(req, model, call);
    const body = vertexAnthropicBody(req, model, call, false);
    const res = await this.send('POST', this.modelPath('anthropic', anthropicModelName(model), 'rawPredict'), body, call);
    return toChatResponse(await this.json<AnthropicResponse>(res, call));
  }

  override async chatStream(req: ChatRequest, model: string, call: CallContext): Promise<ChunkStream<ChatChunk>> {
    if (!isAnthropicModel(model)) return super.chatStream(req, model, call);
    const body = vertexAnthropicBody(req, model, call, true);
    const res = await this.send('POST', this.modelPath('anthropic', anthropicModelName(model), 'streamRawPredict'), body, call, 'text/event-stream');
    return anthropicChunks(res, call, this.transport, this.name, model);
  }

  async embeddings(req: EmbeddingsRequest, model: string, call: CallContext): Promise<EmbeddingsResponse> {
    const inputs = embeddingInputs(req);
    const body: Record<string, unknown> = { instances: inputs.map((content) => ({ content })) };
    if (typeof req.dimensions === 'number') body.parameters = { outputDimensionality: req.dimensions };
    const res = await this.send('POST', this.geminiPath(model, 'predict'), body, call);
    const out = await this.json<{ predictions?: Array<{ embeddings?: { values?: number[]; statistics?: { token_count?: number } } }> }>(res, call);
    const preds = out.predictions ?? [];
    const tokens = preds.reduce((n, p) => n + (p.embeddings?.statistics?.token_count ?? 0), 0);
    return embeddingsResponse(preds.map((p) => p.embeddings?.values ?? []), req, model, tokens);
  }

  /** Vertex has no simple list of the publisher models a project may call: the configured list is it. */
  async listModels(): Promise<string[]> {
    return this.config.models ?? [];
  }
}
