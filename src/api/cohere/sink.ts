import type { GatewayError } from '../../core/errors.js';
import type { ResponseSink } from '../../core/sink.js';
import type { ChatChunk, ChatResponse } from '../../core/types.js';
import { sendBody, sseEnd, sseWrite, type HttpContext } from '../../http/index.js';
import { toCohereResponse } from './from-canonical.js';
import { CohereStreamWriter } from './stream.js';

/** Writes pipeline results in the Cohere v2 dialect: a JSON chat response, or Cohere stream events. */
export function cohereSink(ctx: HttpContext): ResponseSink<ChatResponse, ChatChunk> {
  let writer: CohereStreamWriter | undefined;
  const w = () => (writer ??= new CohereStreamWriter(ctx.requestId));
  return {
    response: (resp) => sendBody(ctx, 200, JSON.stringify(toCohereResponse(resp))),
    batch: (chunks) => {
      const text = w().push(chunks);
      return text ? sseWrite(ctx, text) : true;
    },
    writable: () => ctx.waitWritable(),
    end: () => sseEnd(ctx, w().end()),
    streamError: (err: GatewayError) => sseEnd(ctx, w().error(err)),
  };
}
