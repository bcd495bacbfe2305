/**
 * What the pipeline knows about one request, independent of the HTTP server: identity, timing, the
 * provider/model that served it, usage, and cancellation. The HTTP layer extends it with the socket.
 */
import { performance } from 'node:perf_hooks';
import { Cancellation } from './cancellation.js';
import type { GatewayError } from './errors.js';
import type { Usage } from './types.js';

export class RequestState {
  readonly start = performance.now();
  provider?: string;
  model?: string;
  /** Milliseconds spent waiting for upstreams (all attempts); subtracted from the gateway overhead. */
  upstreamMs = 0;
  /** Milliseconds from arrival to the first streamed event. */
  ttftMs?: number;
  usage?: Usage;
  stream = false;
  /** The request body is large enough that the pipeline gives way between its costly steps (give-way.ts). */
  largeBody = false;
  status = 0;
  error?: GatewayError;
  /** Routing facts reported in x-switchyard-deployment / -retries / -fallback-index. */
  deployment?: string;
  retries?: number;
  fallbackIndex?: number;
  /** Request parameters the provider dropped because it does not support them (drop_params). */
  droppedParams?: string[];
  /** The overhead reported in x-switchyard-overhead-us when the response headers were written. */
  reportedOverheadUs?: number;

  /** Extra response headers as a flat [name, value, name, value, ...] list. */
  readonly headers: string[] = [];
  /** The key headers the client sent (read by governance). */
  credentials?: { authorization?: string; xApiKey?: string; xGoogApiKey?: string; apiKey?: string };
  /** Who is calling (set by governance after authentication). */
  principal?: { keyId: string; keyName: string; teamId?: string; customerId?: string };
  /** Cost of the request in USD (set by governance at settlement). */
  costUsd?: number;
  /**
   * The generation of provider instances current when the request started (set by the worker's provider
   * reloader, which closes a replaced generation once its requests are done); -1 when not tracked.
   * A field rather than a WeakMap entry per request: cheaper to set, and no ephemeron for the GC to trace.
   */
  providerGeneration = -1;

  constructor(readonly requestId: string, readonly route: string) {}

  setHeader(name: string, value: string): void {
    this.headers.push(name, value);
  }

  /** Cancellation (the client went away): callbacks, and a signal made on first use (see core/cancellation.ts). */
  private readonly cancellation = new Cancellation();
  get signal(): AbortSignal { return this.cancellation.signal; }
  get isCancelled(): boolean { return this.cancellation.isCancelled; }
  cancel(): void { this.cancellation.cancel(); }
  onCancel(fn: () => void): () => void { return this.cancellation.onCancel(fn); }

  /** Microseconds spent inside the gateway so far, upstream time excluded. */
  overheadUs(now = performance.now()): number {
    const us = Math.round((now - this.start - this.upstreamMs) * 1000);
    return us > 0 ? us : 0;
  }

  addUpstream(start: number, end: number): void {
    if (end > start) this.upstreamMs += end - start;
  }
}
