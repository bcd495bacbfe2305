/**
 * Converse and ConverseStream on the gateway: `/bedrock/model/{modelId}/converse[-stream]`, where modelId is
 * a Switchyard model ("provider/model" or an alias, percent-encoded by the AWS SDKs).
 */
import { badRequest, GatewayError, toGatewayError } from '../../core/errors.js';
import { newCall, streamed, target, unary, type GatewayState } from '../../core/pipeline.js';
import type { HttpContext } from '../../http/index.js';
import { exceptionName } from './dialect.js';
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
function resolve(gw: GatewayState, ctx: HttpContext, modelId: string) {
  try {
    return target(gw, ctx, modelId);
  } catch (err) {
    const e = toGatewayError(err);
    if (e.code === 'model_not_found') throw new GatewayError({ status: 404, type: 'ResourceNotFoundException', code: 'model_not_found', param: 'modelId', message: e.message });
    throw e;
  }
}

export async function converse(gw: GatewayState, ctx: HttpContext, body: Buffer | undefined, url: string): Promise<void> {
  ctx.setHeader('x-amzn-requestid', ctx.requestId);
  try {
    const { modelId, op } = parsePath(url);
    const stream = op === 'converse-stream';
    const req = converseToChat(parseBody(body), modelId, stream);
    const t = resolve(gw, ctx, modelId);
    const call = newCall(ctx, undefined, gw.dropParams === true);
    if (stream) {
      await streamed(ctx, converseStreamSink(ctx), call, () => t.provider.chatStream(req, t.model, call), true);
    } else {
      await unary(ctx, converseSink(ctx), call, () => t.provider.chat(req, t.model, call));
    }
  } catch (err) {
    // The AWS SDKs pick the exception class from this header; the body carries the message.
    if (!ctx.headersSent) ctx.setHeader('x-amzn-errortype', exceptionName(toGatewayError(err)));
    throw err;
  }
}
