/**
 * What the pipeline knows about one request, independent of the HTTP server: identity, timing, the
 * provider/model that served it, usage, and cancellation. The HTTP layer extends it with the socket.
 */
import { performance } from 'node:perf_hooks';
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

  constructor(readonly requestId: string, readonly route: string) {}

  setHeader(name: string, value: string): void {
    this.headers.push(name, value);
  }

  // Cancellation without an AbortController per request: most requests are never cancelled, and creating
  // one (an EventTarget) plus listeners on it was a visible share of the per-request CPU. The signal is made
  // on first use (waits that need one); everything else registers a plain callback with onCancel().
  private ctl?: AbortController;
  private cancelHooks?: Array<() => void>;
  private cancelled = false;

  /** An AbortSignal that fires when the request is cancelled (created on first use). */
  get signal(): AbortSignal {
    if (!this.ctl) {
      this.ctl = new AbortController();
      if (this.cancelled) this.ctl.abort();
    }
    return this.ctl.signal;
  }

  /** The client went away (or the request was otherwise cancelled). */
  get isCancelled(): boolean { return this.cancelled; }

  /** Cancels the request's remaining work: fires the signal and every onCancel callback, once. */
  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.ctl?.abort();
    const hooks = this.cancelHooks;
    this.cancelHooks = undefined;
    if (hooks) for (const fn of hooks) fn();
  }

  /** Runs `fn` on cancellation (at once if already cancelled); returns a function that unregisters it. */
  onCancel(fn: () => void): () => void {
    if (this.cancelled) {
      fn();
      return () => {};
    }
    (this.cancelHooks ??= []).push(fn);
    return () => {
      const hooks = this.cancelHooks;
      const i = hooks ? hooks.indexOf(fn) : -1;
      if (i >= 0) hooks!.splice(i, 1);
    };
  }

  /** Microseconds spent inside the gateway so far, upstream time excluded. */
  overheadUs(now = performance.now()): number {
    const us = Math.round((now - this.start - this.upstreamMs) * 1000);
    return us > 0 ? us : 0;
  }

  addUpstream(start: number, end: number): void {
    if (end > start) this.upstreamMs += end - start;
  }
}
