/**
 * What every upstream exchange (an undici dispatch handler) shares: it holds the dispatch controller and
 * aborts it when the call is cancelled (client gone, deadline), with the call's reason, so the transport
 * maps the failure to a 499 or 504 and not to a connection error.
 */
import type { Dispatcher } from 'undici';
import type { CallContext } from './types.js';

export abstract class Exchange implements Dispatcher.DispatchHandler {
  protected controller?: Dispatcher.DispatchController;
  protected cancelled = false;
  private settled = false;
  private readonly unhookCancel: () => void;

  constructor(protected readonly call: CallContext) {
    const onCancel = () => { this.cancelled = true; this.controller?.abort(this.reason()); };
    if (call.onCancel) {
      this.unhookCancel = call.onCancel(onCancel);
    } else {
      const signal = call.signal;
      signal.addEventListener('abort', onCancel, { once: true });
      this.unhookCancel = () => signal.removeEventListener('abort', onCancel);
    }
  }

  protected reason(): Error {
    return (this.call.cancelReason ?? this.call.signal.reason) as Error;
  }

  /** The exchange is over (answered or failed): cancelling the call no longer concerns it. */
  protected settle(): void {
    if (this.settled) return;
    this.settled = true;
    this.unhookCancel();
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.cancelled) controller.abort(this.reason());
  }

  abstract onResponseStart(c: Dispatcher.DispatchController, status: number, headers: Record<string, string | string[] | undefined>): void;
  abstract onResponseData(c: Dispatcher.DispatchController, chunk: Buffer): void;
  abstract onResponseEnd(c: Dispatcher.DispatchController, trailers: Record<string, string | string[] | undefined>): void;
  abstract onResponseError(c: Dispatcher.DispatchController, err: Error): void;
}
