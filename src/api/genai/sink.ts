/**
 * Writes pipeline results in the GenAI dialect. Streams are translated statefully: text and thoughts go
 * out as they arrive; tool-call fragments are buffered per (candidate, call) because Gemini carries a
 * function call whole, with its arguments as an object; they go out with the candidate's finishReason.
 * The final event is held back until the usage chunk arrives so that it carries usageMetadata.
 */
import type { GatewayError } from '../../core/errors.js';
import type { ResponseSink } from '../../core/sink.js';
import type { ChatChunk, ChatResponse } from '../../core/types.js';
import { sendBody, sseEnd, sseWrite, type HttpContext } from '../../http/index.js';
import { sseError, sseEvent } from './dialect.js';
import { finishReason, parseArgs, toGenerateContentResponse, usageMetadata, type GenaiPart } from './response.js';

export function unarySink(ctx: HttpContext, asArray = false): ResponseSink<ChatResponse, never> {
  return {
    response: (resp) => {
      const body = toGenerateContentResponse(resp);
      sendBody(ctx, 200, JSON.stringify(asArray ? [body] : body));
    },
    batch: () => true,
    writable: () => ctx.waitWritable(),
    end: () => {},
    streamError: () => {},
  };
}

interface PendingCall { id?: string; name: string; args: string }

export class GenaiStreamTranslator {
  private readonly calls = new Map<number, PendingCall[]>();
  private held: Record<string, unknown> | undefined;
  private model = '';
  private id = '';

  private event(candidates: unknown[]): Record<string, unknown> {
    return { candidates, modelVersion: this.model, responseId: this.id };
  }

  /** Returns the SSE text for a batch ('' when nothing is ready to send). */
  batch(chunks: ChatChunk[]): string {
    let out = '';
    for (const ch of chunks) {
      this.model ||= ch.model;
      this.id ||= ch.id;
      if (ch.usage && ch.choices.length === 0) {
        const ev = this.held ?? this.event([]);
        this.held = undefined;
        ev.usageMetadata = usageMetadata(ch.usage);
        out += sseEvent(ev);
        continue;
      }
      const candidates: unknown[] = [];
      for (const c of ch.choices) {
        const parts: GenaiPart[] = [];
        const d = c.delta;
        if (d.reasoning_content) parts.push({ text: d.reasoning_content, thought: true });
        if (typeof d.content === 'string' && d.content) parts.push({ text: d.content });
        for (const tc of d.tool_calls ?? []) {
          const list = this.calls.get(c.index) ?? [];
          this.calls.set(c.index, list);
          const slot = (list[tc.index] ??= { name: '', args: '' });
          if (tc.id) slot.id = tc.id;
          if (tc.function?.name) slot.name = tc.function.name;
          slot.args += tc.function?.arguments ?? '';
        }
        const fr = finishReason(c.finish_reason);
        if (fr) {
          for (const call of this.calls.get(c.index) ?? []) if (call) parts.push({ functionCall: { id: call.id, name: call.name, args: parseArgs(call.args) } });
          this.calls.delete(c.index);
        }
        if (parts.length || fr) candidates.push({ content: { role: 'model', parts }, index: c.index, ...(fr ? { finishReason: fr } : {}) });
      }
      if (!candidates.length) continue;
      const ev = this.event(candidates);
      if (candidates.some((c) => (c as { finishReason?: string }).finishReason)) {
        // Hold the closing event so the usage chunk that follows can ride on it.
        if (this.held) out += sseEvent(this.held);
        this.held = ev;
      } else {
        out += sseEvent(ev);
      }
    }
    return out;
  }

  /** Whatever is still held when the stream ends. */
  flush(): string {
    const ev = this.held;
    this.held = undefined;
    return ev ? sseEvent(ev) : '';
  }
}

export function streamSink(ctx: HttpContext): ResponseSink<never, ChatChunk> {
  const t = new GenaiStreamTranslator();
  return {
    response: () => {},
    batch: (chunks) => {
      const text = t.batch(chunks);
      return text ? sseWrite(ctx, text) : true;
    },
    writable: () => ctx.waitWritable(),
    end: () => sseEnd(ctx, t.flush()),
    streamError: (err: GatewayError) => sseEnd(ctx, sseError(err)),
  };
}
