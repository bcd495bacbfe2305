/**
 * Canonical embeddings <-> Cohere v2 embed (https://docs.cohere.com/reference/embed): `texts`, `input_type`
 * (required by v3+ models; `search_document` unless the request names one), `embedding_types: ["float"]`,
 * `output_dimension` for `dimensions`. base64 output is produced here from the floats (little-endian float32,
 * as OpenAI encodes it).
 */
import { badRequest } from '../../core/errors.js';
import type { EmbeddingsRequest, EmbeddingsResponse } from '../../core/types.js';
import type { CallContext } from '../types.js';
import type { CohereEmbedResponse } from './wire.js';

const INPUT_TYPES = new Set(['search_document', 'search_query', 'classification', 'clustering', 'image']);

export function toCohereEmbed(req: EmbeddingsRequest, model: string, call: CallContext): Record<string, unknown> {
  const input = req.input;
  const texts = typeof input === 'string' ? [input] : input;
  if (!Array.isArray(texts) || !texts.every((t) => typeof t === 'string')) {
    throw badRequest('Cohere embeddings take text input; token arrays are not supported.', 'input', 'unsupported_parameter');
  }
  const inputType = typeof req.input_type === 'string' ? req.input_type : 'search_document';
  if (!INPUT_TYPES.has(inputType)) throw badRequest(`Invalid 'input_type': '${inputType}'.`, 'input_type', 'invalid_value');
  const out: Record<string, unknown> = { model, texts, input_type: inputType, embedding_types: ['float'] };
  if (req.dimensions !== undefined) out.output_dimension = req.dimensions;
  if (req.user !== undefined) {
    if (!call.dropParams) throw badRequest("Cohere does not support 'user'. Remove it or set drop_params to drop it.", 'user', 'unsupported_parameter');
    call.dropped?.push('user');
  }
  return out;
}

export function fromCohereEmbed(resp: CohereEmbedResponse, req: EmbeddingsRequest, model: string): EmbeddingsResponse {
  const vectors = resp.embeddings?.float ?? [];
  const base64 = req.encoding_format === 'base64';
  const tokens = resp.meta?.billed_units?.input_tokens ?? 0;
  return {
    object: 'list',
    data: vectors.map((v, index) => ({
      object: 'embedding' as const,
      index,
      embedding: base64 ? Buffer.from(new Float32Array(v).buffer).toString('base64') : v,
    })),
    model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}
