/**
 * ConverseStream events -> canonical ChatChunk batches with OpenAI chunk semantics: a role chunk first,
 * text as delta.content, reasoning as delta.reasoning_content, a tool call's id+name when its content block
 * starts and then its input fragments in order, the finish_reason at messageStop, and the usage-only chunk
 * `{choices: [], usage}` from the closing metadata event.
 */
import { toUtf8 } from '@smithy/util-utf8';
import { performance } from 'node:perf_hooks';
import { GatewayError } from '../../core/errors.js';
import type { ChatChunk, ChunkChoice } from '../../core/types.js';
import type { CallContext } from '../types.js';
import { bedrockStreamError } from './errors.js';
import { EventStreamTruncated, eventStreamBatches, header, type Message } from './event-stream.js';
import { finishReason, toUsage } from './response.js';
import type { StreamEvents } from './wire.js';

export class ConverseStreamTranslator {
  /** contentBlockIndex -> OpenAI tool_calls index. */
  private readonly toolIndex = new Map<number, number>();
  private tools = 0;
  private roleSent = false;
  stopped = false;
  done = false;

  constructor(private readonly provider: string, private readonly id: string, private readonly model: string, private readonly created = Math.floor(Date.now() / 1000)) {}

  private chunk(delta: ChunkChoice['delta'], finish: ChunkChoice['finish_reason'] = null): ChatChunk {
    return { id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model, choices: [{ index: 0, delta, finish_reason: finish }] };
  }

  /** Translates one decoded message; throws a GatewayError for exception/error messages. */
  translate(m: Message, out: ChatChunk[]): void {
    const kind = header(m, ':message-type');
    const body = toUtf8(m.body);
    if (kind === 'exception') throw bedrockStreamError(this.provider, header(m, ':exception-type') ?? 'exception', body);
    if (kind === 'error') {
      throw new GatewayError({ status: 502, type: 'upstream_error', code: header(m, ':error-code') ?? 'upstream_stream_error', message: `${this.provider}: ${header(m, ':error-message') ?? 'upstream stream error'}`, provider: this.provider });
    }
    const type = header(m, ':event-type');
    let ev: unknown;
    try {
      ev = body ? JSON.parse(body) : {};
    } catch {
      throw new GatewayError({ status: 502, type: 'upstream_error', code: 'upstream_invalid_stream', message: `${this.provider}: upstream sent an invalid stream event`, provider: this.provider });
    }
    switch (type) {
      case 'messageStart':
        this.role(out);
        break;
      case 'contentBlockStart': {
        const e = ev as StreamEvents['contentBlockStart'];
        const tu = e.start?.toolUse;
        if (!tu) break;
        this.role(out);
        const index = this.tools++;
        this.toolIndex.set(e.contentBlockIndex, index);
        out.push(this.chunk({ tool_calls: [{ index, id: tu.toolUseId, type: 'function', function: { name: tu.name, arguments: '' } }] }));
        break;
      }
      case 'contentBlockDelta': {
        const e = ev as StreamEvents['contentBlockDelta'];
        const d = e.delta ?? {};
        this.role(out);
        if (typeof d.text === 'string') out.push(this.chunk({ content: d.text }));
        else if (d.toolUse) {
          const index = this.toolIndex.get(e.contentBlockIndex);
          if (index === undefined) {
            throw new GatewayError({ status: 502, type: 'upstream_error', code: 'upstream_invalid_stream', message: `${this.provider}: tool input for a content block that never started`, provider: this.provider });
          }
          out.push(this.chunk({ tool_calls: [{ index, function: { arguments: d.toolUse.input ?? '' } }] }));
        } else if (typeof d.reasoningContent?.text === 'string') out.push(this.chunk({ reasoning_content: d.reasoningContent.text }));
        break;
      }
      case 'messageStop': {
        const e = ev as StreamEvents['messageStop'];
        this.role(out);
        this.stopped = true;
        out.push(this.chunk({}, finishReason(e.stopReason)));
        break;
      }
      case 'metadata': {
        const e = ev as StreamEvents['metadata'];
        this.done = true;
        out.push({ id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model, choices: [], usage: toUsage(e.usage) });
        break;
      }
      default:
        break; // contentBlockStop and events added later carry nothing a chat chunk needs
    }
  }

  private role(out: ChatChunk[]): void {
    if (this.roleSent) return;
    this.roleSent = true;
    out.push(this.chunk({ role: 'assistant', content: '' }));
  }
}

export async function* converseChunks(
  body: AsyncIterable<Uint8Array>, t: ConverseStreamTranslator, call: CallContext, mapTransport: (err: unknown) => GatewayError, provider: string,
): AsyncGenerator<ChatChunk[]> {
  let first = true;
  try {
    for await (const batch of eventStreamBatches(body)) {
      if (first) { call.upstreamEnd = performance.now(); first = false; }
      const out: ChatChunk[] = [];
      let failure: unknown;
      try {
        for (const m of batch) t.translate(m, out);
      } catch (err) {
        failure = err;
      }
      // Chunks translated before an exception event in the same read still reach the client first.
      if (out.length) yield out;
      if (failure) throw failure;
    }
  } catch (err) {
    if (err instanceof EventStreamTruncated) throw truncated(provider);
    if (err instanceof GatewayError) throw err;
    if (err instanceof Error && /checksum|length|header/i.test(err.message) && !(err as { code?: unknown }).code) {
      throw new GatewayError({ status: 502, type: 'upstream_error', code: 'upstream_invalid_stream', message: `${provider}: upstream sent an invalid event stream (${err.message})`, provider });
    }
    throw mapTransport(err);
  }
  if (!t.stopped) throw truncated(provider);
}

function truncated(provider: string): GatewayError {
  return new GatewayError({ status: 502, type: 'upstream_error', code: 'upstream_stream_truncated', message: `${provider}: upstream stream ended before it finished`, provider });
}
