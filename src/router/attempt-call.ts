/**
 * One upstream attempt's CallContext. It is cancelled when the client goes away or when the attempt's
 * total time is up (then with a TimeoutError reason, which the transport maps to 504). Like RequestState,
 * it keeps cancellation as plain callbacks and makes an AbortSignal only when something reads `signal`
 * (streaming readers, SDK-style calls): the non-streaming path registers a callback and never needs one.
 * Creating AbortControllers and EventTarget listeners per request was a visible share of its CPU.
 */
import { Cancellation } from '../core/cancellation.js';
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
  private readonly cancellation = new Cancellation();
  private readonly timer?: NodeJS.Timeout;
  private readonly unhook: () => void;

  constructor(st: RequestState, s: AttemptSettings) {
    this.requestId = st.requestId;
    this.headers = s.headers;
    this.dropParams = s.dropParams;
    this.firstByteTimeoutMs = s.firstByteTimeoutMs;
    this.streamIdleTimeoutMs = s.streamIdleTimeoutMs;
    this.unhook = st.onCancel(() => this.cancel(new DOMException('The client closed the request.', 'AbortError')));
    if (s.totalMs && !this.cancellation.isCancelled) {
      this.timer = setTimeout(() => this.cancel(new DOMException('The operation timed out.', 'TimeoutError')), s.totalMs);
    }
  }

  get signal(): AbortSignal { return this.cancellation.signal; }
  get isCancelled(): boolean { return this.cancellation.isCancelled; }
  /** Why the attempt was cancelled (a TimeoutError when its total time ran out). */
  get cancelReason(): unknown { return this.cancellation.reason; }
  onCancel(fn: () => void): () => void { return this.cancellation.onCancel(fn); }

  private cancel(reason: unknown): void { this.cancellation.cancel(reason); }

  /** The attempt is over: its timer and its hook on the request are released. */
  dispose(): void {
    clearTimeout(this.timer);
    this.unhook();
  }
}
