/**
 * Azure OpenAI. The body and response formats are OpenAI's, so every request, response and stream is
 * handled by the OpenAI-compatible adapter; Azure differs only in where requests go and how they
 * authenticate:
 *   POST {endpoint}/openai/deployments/{deployment}/chat/completions?api-version={version}
 *   POST {endpoint}/openai/deployments/{deployment}/completions?api-version={version}
 *   POST {endpoint}/openai/deployments/{deployment}/embeddings?api-version={version}
 *   header `api-key: <key>` (not Bearer)
 * Reference: https://learn.microsoft.com/azure/ai-services/openai/reference (data plane inference; the latest
 * GA version listed there is 2024-10-21, our default). Azure-specific parts of the answers:
 *  - content filtering: a blocked prompt is a 400 {"error":{"code":"content_filter",...}} (upstreamError keeps
 *    status and code); a filtered completion ends with finish_reason "content_filter" (passed through);
 *  - streams open with a chunk that has `choices: []` and only `prompt_filter_results`; it carries no
 *    output, so it is dropped to keep OpenAI chunk semantics (the first chunk is the assistant role delta).
 */
import type { ChatChunk, ChatRequest, ChatResponse, CompletionRequest, CompletionResponse, EmbeddingsRequest, EmbeddingsResponse } from '../../core/types.js';
import type { ResolvedProvider } from '../../config/index.js';
import type { ProviderKind } from '../catalog.js';
import { OpenAICompatProvider } from '../openai-compat/index.js';
import type { HttpTransport } from '../transport.js';
import type { CallContext, ChunkStream, CompletionChunk, Provider } from '../types.js';

/** Latest GA data-plane inference API version (see the reference cited above). */
export const AZURE_DEFAULT_API_VERSION = '2024-10-21';

const ENDPOINTS = new Set(['/chat/completions', '/completions', '/embeddings']);

export class AzureProvider implements Provider {
  private readonly inner: OpenAICompatProvider;
  private readonly apiVersion: string;
  /** The deployment each in-flight call targets (read by the path mapping below). */
  private readonly deploymentOf = new WeakMap<CallContext, string>();

  constructor(readonly config: ResolvedProvider, readonly kind: ProviderKind) {
    this.apiVersion = config.options.api_version || AZURE_DEFAULT_API_VERSION;
    // The inner adapter must not send `Authorization: Bearer`: Azure keys go in `api-key`.
    const headers: Record<string, string> = { ...config.headers };
    if (config.apiKey) headers['api-key'] = config.apiKey;
    this.inner = new OpenAICompatProvider({ ...config, apiKey: undefined, headers }, kind);
    this.routeThroughDeployments();
  }

  get name(): string { return this.config.name; }

  /**
   * Composition stop-gap until OpenAICompatProvider has a path hook: the inner adapter addresses the
   * OpenAI paths (/chat/completions, ...); its transport is wrapped so that each one is sent to the
   * deployment's URL with the api-version query instead.
   */
  private routeThroughDeployments(): void {
    const transport = (this.inner as unknown as { transport: HttpTransport }).transport;
    const request = transport.request.bind(transport);
    transport.request = (method, path, headers, body, call) => request(method, this.upstreamPath(path, call), headers, body, call);
  }

  /** Maps an OpenAI path to the Azure deployment URL (path + query). */
  upstreamPath(path: string, call: CallContext): string {
    const deployment = this.deploymentOf.get(call);
    if (!ENDPOINTS.has(path) || deployment === undefined) return `/openai${path}?api-version=${encodeURIComponent(this.apiVersion)}`;
    return `/openai/deployments/${encodeURIComponent(deployment)}${path}?api-version=${encodeURIComponent(this.apiVersion)}`;
  }

  /** deployment = config.deployments[model] ?? model. */
  deployment(model: string): string {
    return this.config.deployments?.[model] ?? model;
  }

  private bind(model: string, call: CallContext): string {
    const deployment = this.deployment(model);
    this.deploymentOf.set(call, deployment);
    return deployment;
  }

  chat(req: ChatRequest, model: string, call: CallContext): Promise<ChatResponse> {
    return this.inner.chat(req, this.bind(model, call), call);
  }

  async chatStream(req: ChatRequest, model: string, call: CallContext): Promise<ChunkStream<ChatChunk>> {
    return withoutFilterOnlyChunks(await this.inner.chatStream(req, this.bind(model, call), call));
  }

  completions(req: CompletionRequest, model: string, call: CallContext): Promise<CompletionResponse> {
    return this.inner.completions(req, this.bind(model, call), call);
  }

  async completionsStream(req: CompletionRequest, model: string, call: CallContext): Promise<ChunkStream<CompletionChunk>> {
    return withoutFilterOnlyChunks(await this.inner.completionsStream(req, this.bind(model, call), call));
  }

  embeddings(req: EmbeddingsRequest, model: string, call: CallContext): Promise<EmbeddingsResponse> {
    return this.inner.embeddings(req, this.bind(model, call), call);
  }

  /**
   * Azure's data plane has no list of deployments (GET /openai/models lists base models, which are not
   * callable names), so the configured models — or the deployment map's model names — are advertised.
   */
  async listModels(_call: CallContext): Promise<string[]> {
    return this.config.models ?? Object.keys(this.config.deployments ?? {});
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** Drops chunks that carry neither choices nor usage (Azure's prompt_filter_results-only chunk). */
async function* withoutFilterOnlyChunks<T extends { choices: unknown[]; usage?: unknown }>(stream: ChunkStream<T>): AsyncGenerator<T[]> {
  for await (const batch of stream) {
    const out = batch.filter((c) => (Array.isArray(c.choices) && c.choices.length > 0) || (c.usage !== undefined && c.usage !== null));
    if (out.length) yield out;
  }
}
