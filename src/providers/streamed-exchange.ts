/**
 * One upstream exchange whose answer is read as it arrives (every streaming call): an undici dispatch
 * handler that resolves at the response head and hands the body out as an async iterator over the chunks
 * undici delivers. Cheaper than `pool.request()`'s Readable (its events, buffering and promise plumbing)
 * on a path that runs once per upstream read.
 *
 * Each read hands out everything that arrived since the last one, as one chunk (what a Readable's async
 * iterator does too): the writer then forwards it with one write. Backpressure: when the reader falls
 * behind by more than HIGH_WATER bytes the upstream socket is paused, and resumed once the reader has
 * taken what was queued. A reader that stops early (`return()`, e.g. a
 * `break` or an error in a `for await`) aborts the exchange, so the connection is not left half-read.
 */
import type { Dispatcher } from 'undici';
import { Exchange } from './exchange.js';
import type { CallContext } from './types.js';

const HIGH_WATER = 64 * 1024;

type Headers = Record<string, string | string[] | undefined>;

export interface StreamedAnswer {
  status: number;
  headers: Headers;
  body: StreamedBody;
}

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

export class StreamedBody implements AsyncIterable<Uint8Array>, AsyncIterator<Uint8Array> {
  private queue: Buffer[] = [];
  private queued = 0;
  private ended = false;
  private error?: Error;
  private waiter?: { resolve: (r: IteratorResult<Uint8Array>) => void; reject: (e: Error) => void };
  private paused = false;
  private flushing = false;

  constructor(private readonly exchange: StreamedExchange) {}

  /** From the exchange: a chunk arrived. Returns false when the upstream should pause. */
  push(chunk: Buffer): boolean {
    if (this.ended) return true;
    this.queue.push(chunk);
    this.queued += chunk.length;
    // A waiting reader is answered after the current socket read is parsed: chunks that arrived together
    // (an HTTP chunk per SSE event is common) are handed out, and so written to the client, together.
    if (this.waiter && !this.flushing) {
      this.flushing = true;
      queueMicrotask(this.flush);
    }
    if (this.queued > HIGH_WATER && !this.paused) {
      this.paused = true;
      return false;
    }
    return true;
  }

  private readonly flush = (): void => {
    this.flushing = false;
    const w = this.waiter;
    if (!w || this.queue.length === 0) return;
    this.waiter = undefined;
    w.resolve({ done: false, value: this.take() });
  };

  /** Everything queued, as one chunk. */
  private take(): Buffer {
    const q = this.queue;
    const value = q.length === 1 ? q[0] : Buffer.concat(q, this.queued);
    this.queue = [];
    this.queued = 0;
    if (this.paused) {
      this.paused = false;
      this.exchange.resume();
    }
    return value;
  }

  end(): void {
    this.ended = true;
    const w = this.waiter;
    // With chunks still queued the pending flush answers the reader; the next read then sees the end.
    if (w && this.queue.length === 0) { this.waiter = undefined; w.resolve(DONE); }
  }

  fail(err: Error): void {
    if (this.ended) return;
    this.error = err;
    const w = this.waiter;
    if (w && this.queue.length === 0) { this.waiter = undefined; w.reject(err); }
  }

  next(): Promise<IteratorResult<Uint8Array>> {
    if (this.queue.length) return Promise.resolve({ done: false, value: this.take() });
    if (this.error) return Promise.reject(this.error);
    if (this.ended) return Promise.resolve(DONE);
    return new Promise((resolve, reject) => { this.waiter = { resolve, reject }; });
  }

  /** The reader stopped before the end: drop what is queued and abort the exchange. */
  return(): Promise<IteratorResult<Uint8Array>> {
    this.queue = [];
    this.queued = 0;
    if (!this.ended && !this.error) this.exchange.abandon();
    this.ended = true;
    return Promise.resolve(DONE);
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> { return this; }

  async text(): Promise<string> {
    const parts: Buffer[] = [];
    for (let r = await this.next(); !r.done; r = await this.next()) parts.push(r.value as Buffer);
    return Buffer.concat(parts).toString('utf8');
  }

  async json(): Promise<unknown> { return JSON.parse(await this.text()); }
}

export class StreamedExchange extends Exchange {
  /** Resolves at the response head; rejects if the exchange fails before it. */
  readonly head: Promise<StreamedAnswer>;
  private resolve!: (a: StreamedAnswer) => void;
  private reject!: (err: unknown) => void;
  private body?: StreamedBody;

  constructor(call: CallContext) {
    super(call);
    this.head = new Promise((resolve, reject) => { this.resolve = resolve; this.reject = reject; });
  }

  resume(): void { this.controller?.resume(); }

  abandon(): void {
    this.settle();
    this.controller?.abort(new Error('upstream body abandoned by its reader'));
  }

  onResponseStart(_c: Dispatcher.DispatchController, status: number, headers: Headers): void {
    this.body = new StreamedBody(this);
    this.resolve({ status, headers, body: this.body });
  }

  onResponseData(c: Dispatcher.DispatchController, chunk: Buffer): void {
    if (!this.body!.push(chunk)) c.pause();
  }

  onResponseEnd(): void {
    this.settle();
    this.body?.end();
  }

  onResponseError(_c: Dispatcher.DispatchController, err: Error): void {
    this.settle();
    if (this.body) this.body.fail(err);
    else this.reject(err);
  }
}
