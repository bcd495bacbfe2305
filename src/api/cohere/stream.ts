/**
 * Canonical chunk batches -> Cohere v2 stream events (https://docs.cohere.com/v2/docs/streaming), a
 * stateful translator:
 *   message-start (once) · content-start/-delta/-end per text or thinking block · tool-call-start/-delta/-end
 *   per tool call · message-end with finish_reason and usage (written when the canonical stream ends, since
 *   the usage chunk comes after the finish chunk).
 */
import type { GatewayError } from '../../core/errors.js';
import type { ChatChunk, Usage } from '../../core/types.js';
import { sseEvent } from './dialect.js';
import { finishReason, usage } from './from-canonical.js';

type Block = { kind: 'text' | 'thinking'; index: number };

export class CohereStreamWriter {
  private started = false;
  private block: Block | undefined;
  private nextContentIndex = 0;
  /** Canonical tool-call index -> whether its tool-call-end was sent. */
  private readonly tools = new Map<number, boolean>();
  private openTool: number | undefined;
  private finish: string | null = null;
  private usage: Usage | null | undefined;

  /** `fallbackId` names the message when the stream carries no id of its own. */
  constructor(private readonly fallbackId: string) {}

  private start(out: string[], id?: string): void {
    if (this.started) return;
    this.started = true;
    out.push(sseEvent({ id: id || this.fallbackId, type: 'message-start', delta: { message: { role: 'assistant', content: [], tool_plan: '', tool_calls: [], citations: [] } } } as { type: string }));
  }

  private closeBlock(out: string[]): void {
    if (!this.block) return;
    out.push(sseEvent({ type: 'content-end', index: this.block.index } as { type: string }));
    this.block = undefined;
  }

  private closeTool(out: string[]): void {
    if (this.openTool === undefined) return;
    out.push(sseEvent({ type: 'tool-call-end', index: this.openTool } as { type: string }));
    this.tools.set(this.openTool, true);
    this.openTool = undefined;
  }

  private content(kind: Block['kind'], piece: string, out: string[]): void {
    if (this.block?.kind !== kind) {
      this.closeBlock(out);
      this.closeTool(out);
      this.block = { kind, index: this.nextContentIndex++ };
      const empty = kind === 'text' ? { type: 'text', text: '' } : { type: 'thinking', thinking: '' };
      out.push(sseEvent({ type: 'content-start', index: this.block.index, delta: { message: { content: empty } } } as { type: string }));
    }
    const delta = kind === 'text' ? { text: piece } : { thinking: piece };
    out.push(sseEvent({ type: 'content-delta', index: this.block.index, delta: { message: { content: delta } } } as { type: string }));
  }

  /** Translates one batch; returns the SSE text to write ('' when nothing is due yet). */
  push(chunks: ChatChunk[]): string {
    const out: string[] = [];
    this.start(out, chunks[0]?.id);
    for (const chunk of chunks) {
      if (chunk.usage) this.usage = chunk.usage;
      const choice = chunk.choices.find((c) => c.index === 0);
      if (!choice) continue;
      const d = choice.delta;
      if (d.reasoning_content) this.content('thinking', d.reasoning_content, out);
      if (typeof d.content === 'string' && d.content) this.content('text', d.content, out);
      for (const tc of d.tool_calls ?? []) {
        if (!this.tools.has(tc.index)) {
          this.closeBlock(out);
          this.closeTool(out);
          this.tools.set(tc.index, false);
          this.openTool = tc.index;
          out.push(sseEvent({ type: 'tool-call-start', index: tc.index, delta: { message: { tool_calls: { id: tc.id ?? `call_${tc.index}`, type: 'function', function: { name: tc.function?.name ?? '', arguments: '' } } } } } as { type: string }));
        }
        const args = tc.function?.arguments;
        if (args) out.push(sseEvent({ type: 'tool-call-delta', index: tc.index, delta: { message: { tool_calls: { function: { arguments: args } } } } } as { type: string }));
      }
      if (choice.finish_reason) {
        this.closeBlock(out);
        this.closeTool(out);
        this.finish = finishReason(choice.finish_reason);
      }
    }
    return out.join('');
  }

  /** The clean end: close what is open and report finish reason and usage. */
  end(): string {
    const out: string[] = [];
    this.start(out);
    this.closeBlock(out);
    this.closeTool(out);
    out.push(sseEvent({ type: 'message-end', delta: { finish_reason: this.finish ?? 'COMPLETE', usage: usage(this.usage) } } as { type: string }));
    return out.join('');
  }

  /** A failed stream: Cohere reports it as a message-end with finish_reason ERROR and the error message. */
  error(err: GatewayError): string {
    const out: string[] = [];
    this.start(out);
    this.closeBlock(out);
    this.closeTool(out);
    out.push(sseEvent({ type: 'message-end', delta: { finish_reason: 'ERROR', error: err.message, usage: usage(this.usage) } } as { type: string }));
    return out.join('');
  }
}
