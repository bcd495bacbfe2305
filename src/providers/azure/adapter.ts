/**
 * Azure OpenAI. The body and response formats are OpenAI's, so the OpenAI-compatible adapter does all the
 * work; Azure differs only in where requests go and how they authenticate:
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
import type { CallContext, ChunkStream, CompletionChunk } from '../types.js';

/** Latest GA data-plane inference API version (see the reference cited above). */
export const AZURE_DEFAULT_API_VERSION = '2024-10-21';

export class AzureProvider extends OpenAICompatProvider {
  private readonly apiVersion: string;

  constructor(config: ResolvedProvider, kind: ProviderKind) {
    super(config, kind);
    this.apiVersion = config.options.api_version || AZURE_DEFAULT_API_VERSION;
  }

  protected override authHeaders(apiKey: string): Record<string, string> {
    return { 'api-key': apiKey };
  }

  /** deployment = config.deployments[model] ?? model. */
  deployment(model: string): string {
    return this.config.deployments?.[model] ?? model;
  }

  /** Every call below passes the deployment name as the model, so it is also what the body says. */
  protected override upstreamPath(path: string, deployment: string): string {
    return `/openai/deployments/${encodeURIComponent(deployment)}${path}?api-version=${encodeURIComponent(this.apiVersion)}`;
  }

  override chat(req: ChatRequest, model: string, call: CallContext): Promise<ChatResponse> {
    return super.chat(req, this.deployment(model), call);
  }

  override async chatStream(req: ChatRequest, model: string, call: CallContext): Promise<ChunkStream<ChatChunk>> {
    return withoutFilterOnlyChunks(await super.chatStream(req, this.deployment(model), call));
  }

  override completions(req: CompletionRequest, model: string, call: CallContext): Promise<CompletionResponse> {
    return super.completions(req, this.deployment(model), call);
  }

  override async completionsStream(req: CompletionRequest, model: string, call: CallContext): Promise<ChunkStream<CompletionChunk>> {
    return withoutFilterOnlyChunks(await super.completionsStream(req, this.deployment(model), call));
  }

  override embeddings(req: EmbeddingsRequest, model: string, call: CallContext): Promise<EmbeddingsResponse> {
    return super.embeddings(req, this.deployment(model), call);
  }

  /**
   * Azure's data plane has no list of deployments (GET /openai/models lists base models, which are not
   * callable names), so the configured models — or the deployment map's model names — are advertised.
   */
  override async listModels(_call: CallContext): Promise<string[]> {
    return this.config.models ?? Object.keys(this.config.deployments ?? {});
  }
}

/** Drops chunks that carry neither choices nor usage (Azure's prompt_filter_results-only chunk). */
async function* withoutFilterOnlyChunks<T extends { choices: unknown[]; usage?: unknown }>(stream: ChunkStream<T>): AsyncGenerator<T[]> {
  for await (const batch of stream) {
    const out = batch.filter((c) => (Array.isArray(c.choices) && c.choices.length > 0) || (c.usage !== undefined && c.usage !== null));
    if (out.length) yield out;
  }
}
