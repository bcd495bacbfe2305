/**
 * GenAI-dialect endpoints: parse and validate, resolve the model ("provider/model" or an alias, as on
 * /v1), then run the dialect-independent pipeline with a GenAI sink.
 */
import { badRequest, notFound } from '../../core/errors.js';
import { route, streamed, unary, type GatewayState } from '../../core/pipeline.js';
import type { EmbeddingsResponse } from '../../core/types.js';
import { sendBody, type HttpContext } from '../../http/index.js';
import { fromEmbeddingsResponse, toEmbeddingsRequest } from './embed.js';
import { toChatRequest } from './request.js';
import { streamSink, unarySink } from './sink.js';

type Obj = Record<string, unknown>;

function parseBody(body: Buffer | undefined): Obj {
  let v: unknown;
  try {
    v = JSON.parse(body && body.length ? body.toString('utf8') : '');
  } catch {
    throw badRequest('Invalid JSON payload received. The body must be valid JSON.', null, 'invalid_json');
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw badRequest('Invalid JSON payload received. Expected a JSON object.', null, 'invalid_json');
  return v as Obj;
}

/** "{model}:{method}" after ".../models/"; the model may contain "/" and may be percent-encoded. */
export function splitModelMethod(rest: string): { model: string; method: string } {
  let decoded: string;
  try { decoded = decodeURIComponent(rest); } catch { throw badRequest('Malformed model name in the URL.', 'model', 'invalid_value'); }
  const colon = decoded.lastIndexOf(':');
  if (colon <= 0) throw notFound(`Unknown method for ${decoded}: expected models/{model}:{method}.`, 'unknown_url');
  return { model: decoded.slice(0, colon).replace(/^models\//, ''), method: decoded.slice(colon + 1) };
}

export async function modelMethod(gw: GatewayState, ctx: HttpContext, body: Buffer | undefined, rest: string, query: string): Promise<void> {
  const { model, method } = splitModelMethod(rest);
  switch (method) {
    case 'generateContent': return generate(gw, ctx, body, model, false, false);
    case 'streamGenerateContent': return generate(gw, ctx, body, model, true, !/(^|&)alt=sse(&|$)/.test(query));
    case 'embedContent': return embed(gw, ctx, body, model, false);
    case 'batchEmbedContents': return embed(gw, ctx, body, model, true);
    default: throw notFound(`Method '${method}' is not supported by this gateway.`, 'unknown_method');
  }
}

async function generate(gw: GatewayState, ctx: HttpContext, body: Buffer | undefined, model: string, stream: boolean, jsonArray: boolean): Promise<void> {
  const req = toChatRequest(parseBody(body), model, stream && !jsonArray);
  const opts = { model, dropParams: gw.dropParams === true };
  if (stream && !jsonArray) {
    const sink = streamSink(ctx);
    await route(gw, ctx, opts, (p, m, call) => streamed(ctx, sink, call, () => p.chatStream(req, m, call), true));
    return;
  }
  // streamGenerateContent without alt=sse answers a JSON array of responses; one whole response is a valid one.
  const sink = unarySink(ctx, jsonArray);
  await route(gw, ctx, opts, (p, m, call) => unary(ctx, sink, call, () => p.chat(req, m, call)));
}

async function embed(gw: GatewayState, ctx: HttpContext, body: Buffer | undefined, model: string, batch: boolean): Promise<void> {
  const req = toEmbeddingsRequest(parseBody(body), model, batch);
  let resp: EmbeddingsResponse | undefined;
  const sink = { response: (r: EmbeddingsResponse) => { resp = r; }, batch: () => true, writable: () => ctx.waitWritable(), end: () => {}, streamError: () => {} };
  await route(gw, ctx, { model, dropParams: gw.dropParams === true }, (p, m, call) => unary(ctx, sink, call, () => p.embeddings(req, m, call)));
  if (resp) sendBody(ctx, 200, JSON.stringify(fromEmbeddingsResponse(resp, batch)));
}
