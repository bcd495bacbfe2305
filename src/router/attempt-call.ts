/**
 * One upstream attempt's CallContext. It is cancelled when the client goes away or when the attempt's
 * total time is up (then with a TimeoutError reason, which the transport maps to 504). Like RequestState,
 * it keeps cancellation as plain callbacks and makes an AbortSignal only when something reads `signal`
 * (streaming readers, SDK-style calls): the non-streaming path registers a callback and never needs one.
 * Creating AbortControllers and EventTarget listeners per request was a visible share of its CPU.
 */
import type { RequestState } from '../core/request-state.js';
import type { CallContext } from '../providers/index.js';

export interface AttemptSettings {
  headers?: Record<string, string>;
  dropParams?: boolean;
  firstByteTimeoutMs?: number;
  streamIdleTimeoutMs?: number;
  /** Total time for the attempt; 0/undefined: no deadline of its own. */
  totalMs?: number;
}

export class AttemptCall implements CallContext {
  readonly requestId: string;
  readonly headers?: Record<string, string>;
  readonly dropParams?: boolean;
  readonly dropped: string[] = [];
  readonly firstByteTimeoutMs?: number;
  readonly streamIdleTimeoutMs?: number;
  upstreamStart = 0;
  upstreamEnd = 0;
  cancelReason?: unknown;
  private ctl?: AbortController;
  private hooks?: Array<() => void>;
  private cancelled = false;
  private readonly timer?: NodeJS.Timeout;
  private readonly unhook: () => void;

  constructor(st: RequestState, s: AttemptSettings) {
    this.requestId = st.requestId;
    this.headers = s.headers;
    this.dropParams = s.dropParams;
    this.firstByteTimeoutMs = s.firstByteTimeoutMs;
    this.streamIdleTimeoutMs = s.streamIdleTimeoutMs;
    this.unhook = st.onCancel(() => this.cancel(new DOMException('The client closed the request.', 'AbortError')));
    if (s.totalMs && !this.cancelled) {
      this.timer = setTimeout(() => this.cancel(new DOMException('The operation timed out.', 'TimeoutError')), s.totalMs);
    }
  }

  get signal(): AbortSignal {
    if (!this.ctl) {
      this.ctl = new AbortController();
      if (this.cancelled) this.ctl.abort(this.cancelReason);
    }
    return this.ctl.signal;
  }

  get isCancelled(): boolean { return this.cancelled; }

  onCancel(fn: () => void): () => void {
    if (this.cancelled) {
      fn();
      return () => {};
    }
    (this.hooks ??= []).push(fn);
    return () => {
      const h = this.hooks;
      const i = h ? h.indexOf(fn) : -1;
      if (i >= 0) h!.splice(i, 1);
    };
  }

  private cancel(reason: unknown): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.cancelReason = reason;
    this.ctl?.abort(reason);
    const h = this.hooks;
    this.hooks = undefined;
    if (h) for (const fn of h) fn();
  }

  /** The attempt is over: its timer and its hook on the request are released. */
  dispose(): void {
    clearTimeout(this.timer);
    this.unhook();
  }
}
