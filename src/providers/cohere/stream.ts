/**
 * Cohere v2 chat stream -> canonical ChatChunk batches (events: https://docs.cohere.com/v2/docs/streaming).
 *   message-start              -> delta {role:'assistant', content:''}
 *   content-delta (text)       -> delta.content; (thinking) -> delta.reasoning_content
 *   tool-plan-delta            -> delta.content (the plan is the text before the tool calls)
 *   tool-call-start            -> delta.tool_calls [{index, id, type, function:{name, arguments:''}}]
 *   tool-call-delta            -> delta.tool_calls [{index, function:{arguments:<fragment>}}]
 *   message-end                -> finish_reason chunk, then one usage-only chunk {choices: [], usage}
 * Citation events and content-start/-end carry nothing the canonical stream has. A message-end with an
 * error, an error finish reason or a body that ends without message-end throws a GatewayError.
 */
import { GatewayError } from '../../core/errors.js';
import type { ChatChunk, ChunkChoice } from '../../core/types.js';
import { mapFinishReason, mapUsage } from './response.js';
import type { CohereStreamEvent } from './wire.js';

export class CohereStreamTranslator {
  private id = '';
  private readonly created = Math.floor(Date.now() / 1000);
  /** Cohere tool-call index -> canonical tool_calls index. */
  private readonly toolIndex = new Map<number, number>();
  finished = false;

  constructor(private readonly model: string, private readonly provider: string) {}

  private chunk(delta: ChunkChoice['delta'], finish: ChunkChoice['finish_reason'] = null): ChatChunk {
    return { id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model, choices: [{ index: 0, delta, finish_reason: finish }] };
  }

  /** Translates one event; returns the chunks it produced (possibly none). */
  translate(ev: CohereStreamEvent, out: ChatChunk[]): void {
    const msg = ev.delta?.message;
    switch (ev.type) {
      case 'message-start':
        this.id = ev.id ?? this.id;
        out.push(this.chunk({ role: 'assistant', content: '' }));
        return;
      case 'content-delta': {
        const c = msg?.content;
        if (typeof c?.text === 'string' && c.text) out.push(this.chunk({ content: c.text }));
        else if (typeof c?.thinking === 'string' && c.thinking) out.push(this.chunk({ reasoning_content: c.thinking }));
        return;
      }
      case 'tool-plan-delta':
        if (msg?.tool_plan) out.push(this.chunk({ content: msg.tool_plan }));
        return;
      case 'tool-call-start': {
        const tc = msg?.tool_calls;
        const index = this.toolIndex.size;
        this.toolIndex.set(ev.index ?? index, index);
        out.push(this.chunk({ tool_calls: [{ index, id: tc?.id ?? `call_${index}`, type: 'function', function: { name: tc?.function?.name ?? '', arguments: '' } }] }));
        const first = tc?.function?.arguments;
        if (first) out.push(this.chunk({ tool_calls: [{ index, function: { arguments: first } }] }));
        return;
      }
      case 'tool-call-delta': {
        const frag = msg?.tool_calls?.function?.arguments;
        const index = this.toolIndex.get(ev.index ?? this.toolIndex.size - 1) ?? Math.max(0, this.toolIndex.size - 1);
        if (frag) out.push(this.chunk({ tool_calls: [{ index, function: { arguments: frag } }] }));
        return;
      }
      case 'message-end': {
        const d = ev.delta ?? {};
        if (d.error) {
          throw new GatewayError({ status: 502, type: 'upstream_error', code: 'upstream_stream_error', message: `${this.provider}: ${d.error}`, provider: this.provider, upstreamBody: ev });
        }
        out.push(this.chunk({}, mapFinishReason(d.finish_reason, this.provider)));
        const usage = mapUsage(d.usage) ?? { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
        out.push({ id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model, choices: [], usage });
        this.finished = true;
        return;
      }
      default:
        return;
    }
  }
}
