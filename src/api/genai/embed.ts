/**
 * embedContent / batchEmbedContents -> canonical EmbeddingsRequest, and back.
 * Reference: https://ai.google.dev/api/embeddings — embedContent {content, taskType?, outputDimensionality?}
 * -> {embedding:{values}}; batchEmbedContents {requests:[EmbedContentRequest]} -> {embeddings:[{values}]}.
 */
import { badRequest } from '../../core/errors.js';
import type { EmbeddingsRequest, EmbeddingsResponse } from '../../core/types.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function contentText(c: unknown, field: string): string {
  if (!isObj(c) || !Array.isArray(c.parts) || c.parts.length === 0) throw badRequest(`Invalid value at '${field}': expected a Content with parts.`, field, 'invalid_value');
  return c.parts.map((p, i) => {
    if (!isObj(p) || typeof p.text !== 'string') throw badRequest(`Invalid value at '${field}.parts[${i}]': only text can be embedded.`, `${field}.parts[${i}]`, 'invalid_value');
    return p.text;
  }).join(' ');
}

function dims(o: Obj, field: string): number | undefined {
  const d = o.outputDimensionality;
  if (d === undefined || d === null) return undefined;
  if (typeof d !== 'number' || !Number.isInteger(d) || d < 1) throw badRequest(`Invalid value at '${field}': expected a positive integer.`, field, 'invalid_value');
  return d;
}

export function toEmbeddingsRequest(body: Obj, model: string, batch: boolean): EmbeddingsRequest {
  if (!batch) {
    const req: EmbeddingsRequest = { model, input: contentText(body.content, 'content'), encoding_format: 'float' };
    const d = dims(body, 'outputDimensionality');
    if (d) req.dimensions = d;
    return req;
  }
  const requests = body.requests;
  if (!Array.isArray(requests) || requests.length === 0) throw badRequest("Invalid value at 'requests': expected a non-empty array.", 'requests', 'invalid_value');
  let d: number | undefined;
  const input = requests.map((r, i) => {
    if (!isObj(r)) throw badRequest(`Invalid value at 'requests[${i}]': expected an object.`, `requests[${i}]`, 'invalid_value');
    const rd = dims(r, `requests[${i}].outputDimensionality`);
    if (i > 0 && rd !== d) throw badRequest('All requests of a batch must ask for the same outputDimensionality.', `requests[${i}].outputDimensionality`, 'invalid_value');
    d = rd;
    return contentText(r.content, `requests[${i}].content`);
  });
  const req: EmbeddingsRequest = { model, input, encoding_format: 'float' };
  if (d) req.dimensions = d;
  return req;
}

export function fromEmbeddingsResponse(r: EmbeddingsResponse, batch: boolean): object {
  const vectors = r.data.map((e) => ({ values: e.embedding as number[] }));
  return batch ? { embeddings: vectors } : { embedding: vectors[0] };
}
