/**
 * The built-in `mock` provider: answers in-process, without network or key, so a default node works out
 * of the box and benchmarks have an in-process floor. Latency is configurable (`latency_ms`).
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { GatewayError } from '../../core/errors.js';
import type {
  ChatChunk, ChatRequest, ChatResponse, CompletionRequest, CompletionResponse, EmbeddingsRequest, EmbeddingsResponse, Usage,
} from '../../core/types.js';
import type { ResolvedProvider } from '../../config/index.js';
import type { ProviderKind } from '../catalog.js';
import type { CallContext, ChunkStream, CompletionChunk, Provider } from '../types.js';
import { countWords, mockEmbedding, mockText, mockToolCalls, promptTokens, streamPieces } from './content.js';

const MODELS = ['echo', 'echo-large', 'embed'];

let counter = 0;
const nextId = (prefix: string) => `${prefix}-mock${(++counter).toString(36)}`;
const now = () => Math.floor(Date.now() / 1000);

function usage(prompt: number, completion: number): Usage {
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion, prompt_tokens_details: { cached_tokens: 0 } };
}

export class MockProvider implements Provider {
  constructor(readonly config: ResolvedProvider, readonly kind: ProviderKind) {}

  get name(): string { return this.config.name; }

  private async wait(call: CallContext): Promise<void> {
    call.upstreamStart = performance.now();
    if (this.config.latencyMs > 0) {
      try {
        await sleep(this.config.latencyMs, undefined, { signal: call.signal });
      } catch {
        throw new GatewayError({ status: 499, type: 'api_error', code: 'client_closed_request', message: 'client closed the request', provider: this.name });
      }
    }
    call.upstreamEnd = performance.now();
  }

  async chat(req: ChatRequest, model: string, call: CallContext): Promise<ChatResponse> {
    await this.wait(call);
    const id = nextId('chatcmpl');
    const calls = mockToolCalls(req, id);
    const text = calls ? null : mockText(req);
    const completion = calls ? calls.reduce((n, c) => n + countWords(c.function.arguments), 0) : countWords(text!);
    const n = req.n ?? 1;
    return {
      id, object: 'chat.completion', created: now(), model,
      choices: Array.from({ length: n }, (_, index) => ({
        index,
        message: calls ? { role: 'assistant' as const, content: null, tool_calls: calls } : { role: 'assistant' as const, content: text },
        finish_reason: calls ? 'tool_calls' as const : 'stop' as const,
        logprobs: null,
      })),
      usage: usage(promptTokens(req), completion * n),
      system_fingerprint: 'switchyard-mock',
    };
  }

  async chatStream(req: ChatRequest, model: string, call: CallContext): Promise<ChunkStream<ChatChunk>> {
    await this.wait(call);
    const id = nextId('chatcmpl');
    const created = now();
    const calls = mockToolCalls(req, id);
    const chunk = (delta: ChatChunk['choices'][0]['delta'], finish: ChatChunk['choices'][0]['finish_reason'] = null): ChatChunk =>
      ({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finish }] });
    const batches: ChatChunk[][] = [[chunk({ role: 'assistant', content: calls ? null : '' })]];
    let completion = 0;
    if (calls) {
      calls.forEach((c, index) => {
        batches.push([chunk({ tool_calls: [{ index, id: c.id, type: 'function', function: { name: c.function.name, arguments: '' } }] })]);
        for (const piece of c.function.arguments.match(/.{1,8}/gsu) ?? []) {
          batches.push([chunk({ tool_calls: [{ index, function: { arguments: piece } }] })]);
        }
        completion += countWords(c.function.arguments);
      });
    } else {
      const text = mockText(req);
      for (const piece of streamPieces(text)) batches.push([chunk({ content: piece })]);
      completion = countWords(text);
    }
    batches.push([chunk({}, calls ? 'tool_calls' : 'stop')]);
    batches.push([{ id, object: 'chat.completion.chunk', created, model, choices: [], usage: usage(promptTokens(req), completion) }]);
    const signal = call.signal;
    return (async function* () {
      for (const b of batches) {
        if (signal.aborted) return;
        yield b;
      }
    })();
  }

  async completions(req: CompletionRequest, model: string, call: CallContext): Promise<CompletionResponse> {
    await this.wait(call);
    const prompt = Array.isArray(req.prompt) ? req.prompt.join(' ') : String(req.prompt);
    const text = `Switchyard mock reply to: ${prompt}`;
    return {
      id: nextId('cmpl'), object: 'text_completion', created: now(), model,
      choices: [{ index: 0, text, finish_reason: 'stop', logprobs: null }],
      usage: usage(Math.max(1, countWords(prompt)), countWords(text)),
    };
  }

  async completionsStream(req: CompletionRequest, model: string, call: CallContext): Promise<ChunkStream<CompletionChunk>> {
    const full = await this.completions(req, model, call);
    const base = { id: full.id, object: 'text_completion' as const, created: full.created, model };
    const pieces = streamPieces(full.choices[0].text);
    const batches: CompletionChunk[][] = pieces.map((text) => [{ ...base, choices: [{ index: 0, text, finish_reason: null, logprobs: null }] }]);
    batches.push([{ ...base, choices: [{ index: 0, text: '', finish_reason: 'stop', logprobs: null }] }]);
    batches.push([{ ...base, choices: [], usage: full.usage }]);
    return (async function* () { yield* batches; })();
  }

  async embeddings(req: EmbeddingsRequest, model: string, call: CallContext): Promise<EmbeddingsResponse> {
    await this.wait(call);
    const inputs = typeof req.input === 'string' ? [req.input]
      : (req.input as unknown[]).map((x) => (typeof x === 'string' ? x : JSON.stringify(x)));
    const dims = req.dimensions ?? 8;
    let tokens = 0;
    const data = inputs.map((text, index) => {
      tokens += Math.max(1, countWords(text));
      const vec = mockEmbedding(text, dims);
      const embedding = req.encoding_format === 'base64' ? Buffer.from(new Float32Array(vec).buffer).toString('base64') : vec;
      return { object: 'embedding' as const, index, embedding };
    });
    return { object: 'list', data, model, usage: { prompt_tokens: tokens, total_tokens: tokens } };
  }

  async listModels(): Promise<string[]> {
    return this.config.models ?? MODELS;
  }

  async close(): Promise<void> {}
}
