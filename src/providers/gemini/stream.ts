/**
 * Gemini `streamGenerateContent?alt=sse` -> canonical ChatChunk batches.
 * Reference: https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent — every SSE
 * `data:` event is a whole GenerateContentResponse carrying the new parts; usageMetadata is cumulative
 * and the last event carries finishReason. Function calls arrive complete (no partial arguments), so
 * each becomes the OpenAI pair: a header delta (id, name, arguments '') and one arguments delta.
 */
import { performance } from 'node:perf_hooks';
import { GatewayError } from '../../core/errors.js';
import type { ChatChunk, ChunkChoice, FinishReason, Usage } from '../../core/types.js';
import { sseBatches } from '../sse.js';
import type { HttpTransport, UpstreamResponse } from '../transport.js';
import type { CallContext } from '../types.js';
import { streamError } from './errors.js';
import { callId, mapFinish, mapUsage } from './response.js';
import type { GResponse } from './wire.js';

export class GeminiStreamTranslator {
  private id = '';
  private readonly created = Math.floor(Date.now() / 1000);
  private readonly started = new Set<number>();
  private readonly toolCount = new Map<number, number>();
  private readonly finished = new Map<number, FinishReason>();
  private usage?: Usage;

  constructor(private readonly model: string, private readonly provider: string) {}

  private chunk(choices: ChunkChoice[]): ChatChunk {
    return { id: `chatcmpl-${this.id}`, object: 'chat.completion.chunk', created: this.created, model: this.model, choices };
  }

  /** Translates one upstream event into zero or more chunks. */
  event(r: GResponse): ChatChunk[] {
    if (r.error) throw streamError(this.provider, r);
    if (!this.id) this.id = r.responseId || Math.random().toString(36).slice(2, 14);
    if (r.usageMetadata) this.usage = mapUsage(r.usageMetadata);
    const out: ChatChunk[] = [];
    const candidates = r.candidates ?? [];
    if (!candidates.length && r.promptFeedback?.blockReason) {
      this.open(0, out);
      this.finished.set(0, 'content_filter');
      out.push(this.chunk([{ index: 0, delta: {}, finish_reason: 'content_filter' }]));
    }
    candidates.forEach((c, i) => {
      const ci = c.index ?? i;
      this.open(ci, out);
      for (const p of c.content?.parts ?? []) {
        if (typeof p.text === 'string' && p.text) {
          out.push(this.chunk([{ index: ci, delta: p.thought ? { reasoning_content: p.text } : { content: p.text }, finish_reason: null }]));
        } else if (p.functionCall) {
          const index = this.toolCount.get(ci) ?? 0;
          this.toolCount.set(ci, index + 1);
          const id = callId(this.id, ci, index, p.functionCall.id);
          out.push(this.chunk([{ index: ci, delta: { tool_calls: [{ index, id, type: 'function', function: { name: p.functionCall.name, arguments: '' } }] }, finish_reason: null }]));
          out.push(this.chunk([{ index: ci, delta: { tool_calls: [{ index, function: { arguments: JSON.stringify(p.functionCall.args ?? {}) } }] }, finish_reason: null }]));
        }
      }
      if (c.finishReason && !this.finished.has(ci)) {
        const reason = mapFinish(c.finishReason, (this.toolCount.get(ci) ?? 0) > 0);
        this.finished.set(ci, reason);
        out.push(this.chunk([{ index: ci, delta: {}, finish_reason: reason }]));
      }
    });
    return out;
  }

  private open(ci: number, out: ChatChunk[]): void {
    if (this.started.has(ci)) return;
    this.started.add(ci);
    out.push(this.chunk([{ index: ci, delta: { role: 'assistant', content: '' }, finish_reason: null }]));
  }

  get done(): boolean { return this.finished.size > 0 && [...this.started].every((ci) => this.finished.has(ci)); }

  /** The closing usage-only chunk. */
  final(): ChatChunk {
    return { ...this.chunk([]), usage: this.usage ?? mapUsage(undefined) };
  }
}

/** Reads the SSE body and yields canonical chunk batches; errors and truncation are thrown. */
export async function* geminiChunks(res: UpstreamResponse, call: CallContext, transport: HttpTransport, provider: string, model: string): AsyncGenerator<ChatChunk[]> {
  const t = new GeminiStreamTranslator(model, provider);
  let first = true;
  try {
    for await (const batch of sseBatches(res.body)) {
      if (first) { call.upstreamEnd = performance.now(); first = false; }
      const out: ChatChunk[] = [];
      for (const ev of batch) {
        if (!ev.data) continue;
        try {
          let obj: GResponse;
          try {
            obj = JSON.parse(ev.data) as GResponse;
          } catch {
            throw new GatewayError({ status: 502, type: 'upstream_error', code: 'upstream_invalid_stream', message: `${provider}: upstream sent an invalid stream event`, provider });
          }
          out.push(...t.event(obj));
        } catch (err) {
          // Events that arrived in the same read as the error still reach the client, then the error does.
          if (out.length) yield out;
          throw err;
        }
      }
      if (out.length) yield out;
    }
  } catch (err) {
    throw transport.mapTransportError(err, call);
  }
  if (!t.done) {
    throw new GatewayError({ status: 502, type: 'upstream_error', code: 'upstream_stream_truncated', message: `${provider}: upstream stream ended before it finished`, provider });
  }
  yield [t.final()];
}
