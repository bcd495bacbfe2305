/**
 * Reads an Anthropic Messages SSE body (from Anthropic itself or Claude on Vertex) as canonical chunk
 * batches. A stream `error` event, or a body that ends before message_stop, is thrown so that the pipeline
 * ends the client's stream with an explicit error; events that arrived in the same read as the error still
 * reach the client first.
 */
import { performance } from 'node:perf_hooks';
import { GatewayError } from '../../core/errors.js';
import type { ChatChunk } from '../../core/types.js';
import { sseBatches } from '../sse.js';
import type { HttpTransport, UpstreamResponse } from '../transport.js';
import type { CallContext } from '../types.js';
import { AnthropicStreamParser } from './stream.js';
import type { AnthropicStreamEvent } from './wire.js';

export async function* anthropicChunks(res: UpstreamResponse, call: CallContext, transport: HttpTransport, provider: string, model: string): AsyncGenerator<ChatChunk[]> {
  const parser = new AnthropicStreamParser(provider, model);
  let first = true;
  try {
    for await (const batch of sseBatches(res.body)) {
      if (first) { call.upstreamEnd = performance.now(); first = false; }
      const out: ChatChunk[] = [];
      for (const ev of batch) {
        let obj: AnthropicStreamEvent;
        try {
          obj = JSON.parse(ev.data);
        } catch {
          throw new GatewayError({ status: 502, type: 'upstream_error', code: 'upstream_invalid_stream', message: `${provider}: upstream sent an invalid stream event`, provider });
        }
        if (!obj || typeof obj !== 'object') continue;
        if (!obj.type && ev.event) (obj as { type: string }).type = ev.event;
        try {
          parser.push(obj, out);
        } catch (err) {
          if (out.length) yield out;
          throw err;
        }
      }
      if (out.length) yield out;
    }
  } catch (err) {
    throw transport.mapTransportError(err, call);
  }
  if (!parser.finished) {
    throw new GatewayError({ status: 502, type: 'upstream_error', code: 'upstream_stream_truncated', message: `${provider}: upstream stream ended before message_stop`, provider });
  }
}
