/** Pipeline results in the Bedrock dialect: Converse JSON bodies and binary ConverseStream events. */
import { performance } from 'node:perf_hooks';
import type { GatewayError } from '../../core/errors.js';
import type { ResponseSink } from '../../core/sink.js';
import type { ChatChunk, ChatResponse } from '../../core/types.js';
import { sendBody, type HttpContext } from '../../http/index.js';
import { streamExceptionType } from './dialect.js';
import { concat, exceptionMessage } from './event-stream.js';
import { binaryEnd, binaryWrite } from './respond.js';
import { converseResponse } from './response.js';
import { ConverseStreamEncoder } from './stream.js';

export function converseSink(ctx: HttpContext): ResponseSink<ChatResponse, never> {
  return {
    response: (resp) => sendBody(ctx, 200, JSON.stringify(converseResponse(resp, Math.round(performance.now() - ctx.start)))),
    batch: () => true,
    writable: () => ctx.waitWritable(),
    end: () => undefined,
    streamError: () => undefined,
  };
}

export function converseStreamSink(ctx: HttpContext): ResponseSink<never, ChatChunk> {
  const enc = new ConverseStreamEncoder(ctx.start);
  return {
    response: () => undefined,
    batch: (chunks) => {
      const events = enc.encode(chunks);
      return events.length ? binaryWrite(ctx, concat(events)) : true;
    },
    writable: () => ctx.waitWritable(),
    end: () => binaryEnd(ctx, concat(enc.end())),
    // An error after the stream started ends it with an exception message, never a clean end.
    streamError: (err: GatewayError) => binaryEnd(ctx, exceptionMessage(streamExceptionType(err), err.message)),
  };
}
