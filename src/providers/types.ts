import type {
  ChatChunk, ChatRequest, ChatResponse, CompletionRequest, CompletionResponse, EmbeddingsRequest, EmbeddingsResponse,
} from '../core/types.js';
import type { ResolvedProvider } from '../config/index.js';
import type { ProviderKind } from './catalog.js';

/**
 * Per-call facts shared between the pipeline and a provider. The provider stamps the upstream timing so
 * the pipeline can report the time spent inside the gateway with the upstream's share taken out.
 */
export interface CallContext {
  signal: AbortSignal;
  /** Releases the attempt's timer and listeners (set by the router; called when the attempt ends). */
  dispose?: () => void;
  /**
   * Cancellation as a callback (the router's calls have it): cheaper than listening on `signal`, which may
   * then never be created. Returns a function that unregisters `fn`.
   */
  onCancel?: (fn: () => void) => () => void;
  /** Why the call was cancelled (a TimeoutError when its total time ran out), once it was. */
  cancelReason?: unknown;
  requestId: string;
  /** Extra headers for the upstream request (trace context, passthrough headers). */
  headers?: Record<string, string>;
  /** Drop parameters the upstream does not support instead of rejecting the request (`drop_params`). */
  dropParams?: boolean;
  /** Parameters the provider dropped; reported in x-switchyard-dropped-params. */
  dropped?: string[];
  /** Time to the upstream's response headers, and longest silence inside a body/stream (undici timeouts). */
  firstByteTimeoutMs?: number;
  streamIdleTimeoutMs?: number;
  /** performance.now() when the upstream request was dispatched. */
  upstreamStart: number;
  /** performance.now() when the upstream answer (whole body, or first stream event) was in hand. */
  upstreamEnd: number;
}

/** A stream arrives in batches: all events parsed from one upstream read, so they are written at once. */
export type ChunkStream<T> = AsyncIterable<T[]>;

export interface CompletionChunk {
  id: string;
  object: 'text_completion';
  created: number;
  model: string;
  choices: Array<{ index: number; text: string; finish_reason: string | null; logprobs: unknown }>;
  usage?: ChatResponse['usage'] | null;
}

/** An upstream's connections as one worker holds them (read by the metrics at scrape time). */
export interface UpstreamConnections {
  /** HTTP/1.1 sockets or HTTP/2 sessions, open or being opened. */
  open: number;
  /** Requests waiting for a connection because `max_connections` are busy. */
  waiting: number;
}

export interface Provider {
  readonly name: string;
  readonly kind: ProviderKind;
  readonly config: ResolvedProvider;
  chat(req: ChatRequest, model: string, call: CallContext): Promise<ChatResponse>;
  /** Resolves once the upstream accepted the request (status 2xx); rejects with a mapped GatewayError otherwise. */
  chatStream(req: ChatRequest, model: string, call: CallContext): Promise<ChunkStream<ChatChunk>>;
  completions(req: CompletionRequest, model: string, call: CallContext): Promise<CompletionResponse>;
  completionsStream(req: CompletionRequest, model: string, call: CallContext): Promise<ChunkStream<CompletionChunk>>;
  embeddings(req: EmbeddingsRequest, model: string, call: CallContext): Promise<EmbeddingsResponse>;
  listModels(call: CallContext): Promise<string[]>;
  /** Exact input token count from the upstream, where it has an endpoint for it (Anthropic). */
  countTokens?(req: ChatRequest, model: string, call: CallContext): Promise<number>;
  /** Absent for providers without an HTTP upstream (the built-in mock). */
  connections?(): UpstreamConnections;
  close(): Promise<void>;
}
