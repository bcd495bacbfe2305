/**
 * Stateful translator: canonical ChatChunk batches -> ConverseStream events. Content blocks are numbered
 * in order of appearance (text, reasoning, each tool call); a tool call opens its block with
 * contentBlockStart {toolUse: {toolUseId, name}} and sends its argument fragments as toolUse.input deltas.
 * The finish reason closes the open block and becomes messageStop; the usage chunk becomes metadata.
 */
import { performance } from 'node:perf_hooks';
import type { ChatChunk } from '../../core/types.js';
import { eventMessage } from './event-stream.js';
import { stopReason, tokenUsage } from './response.js';

type BlockKind = 'text' | 'reasoning' | 'tool';

export class ConverseStreamEncoder {
  private started = false;
  private open?: { index: number; kind: BlockKind; tool?: number };
  private nextBlock = 0;
  /** OpenAI tool_calls index -> content block index. */
  private readonly toolBlocks = new Map<number, number>();
  private stopped = false;
  private metadataSent = false;

  constructor(private readonly startedAt = performance.now()) {}

  private start(out: Uint8Array[]): void {
    if (this.started) return;
    this.started = true;
    out.push(eventMessage('messageStart', { role: 'assistant' }));
  }

  private close(out: Uint8Array[]): void {
    if (!this.open) return;
    out.push(eventMessage('contentBlockStop', { contentBlockIndex: this.open.index }));
    this.open = undefined;
  }

  private block(kind: 'text' | 'reasoning', out: Uint8Array[]): number {
    if (this.open?.kind === kind) return this.open.index;
    this.close(out);
    this.open = { index: this.nextBlock++, kind };
    return this.open.index;
  }

  encode(chunks: ChatChunk[]): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (const c of chunks) {
      const choice = c.choices.find((x) => x.index === 0);
      if (choice) {
        this.start(out);
        const d = choice.delta ?? {};
        if (typeof d.reasoning_content === 'string' && d.reasoning_content) {
          out.push(eventMessage('contentBlockDelta', { contentBlockIndex: this.block('reasoning', out), delta: { reasoningContent: { text: d.reasoning_content } } }));
        }
        if (typeof d.content === 'string' && d.content) {
          out.push(eventMessage('contentBlockDelta', { contentBlockIndex: this.block('text', out), delta: { text: d.content } }));
        }
        for (const tc of d.tool_calls ?? []) {
          let index = this.toolBlocks.get(tc.index);
          if (index === undefined) {
            this.close(out);
            index = this.nextBlock++;
            this.toolBlocks.set(tc.index, index);
            this.open = { index, kind: 'tool', tool: tc.index };
            out.push(eventMessage('contentBlockStart', { contentBlockIndex: index, start: { toolUse: { toolUseId: tc.id ?? `tooluse_${index}`, name: tc.function?.name ?? '' } } }));
          }
          const args = tc.function?.arguments;
          if (args) out.push(eventMessage('contentBlockDelta', { contentBlockIndex: index, delta: { toolUse: { input: args } } }));
        }
        if (choice.finish_reason && !this.stopped) {
          this.close(out);
          this.stopped = true;
          out.push(eventMessage('messageStop', { stopReason: stopReason(choice.finish_reason) }));
        }
      }
      if (c.usage && !this.metadataSent) {
        this.start(out);
        this.finishMessage(out);
        this.metadataSent = true;
        out.push(eventMessage('metadata', { usage: tokenUsage(c.usage), metrics: { latencyMs: this.latency() } }));
      }
    }
    return out;
  }

  /** Events still owed when the upstream stream ended cleanly (no finish reason or no usage seen). */
  end(): Uint8Array[] {
    const out: Uint8Array[] = [];
    this.start(out);
    this.finishMessage(out);
    if (!this.metadataSent) {
      this.metadataSent = true;
      out.push(eventMessage('metadata', { usage: tokenUsage(undefined), metrics: { latencyMs: this.latency() } }));
    }
    return out;
  }

  private finishMessage(out: Uint8Array[]): void {
    if (this.stopped) return;
    this.close(out);
    this.stopped = true;
    out.push(eventMessage('messageStop', { stopReason: 'end_turn' }));
  }

  private latency(): number {
    return Math.round(performance.now() - this.startedAt);
  }
}
