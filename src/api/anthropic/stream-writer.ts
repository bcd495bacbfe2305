/**
 * Canonical ChatChunk batches -> the Anthropic SSE event sequence, as documented
 * (https://docs.anthropic.com/en/docs/build-with-claude/streaming): message_start; per content block
 * content_block_start, content_block_delta (text_delta / thinking_delta / input_json_delta),
 * content_block_stop; then message_delta (stop_reason, usage) and message_stop.
 *
 * Blocks are sequential, as Anthropic sends them: a new kind of delta (or a new tool call) closes the
 * open block. Tool-call argument fragments are forwarded one for one and in order as input_json_delta,
 * so the client reassembles the input exactly. Should an upstream interleave fragments of parallel
 * tool calls, a fragment of an already closed call is still sent with that call's block index (never
 * dropped): the SDKs accumulate deltas by index.
 */
import type { ChatChunk, FinishReason, Usage } from '../../core/types.js';
import { sseEvent } from './dialect.js';
import { messageId, stopReason, usageOut } from './to-message.js';

type Open = { kind: 'text' | 'thinking'; index: number } | { kind: 'tool'; index: number; tool: number };

export class AnthropicStreamWriter {
  private started = false;
  private next = 0;
  private open?: Open;
  /** Signature of the open thinking block (extension delta `reasoning_signature` from Anthropic upstreams). */
  private signature = '';
  /** Canonical tool-call index -> Anthropic block index. */
  private readonly toolBlocks = new Map<number, number>();
  private finish: FinishReason = null;
  private usage?: Usage | null;

  constructor(private readonly model: string) {}

  private start(chunk: ChatChunk): string {
    this.started = true;
    return sseEvent({
      type: 'message_start',
      message: {
        id: messageId(chunk.id), type: 'message', role: 'assistant', model: this.model, content: [],
        stop_reason: null, stop_sequence: null, usage: { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
      },
    });
  }

  private close(): string {
    const o = this.open;
    if (!o) return '';
    this.open = undefined;
    let s = '';
    // Anthropic ends a thinking block with its signature; a non-Anthropic upstream has none to give.
    if (o.kind === 'thinking') s += sseEvent({ type: 'content_block_delta', index: o.index, delta: { type: 'signature_delta', signature: this.signature } });
    this.signature = '';
    return s + sseEvent({ type: 'content_block_stop', index: o.index });
  }

  private ensure(kind: 'text' | 'thinking'): string {
    if (this.open?.kind === kind) return '';
    let s = this.close();
    const index = this.next++;
    this.open = { kind, index };
    const block = kind === 'text' ? { type: 'text', text: '' } : { type: 'thinking', thinking: '', signature: '' };
    s += sseEvent({ type: 'content_block_start', index, content_block: block });
    return s;
  }

  /** Converts one batch of canonical chunks to SSE text. */
  write(chunks: ChatChunk[]): string {
    let s = '';
    for (const chunk of chunks) {
      if (!this.started) s += this.start(chunk);
      if (chunk.usage) this.usage = chunk.usage;
      const choice = chunk.choices[0];
      if (!choice) continue;
      const d = choice.delta ?? {};
      if (d.reasoning_content) {
        s += this.ensure('thinking');
        s += sseEvent({ type: 'content_block_delta', index: this.open!.index, delta: { type: 'thinking_delta', thinking: d.reasoning_content } });
      }
      if (typeof d.reasoning_signature === 'string' && this.open?.kind === 'thinking') this.signature += d.reasoning_signature;
      if (typeof d.content === 'string' && d.content) {
        s += this.ensure('text');
        s += sseEvent({ type: 'content_block_delta', index: this.open!.index, delta: { type: 'text_delta', text: d.content } });
      }
      for (const tc of d.tool_calls ?? []) {
        let block = this.toolBlocks.get(tc.index);
        if (block === undefined) {
          s += this.close();
          block = this.next++;
          this.toolBlocks.set(tc.index, block);
          this.open = { kind: 'tool', index: block, tool: tc.index };
          s += sseEvent({
            type: 'content_block_start', index: block,
            content_block: { type: 'tool_use', id: tc.id ?? `toolu_${block}`, name: tc.function?.name ?? '', input: {} },
          });
        }
        const frag = tc.function?.arguments;
        if (frag) s += sseEvent({ type: 'content_block_delta', index: block, delta: { type: 'input_json_delta', partial_json: frag } });
      }
      if (choice.finish_reason) {
        this.finish = choice.finish_reason;
        s += this.close();
      }
    }
    return s;
  }

  /** The closing events: message_delta with stop_reason and the final usage, then message_stop. */
  end(): string {
    let s = this.started ? '' : this.start({ id: '', object: 'chat.completion.chunk', created: 0, model: this.model, choices: [] });
    s += this.close();
    const u = usageOut(this.usage);
    s += sseEvent({ type: 'message_delta', delta: { stop_reason: stopReason(this.finish), stop_sequence: null }, usage: u });
    s += sseEvent({ type: 'message_stop' });
    return s;
  }
}
