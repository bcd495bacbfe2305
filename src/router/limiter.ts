/**
 * Per-deployment concurrency limit with a bounded FIFO queue. When the queue is full the caller gets a
 * 429 with Retry-After at once, so memory stays bounded whatever the load.
 */
import { GatewayError } from '../core/errors.js';

export type Release = () => void;

interface Waiter { grant: (r: Release) => void; fail: (e: GatewayError) => void; timer: NodeJS.Timeout; onAbort: () => void; signal: AbortSignal }

export class ConcurrencyLimiter {
  active = 0;
  private readonly queue: Waiter[] = [];

  constructor(readonly id: string, private readonly limit: number, private readonly queueSize: number, private readonly queueTimeoutMs: number) {}

  get queued(): number { return this.queue.length; }

  private release = (): void => {
    const next = this.queue.shift();
    if (next) {
      clearTimeout(next.timer);
      next.signal.removeEventListener('abort', next.onAbort);
      next.grant(this.releaseOnce());
    } else {
      this.active--;
    }
  };

  private releaseOnce(): Release {
    let done = false;
    return () => { if (!done) { done = true; this.release(); } };
  }

  /** Resolves with a release function; rejects with 429 when the queue is full or the wait times out. */
  acquire(owner: { readonly signal: AbortSignal }): Promise<Release> | Release {
    if (this.active < this.limit) {
      this.active++;
      return this.releaseOnce();
    }
    if (this.queue.length >= this.queueSize) throw this.busy('queue_full');
    // Only a queued request needs the signal (reading it may create it: see RequestState.signal).
    const signal = owner.signal;
    return new Promise<Release>((grant, fail) => {
      const w: Waiter = {
        grant, fail, signal,
        timer: setTimeout(() => { this.drop(w); fail(this.busy('queue_timeout')); }, this.queueTimeoutMs),
        onAbort: () => { this.drop(w); fail(new GatewayError({ status: 499, type: 'api_error', code: 'client_closed_request', message: 'client closed the request' })); },
      };
      signal.addEventListener('abort', w.onAbort, { once: true });
      this.queue.push(w);
    });
  }

  private drop(w: Waiter): void {
    const i = this.queue.indexOf(w);
    if (i >= 0) this.queue.splice(i, 1);
    clearTimeout(w.timer);
    w.signal.removeEventListener('abort', w.onAbort);
  }

  private busy(code: string): GatewayError {
    return new GatewayError({
      status: 429, type: 'rate_limit_error', code, retryAfter: 1,
      message: `Deployment ${this.id} is at its concurrency limit (${this.limit} in flight, ${this.queueSize} queued). Retry shortly.`,
    });
  }
}
