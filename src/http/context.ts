/**
 * One HTTP exchange on the uWS data plane. uWS responses may only be touched until they are aborted,
 * and writes from async code must be corked; this class owns those rules so handlers do not have to.
 */
import type { HttpResponse } from 'uWebSockets.js';
import { GatewayError } from '../core/errors.js';
import { RequestState } from '../core/request-state.js';

/** How a family of routes renders errors (each ingress dialect has its own error shape). */
export interface Dialect {
  readonly name: string;
  errorBody(err: GatewayError): string;
  /** Extra headers an error carries in this dialect (e.g. Bedrock's x-amzn-errortype). */
  errorHeaders?(err: GatewayError): Array<[string, string]>;
}

export interface ContextHooks {
  onFinish(ctx: HttpContext): void;
  isDraining(): boolean;
}

export class HttpContext extends RequestState {
  aborted = false;
  /** Status line and headers have been written. */
  headersSent = false;
  /** The response is complete (or the client went away). */
  done = false;
  private writableWaiter?: () => void;

  constructor(
    readonly res: HttpResponse,
    requestId: string,
    route: string,
    readonly dialect: Dialect,
    private readonly hooks: ContextHooks,
  ) {
    super(requestId, route);
    res.onAborted(() => this.onAborted());
  }

  /** Close the connection after this response (body not read to the end, or the node is draining). */
  forceClose = false;
  /** A non-gateway exception caught for this request (logged, never sent to the client). */
  internalError?: unknown;

  get closeConnection(): boolean { return this.forceClose || this.hooks.isDraining(); }

  private onAborted(): void {
    this.aborted = true;
    if (!this.done) this.status = this.status || 499;
    this.cancel();
    const w = this.writableWaiter;
    this.writableWaiter = undefined;
    w?.();
    this.finish();
  }

  /** Resolves when uWS drained its buffer for this response (or the client went away). */
  waitWritable(): Promise<void> {
    if (this.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      this.writableWaiter = resolve;
      this.res.onWritable(() => {
        const w = this.writableWaiter;
        this.writableWaiter = undefined;
        w?.();
        return true;
      });
    });
  }

  finish(): void {
    if (this.done) return;
    this.done = true;
    this.hooks.onFinish(this);
  }
}
