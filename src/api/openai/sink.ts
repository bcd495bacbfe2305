import type { GatewayError } from '../../core/errors.js';
import { RAW_JSON, type WithRawJson } from '../../core/types.js';
import type { ResponseSink } from '../../core/sink.js';
import { sendBody, sseEnd, sseWrite, type HttpContext } from '../../http/index.js';
import { SSE_DONE, sseData, sseError } from './dialect.js';

/** Writes pipeline results in the OpenAI dialect: JSON bodies, `data:` SSE events, `[DONE]`. */
export function openaiSink<Resp, Chunk>(ctx: HttpContext): ResponseSink<Resp, Chunk> {
  return {
    // An upstream answer forwarded unchanged is written as the upstream sent it (see RAW_JSON).
    response: (resp) => sendBody(ctx, 200, (resp as WithRawJson)[RAW_JSON] ?? JSON.stringify(resp)),
    batch: (chunks) => sseWrite(ctx, sseData(chunks)),
    writable: () => ctx.waitWritable(),
    end: () => sseEnd(ctx, SSE_DONE),
    streamError: (err: GatewayError) => sseEnd(ctx, sseError(err)),
  };
}
