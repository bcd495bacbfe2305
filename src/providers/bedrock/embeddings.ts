/**
 * Embeddings through InvokeModel (`POST /model/{modelId}/invoke`), whose body is the model's own format:
 * - Amazon Titan Text Embeddings V2: {inputText, dimensions?} -> {embedding, inputTextTokenCount}; one text
 *   per call, so a list of inputs becomes one call per input.
 *   https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-titan-embed-text.html
 * - Cohere Embed: {texts, input_type} -> {embeddings, id, response_type, texts}; token counts come from the
 *   `x-amzn-bedrock-input-token-count` response header.
 *   https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-embed.html
 */
import { badRequest } from '../../core/errors.js';
import type { EmbeddingsRequest, EmbeddingsResponse } from '../../core/types.js';

export type EmbeddingFamily = 'titan' | 'cohere';

export function embeddingFamily(model: string): EmbeddingFamily {
  // Inference-profile ids carry a region prefix (us.cohere.embed-...), so match anywhere in the id.
  if (/(^|\.)amazon\.titan-embed/.test(model)) return 'titan';
  if (/(^|\.)cohere\.embed/.test(model)) return 'cohere';
  throw badRequest(`bedrock: embeddings are supported for amazon.titan-embed-* and cohere.embed-* models, not '${model}'`, 'model', 'unsupported_model');
}

export function embeddingTexts(req: EmbeddingsRequest): string[] {
  const input = req.input;
  if (typeof input === 'string') return [input];
  if (Array.isArray(input) && input.every((x) => typeof x === 'string')) return input as string[];
  throw badRequest('bedrock: embeddings input must be a string or an array of strings (token arrays are not supported)', 'input', 'unsupported_parameter');
}

export function titanBody(text: string, req: EmbeddingsRequest): string {
  return JSON.stringify({ inputText: text, ...(req.dimensions ? { dimensions: req.dimensions } : {}) });
}

export function cohereBody(texts: string[], req: EmbeddingsRequest): string {
  // input_type is required by Cohere Embed; OpenAI has no notion of it, so documents are the default.
  const inputType = typeof req.input_type === 'string' ? req.input_type : 'search_document';
  return JSON.stringify({ texts, input_type: inputType });
}

/** float vectors -> the wire form the client asked for (base64 = little-endian float32, as OpenAI does). */
export function encodeEmbedding(v: number[], format: EmbeddingsRequest['encoding_format']): number[] | string {
  if (format !== 'base64') return v;
  return Buffer.from(new Float32Array(v).buffer).toString('base64');
}

export function embeddingsResponse(vectors: number[][], tokens: number, model: string, req: EmbeddingsRequest): EmbeddingsResponse {
  return {
    object: 'list',
    data: vectors.map((v, index) => ({ object: 'embedding', index, embedding: encodeEmbedding(v, req.encoding_format) })),
    model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}
