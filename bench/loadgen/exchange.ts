/**
 * One request/response, driven by undici's dispatch handler interface: no promise, no stream object, no
 * body buffering — just timestamps and a byte count — so the generator stays cheap at thousands of RPS.
 */
import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';

/** Called once per exchange when it finished, successfully or not. */
export interface ExchangeSink {
  done(ex: Exchange): void;
}

export class Exchange implements Dispatcher.DispatchHandler {
  /** when the request should have been sent (open loop) or was sent (closed loop), performance.now() ms */
  scheduledAt = 0;
  sentAt = 0;
  firstByteAt = 0;
  endAt = 0;
  status = 0;
  bytes = 0;
  headerValue = NaN;
  error: string | null = null;

  constructor(private readonly sink: ExchangeSink, private readonly headerName: string | undefined, readonly measured: boolean) {}

  onRequestStart(): void {}

  onResponseStart(_c: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    this.status = statusCode;
    if (this.headerName) {
      const v = headers[this.headerName];
      if (typeof v === 'string') this.headerValue = Number(v);
    }
  }

  onResponseData(_c: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.bytes === 0) this.firstByteAt = performance.now();
    this.bytes += chunk.length;
  }

  onResponseEnd(): void {
    this.endAt = performance.now();
    if (this.firstByteAt === 0) this.firstByteAt = this.endAt;
    this.sink.done(this);
  }

  onResponseError(_c: Dispatcher.DispatchController, err: Error): void {
    this.endAt = performance.now();
    this.error = errorKind(err);
    this.sink.done(this);
  }
}

function errorKind(err: Error): string {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : err.name || 'Error';
}
