/**
 * Canonical EmbeddingsRequest <-> Gemini `batchEmbedContents`.
 * Reference: https://ai.google.dev/api/embeddings#method:-models.batchembedcontents — body
 * {requests:[{model:"models/M", content:{parts:[{text}]}, outputDimensionality?}]}, answer
 * {embeddings:[{values:[...]}]}. The Gemini API reports no token usage for embeddings.
 */
import { badRequest } from '../../core/errors.js';
import type { EmbeddingsRequest, EmbeddingsResponse } from '../../core/types.js';

/** Only text can be embedded: token arrays have no meaning for Gemini's tokenizer. */
export function embeddingInputs(req: EmbeddingsRequest): string[] {
  const input = req.input;
  if (typeof input === 'string') return [input];
  if (Array.isArray(input) && input.every((x) => typeof x === 'string')) return input as string[];
  throw badRequest("Gemini embeddings take text only: 'input' must be a string or an array of strings.", 'input', 'unsupported_parameter');
}

export function toBatchEmbedRequest(req: EmbeddingsRequest, model: string): object {
  const inputs = embeddingInputs(req);
  return {
    requests: inputs.map((text) => {
      const r: Record<string, unknown> = { model: `models/${model}`, content: { parts: [{ text }] } };
      if (typeof req.dimensions === 'number') r.outputDimensionality = req.dimensions;
      return r;
    }),
  };
}

/** float32 little-endian, base64: what OpenAI returns for encoding_format=base64. */
export function floatsToBase64(values: number[]): string {
  const buf = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => buf.writeFloatLE(v, i * 4));
  return buf.toString('base64');
}

export function embeddingsResponse(vectors: number[][], req: EmbeddingsRequest, model: string, promptTokens: number): EmbeddingsResponse {
  const b64 = req.encoding_format === 'base64';
  return {
    object: 'list',
    data: vectors.map((v, index) => ({ object: 'embedding', index, embedding: b64 ? floatsToBase64(v) : v })),
    model,
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  };
}
