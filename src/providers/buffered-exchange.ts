/**
 * One upstream exchange whose answer is wanted whole (every non-streaming call): an undici dispatch
 * handler that collects the body into one Buffer. It skips what `pool.request()` builds for a streamed
 * body (a Readable, its events and promise plumbing), which was the largest single cost per request.
 */
import type { Dispatcher } from 'undici';
import { Exchange } from './exchange.js';
import type { CallContext } from './types.js';

/** A body already in memory, readable like undici's body (`text()`, `json()`, async iteration). */
export class BufferedBody implements AsyncIterable<Uint8Array> {
  constructor(readonly bytes: Buffer) {}
  async text(): Promise<string> { return this.bytes.toString('utf8'); }
  async json(): Promise<unknown> { return JSON.parse(this.bytes.toString('utf8')); }
  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> { if (this.bytes.length) yield this.bytes; }
}

export interface BufferedAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: BufferedBody;
}

export class BufferedExchange extends Exchange {
  readonly done: Promise<BufferedAnswer>;
  private resolve!: (a: BufferedAnswer) => void;
  private reject!: (err: unknown) => void;
  private status = 0;
  private headers: Record<string, string | string[] | undefined> = {};
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(call: CallContext) {
    super(call);
    this.done = new Promise((resolve, reject) => { this.resolve = resolve; this.reject = reject; });
  }

  onResponseStart(_c: Dispatcher.DispatchController, status: number, headers: Record<string, string | string[] | undefined>): void {
    this.status = status;
    this.headers = headers;
  }

  onResponseData(_c: Dispatcher.DispatchController, chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
  }

  onResponseEnd(): void {
    this.settle();
    const c = this.chunks;
    const bytes = c.length === 1 ? c[0] : Buffer.concat(c, this.size);
    this.resolve({ status: this.status, headers: this.headers, body: new BufferedBody(bytes) });
  }

  onResponseError(_c: Dispatcher.DispatchController, err: Error): void {
    this.settle();
    this.reject(err);
  }
}
