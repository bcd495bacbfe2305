/**
 * Converse and ConverseStream on the gateway: `/bedrock/model/{modelId}/converse[-stream]`, where modelId is
 * a Switchyard model ("provider/model" or an alias, percent-encoded by the AWS SDKs).
 */
import { badRequest, GatewayError, toGatewayError } from '../../core/errors.js';
import { route, streamed, unary, type GatewayState } from '../../core/pipeline.js';
import type { HttpContext } from '../../http/index.js';
import { converseToChat } from './request.js';
import { converseSink, converseStreamSink } from './sink.js';

export const PREFIX = '/bedrock/model/';

export function parsePath(url: string): { modelId: string; op: 'converse' | 'converse-stream' } {
  const rest = url.slice(PREFIX.length);
  const slash = rest.lastIndexOf('/');
  const op = rest.slice(slash + 1);
  if (slash <= 0 || (op !== 'converse' && op !== 'converse-stream')) {
    throw new GatewayError({ status: 404, type: 'UnknownOperationException', message: `Unknown operation: POST ${url}` });
  }
  let modelId: string;
  try {
    modelId = decodeURIComponent(rest.slice(0, slash));
  } catch {
    throw badRequest(`Invalid modelId in the path '${rest.slice(0, slash)}'`, 'modelId', 'validation_error');
  }
  return { modelId, op };
}

function parseBody(body: Buffer | undefined): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(body?.toString('utf8') || '');
  } catch {
    throw badRequest('Malformed input request, please reformat your input and try again.', null, 'invalid_json');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw badRequest('Malformed input request: the body must be a JSON object.', null, 'invalid_json');
  return v as Record<string, unknown>;
}

/** Unknown models are ResourceNotFoundException in Bedrock terms. */
export async function converse(gw: GatewayState, ctx: HttpContext, body: Buffer | undefined, url: string): Promise<void> {
  ctx.setHeader('x-amzn-requestid', ctx.requestId);
  try {
    const { modelId, op } = parsePath(url);
    const stream = op === 'converse-stream';
    const req = converseToChat(parseBody(body), modelId, stream);
    const opts = { model: modelId, dropParams: gw.dropParams === true };
    if (stream) {
      const sink = converseStreamSink(ctx);
      await route(gw, ctx, opts, (p, m, call) => streamed(ctx, sink, call, () => p.chatStream(req, m, call), true));
    } else {
      const sink = converseSink(ctx);
      await route(gw, ctx, opts, (p, m, call) => unary(ctx, sink, call, () => p.chat(req, m, call)));
    }
  } catch (err) {
    const e = toGatewayError(err);
    if (e.code === 'model_not_found') throw new GatewayError({ status: 404, type: 'ResourceNotFoundException', code: 'model_not_found', param: 'modelId', message: e.message });
    throw err;
  }
}
