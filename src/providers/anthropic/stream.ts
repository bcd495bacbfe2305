/**
 * Anthropic SSE events -> canonical ChatChunk batches with OpenAI chunk semantics: a role chunk first,
 * text as delta.content, thinking as delta.reasoning_content, each tool_use block as a tool call (id and
 * name first, then input_json_delta fragments forwarded one for one, never merged or reordered), a
 * finish_reason chunk at message_delta and one usage-only chunk at message_stop.
 */
import { GatewayError } from '../../core/errors.js';
import type { ChatChunk, ChunkChoice, FinishReason, Usage } from '../../core/types.js';
import { finishReason, toUsage } from './response.js';
import type { AnthropicStreamEvent, AnthropicUsage } from './wire.js';

const STATUS_BY_TYPE: Record<string, number> = {
  invalid_request_error: 400, authentication_error: 401, permission_error: 403, not_found_error: 404,
  request_too_large: 413, rate_limit_error: 429, api_error: 500, timeout_error: 504, overloaded_error: 529,
};

export class AnthropicStreamParser {
  private id = '';
  private model: string;
  private readonly created = Math.floor(Date.now() / 1000);
  private usage: AnthropicUsage = {};
  /** Anthropic content-block index -> canonical tool call index. */
  private readonly toolIndex = new Map<number, number>();
  private tools = 0;
  private finish: FinishReason = null;
  finished = false;

  constructor(private readonly provider: string, model: string) {
    this.model = model;
  }

  private chunk(delta: ChunkChoice['delta'], finish: FinishReason = null): ChatChunk {
    return { id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model, choices: [{ index: 0, delta, finish_reason: finish }] };
  }

  /** Converts one event; pushes the resulting chunks (possibly none) to `out`. */
  push(ev: AnthropicStreamEvent, out: ChatChunk[]): void {
    switch (ev.type) {
      case 'message_start':
        this.id = ev.message.id;
        if (ev.message.model) this.model = ev.message.model;
        this.usage = { ...ev.message.usage };
        out.push(this.chunk({ role: 'assistant', content: '' }));
        return;
      case 'content_block_start': {
        const b = ev.content_block;
        if (b.type === 'tool_use') {
          const index = this.tools++;
          this.toolIndex.set(ev.index, index);
          out.push(this.chunk({ tool_calls: [{ index, id: b.id, type: 'function', function: { name: b.name, arguments: '' } }] }));
        } else if (b.type === 'text' && b.text) {
          out.push(this.chunk({ content: b.text }));
        } else if (b.type === 'thinking' && b.thinking) {
          out.push(this.chunk({ reasoning_content: b.thinking }));
        }
        return;
      }
      case 'content_block_delta': {
        const d = ev.delta;
        if (d.type === 'text_delta' && d.text) out.push(this.chunk({ content: d.text }));
        else if (d.type === 'thinking_delta' && d.thinking) out.push(this.chunk({ reasoning_content: d.thinking }));
        // Extension: the thinking block's signature, so a client can send the block back in the next turn.
        else if (d.type === 'signature_delta' && d.signature) out.push(this.chunk({ reasoning_signature: d.signature }));
        else if (d.type === 'input_json_delta' && d.partial_json) {
          const index = this.toolIndex.get(ev.index);
          if (index === undefined) throw this.invalid(`input_json_delta for block ${ev.index}, which is not a tool_use block`);
          out.push(this.chunk({ tool_calls: [{ index, function: { arguments: d.partial_json } }] }));
        }
        return;
      }
      case 'message_delta':
        // Usage counters in message_delta are cumulative totals: overwrite, never add.
        for (const [k, v] of Object.entries(ev.usage ?? {})) if (v !== null && v !== undefined) (this.usage as Record<string, unknown>)[k] = v;
        if (ev.delta?.stop_reason) {
          this.finish = finishReason(ev.delta.stop_reason);
          out.push(this.chunk({}, this.finish));
        }
        return;
      case 'message_stop':
        this.finished = true;
        if (!this.finish) out.push(this.chunk({}, 'stop'));
        out.push({ id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model, choices: [], usage: this.finalUsage() });
        return;
      case 'error': {
        const e = ev.error ?? {};
        const type = e.type ?? 'api_error';
        throw new GatewayError({
          status: STATUS_BY_TYPE[type] ?? 502, type, code: 'upstream_stream_error',
          message: `${this.provider}: ${e.message ?? 'upstream stream error'}`, provider: this.provider, upstreamBody: ev,
        });
      }
      default:
        // ping, content_block_stop and event types added later carry nothing the canonical stream needs.
        return;
    }
  }

  finalUsage(): Usage {
    return toUsage(this.usage);
  }

  private invalid(why: string): GatewayError {
    return new GatewayError({ status: 502, type: 'upstream_error', code: 'upstream_invalid_stream', message: `${this.provider}: invalid stream (${why})`, provider: this.provider });
  }
}
