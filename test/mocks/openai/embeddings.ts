/** POST /v1/embeddings: deterministic unit vectors derived from SHA-256 of each input, float or base64 (LE float32). */
import { createHash } from 'node:crypto';
import { errorForStatus, invalidRequest, statusFromErrorModel } from './errors.js';
import { extraFieldsHeader, json, type Reply } from './reply.js';
import { countWords } from './text.js';

export const EMBEDDING_REQUEST_FIELDS: ReadonlySet<string> = new Set(['input', 'model', 'dimensions', 'encoding_format', 'user']);
export const DEFAULT_EMBEDDING_DIMENSIONS = 8;

/**
 * The vector the mock returns for one input (a string, or a token array). Every component is already a float32
 * value, so the float and base64 encodings decode to exactly the same numbers.
 */
export function mockEmbedding(input: string | number[], dimensions = DEFAULT_EMBEDDING_DIMENSIONS): number[] {
  const key = typeof input === 'string' ? `text:${input}` : `tokens:${input.join(',')}`;
  const raw: number[] = [];
  for (let block = 0; raw.length < dimensions; block++) {
    const digest = createHash('sha256').update(`${key}\u0000${block}`).digest();
    for (let o = 0; o + 4 <= digest.length && raw.length < dimensions; o += 4) raw.push((digest.readUInt32LE(o) / 0xffffffff) * 2 - 1);
  }
  const norm = Math.hypot(...raw) || 1;
  return raw.map((v) => Math.fround(v / norm));
}

/** Base64 of the vector as little-endian float32, as OpenAI sends with `encoding_format: "base64"`. */
export function embeddingToBase64(vector: number[]): string {
  const buf = Buffer.alloc(vector.length * 4);
  vector.forEach((v, i) => buf.writeFloatLE(v, i * 4));
  return buf.toString('base64');
}

/** Inputs as a list: a string, an array of strings, one token array or an array of token arrays. */
export function embeddingInputs(input: unknown): Array<string | number[]> | undefined {
  if (typeof input === 'string') return input === '' ? undefined : [input];
  if (!Array.isArray(input) || input.length === 0) return undefined;
  if (input.every((x) => typeof x === 'number')) return [input as number[]];
  if (input.every((x) => typeof x === 'string' && x !== '')) return input as string[];
  if (input.every((x) => Array.isArray(x) && x.length > 0 && x.every((t) => typeof t === 'number'))) return input as number[][];
  return undefined;
}

export function handleEmbeddings(body: Record<string, any>): Reply {
  if (typeof body.model !== 'string' || body.model === '') return json(400, invalidRequest('you must provide a model parameter'));
  if (body.input === undefined) return json(400, invalidRequest("Missing required parameter: 'input'.", 'input', 'missing_required_parameter'));
  const inputs = embeddingInputs(body.input);
  if (!inputs) return json(400, invalidRequest("'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.", 'input'));
  const format = body.encoding_format ?? 'float';
  if (format !== 'float' && format !== 'base64') return json(400, invalidRequest(`Invalid value: '${String(format)}'. Supported values are: 'float' and 'base64'.`, 'encoding_format', 'invalid_value'));
  const dimensions = body.dimensions ?? DEFAULT_EMBEDDING_DIMENSIONS;
  if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > 3072) return json(400, invalidRequest("Invalid 'dimensions': expected an integer between 1 and 3072.", 'dimensions', 'invalid_value'));
  const forced = statusFromErrorModel(body.model);
  if (forced !== undefined) return json(forced, errorForStatus(forced));

  const data = inputs.map((input, index) => {
    const vector = mockEmbedding(input, dimensions);
    return { object: 'embedding', index, embedding: format === 'base64' ? embeddingToBase64(vector) : vector };
  });
  const tokens = inputs.reduce((s, x) => s + (typeof x === 'string' ? Math.max(1, countWords(x)) : x.length), 0);
  return json(200, { object: 'list', data, model: body.model, usage: { prompt_tokens: tokens, total_tokens: tokens } }, extraFieldsHeader(body, EMBEDDING_REQUEST_FIELDS));
}
