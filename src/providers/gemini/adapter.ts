/**
 * Google AI Studio (Gemini API) adapter.
 * Docs: https://ai.google.dev/api/generate-content (generateContent, streamGenerateContent?alt=sse),
 * https://ai.google.dev/api/embeddings (batchEmbedContents), https://ai.google.dev/api/models (list),
 * https://ai.google.dev/gemini-api/docs/api-key (key in the x-goog-api-key header).
 */
import type { EmbeddingsRequest, EmbeddingsResponse } from '../../core/types.js';
import type { ResolvedProvider } from '../../config/index.js';
import type { ProviderKind } from '../catalog.js';
import type { CallContext } from '../types.js';
import { GoogleWireProvider } from './client.js';
import { embeddingInputs, embeddingsResponse, toBatchEmbedRequest } from './embeddings.js';

export class GeminiProvider extends GoogleWireProvider {
  constructor(config: ResolvedProvider, kind: ProviderKind) {
    super(config, kind, config.baseUrl || kind.baseUrl || 'https://generativelanguage.googleapis.com');
  }

  protected geminiPath(model: string, method: string): string {
    return `/v1beta/models/${encodeURIComponent(model)}:${method}`;
  }

  protected async authHeaders(): Promise<Record<string, string>> {
    return this.config.apiKey ? { 'x-goog-api-key': this.config.apiKey } : {};
  }

  async embeddings(req: EmbeddingsRequest, model: string, call: CallContext): Promise<EmbeddingsResponse> {
    const inputs = embeddingInputs(req);
    const res = await this.send('POST', this.geminiPath(model, 'batchEmbedContents'), toBatchEmbedRequest(req, model), call);
    const body = await this.json<{ embeddings?: Array<{ values?: number[] }> }>(res, call);
    const vectors = (body.embeddings ?? []).map((e) => e.values ?? []);
    // The Gemini API reports no usage for embeddings; count words so accounting is not zero.
    const words = inputs.reduce((n, s) => n + (s.match(/\S+/g)?.length ?? 0), 0);
    return embeddingsResponse(vectors, req, model, words);
  }

  async listModels(call: CallContext): Promise<string[]> {
    if (this.config.models) return this.config.models;
    const res = await this.send('GET', '/v1beta/models?pageSize=1000', undefined, call);
    const body = await this.json<{ models?: Array<{ name?: unknown }> }>(res, call);
    return (body.models ?? []).map((m) => m.name).filter((n): n is string => typeof n === 'string').map((n) => n.replace(/^models\//, ''));
  }
}
