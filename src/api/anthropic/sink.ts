import type { GatewayError } from '../../core/errors.js';
import type { ResponseSink } from '../../core/sink.js';
import type { ChatChunk, ChatResponse } from '../../core/types.js';
import { sendBody, sseEnd, sseWrite, type HttpContext } from '../../http/index.js';
import { sseError } from './dialect.js';
import { AnthropicStreamWriter } from './stream-writer.js';
import { toMessage } from './to-message.js';

/**
 * Writes pipeline results in the Anthropic dialect: a Message JSON body, or the Anthropic SSE event
 * sequence. `model` is the model string the client asked for (Anthropic echoes it back).
 */
export function anthropicSink(ctx: HttpContext, model: string): ResponseSink<ChatResponse, ChatChunk> {
  const writer = new AnthropicStreamWriter(model);
  return {
    response: (resp) => sendBody(ctx, 200, JSON.stringify(toMessage(resp, model))),
    batch: (chunks) => {
      const text = writer.write(chunks);
      return text ? sseWrite(ctx, text) : true;
    },
    writable: () => ctx.waitWritable(),
    end: () => sseEnd(ctx, writer.end()),
    streamError: (err: GatewayError) => sseEnd(ctx, sseError(err)),
  };
}
