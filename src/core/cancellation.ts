/**
 * Cancellation as plain callbacks, with an AbortSignal made only when something reads it. Shared by a
 * request (RequestState) and each upstream attempt (AttemptCall): most are never cancelled, and an
 * AbortController (an EventTarget) plus listeners per request was a visible share of the per-request CPU.
 */
export class Cancellation {
  reason?: unknown;
  private ctl?: AbortController;
  private hooks?: Array<() => void>;
  private cancelled = false;

  /** An AbortSignal that fires on cancellation (created on first use). */
  get signal(): AbortSignal {
    if (!this.ctl) {
      this.ctl = new AbortController();
      if (this.cancelled) this.ctl.abort(this.reason);
    }
    return this.ctl.signal;
  }

  get isCancelled(): boolean { return this.cancelled; }

  /** Fires the signal (if made) and every callback, once. */
  cancel(reason?: unknown): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.reason = reason;
    this.ctl?.abort(reason);
    const hooks = this.hooks;
    this.hooks = undefined;
    if (hooks) for (const fn of hooks) fn();
  }

  /** Runs `fn` on cancellation (at once if already cancelled); returns a function that unregisters it. */
  onCancel(fn: () => void): () => void {
    if (this.cancelled) {
      fn();
      return () => {};
    }
    (this.hooks ??= []).push(fn);
    return () => {
      const hooks = this.hooks;
      const i = hooks ? hooks.indexOf(fn) : -1;
      if (i >= 0) hooks!.splice(i, 1);
    };
  }
}
