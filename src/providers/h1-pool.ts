/**
 * HTTP/1.1 connections to one origin: undici Clients (a socket each, no pipelining) handed out from a
 * stack of idle ones, so taking and returning a connection costs the same with 10 or 10 000 of them.
 * undici's Pool looks for a free client by scanning all of them on every request: with a 1.5 s upstream
 * at 2000 RPS (3000 requests in flight, one socket each) that scan took 6 % of a worker's CPU, and its
 * cost grows with the load it is under.
 *
 * The most recently freed connection is reused first, so the ones a smaller load no longer needs sit idle
 * and are closed by the keep-alive timeout; a connection that closes is dropped from the pool (a burst
 * does not leave thousands of Client objects behind). Requests beyond `maxConnections` wait in order.
 * Upgrades (CONNECT, WebSocket) are not used towards providers and not handled here.
 */
import type { Client as ClientType, Dispatcher } from 'undici';
import { buildConnector, Client } from './undici-parts.js';

export interface H1PoolOptions {
  maxConnections: number;
  connectTimeoutMs: number;
  /** Default time to the response head and longest silence in the body (a request's own values win). */
  timeoutMs: number;
  keepAliveTimeoutMs: number;
}

type Waiting = [Dispatcher.DispatchOptions, Dispatcher.DispatchHandler];

/** One connection: undici's Client and the requests handed to it that have not ended. */
interface Conn {
  client: ClientType;
  load: number;
  idle: boolean;
  gone: boolean;
  /** Its response has ended; undici frees it one event-loop turn later ('drain'). */
  finishing: boolean;
}

export class H1Pool {
  private readonly clientOptions: ClientType.Options;
  /** Every connection in use; one leaves when it closes or a request on it fails. */
  private readonly conns = new Set<Conn>();
  /** Connections free for a request, most recently freed last. May hold ones that left: checked when taken. */
  private idle: Conn[] = [];
  /** Entries of `idle` that left; swept out when they are half of it, so a burst's closed connections are not kept. */
  private idleGone = 0;
  /** Requests waiting for a connection (FIFO); `head` is the next one. */
  private waiting: Waiting[] = [];
  private head = 0;
  /** Connections whose response has ended and that undici frees on its next turn. */
  private finishing = 0;
  private closing?: Promise<void>;
  private onQueueEmpty?: () => void;

  constructor(private readonly origin: string, private readonly opts: H1PoolOptions) {
    this.clientOptions = {
      // One connector for all clients, so TLS sessions are resumed across connections (as undici's Pool does).
      connect: buildConnector({ timeout: opts.connectTimeoutMs }),
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
      keepAliveTimeout: opts.keepAliveTimeoutMs,
      pipelining: 1,
    };
  }

  /** Connections open or being opened. */
  get size(): number { return this.conns.size; }

  /** Requests waiting for a connection. */
  get queued(): number { return this.waiting.length - this.head; }

  /** Entries on the idle stack, connections that left included until they are swept (tests). */
  get idleEntries(): number { return this.idle.length; }

  dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): void {
    if (this.closing) throw Object.assign(new Error('transport closed'), { code: 'UND_ERR_DESTROYED' });
    const c = this.take();
    if (c) this.run(c, opts, handler);
    else this.waiting.push([opts, handler]);
  }

  /** Waits for queued and running requests, then closes every connection. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.queued > 0) await new Promise<void>((resolve) => { this.onQueueEmpty = resolve; });
      await Promise.all([...this.conns].map((c) => c.client.close()));
      this.conns.clear();
      this.idle = [];
      this.idleGone = 0;
    })();
    return this.closing;
  }

  /** A request on `c` ended: a failed one retires the connection (its socket is usually gone). */
  ended(c: Conn, ok: boolean): void {
    c.load--;
    if (!ok) this.retire(c);
    // A connection can close before its last response is delivered (the server closed it right after answering).
    else if (c.load === 0 && !c.finishing && !c.gone) {
      c.finishing = true;
      this.finishing++;
    }
  }

  /**
   * An idle connection, else none while a connection about to be freed can take the request (undici waits
   * one event-loop turn after a response before it reuses the socket, in case the server closes it after
   * all), else a new one within the limit. Requests that arrived in that turn used to open new connections:
   * 5500 sockets for 3000 requests in flight.
   */
  private take(): Conn | undefined {
    while (this.idle.length) {
      const c = this.idle.pop()!;
      c.idle = false;
      if (!c.gone) return c;
      this.idleGone--;
    }
    if (this.queued < this.finishing) return undefined;
    return this.conns.size < this.opts.maxConnections ? this.open() : undefined;
  }

  private run(c: Conn, opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): void {
    c.load++;
    c.client.dispatch(opts, new Tracked(this, c, handler));
  }

  private freed(c: Conn): void {
    if (c.finishing) {
      c.finishing = false;
      this.finishing--;
    }
    this.release(c);
  }

  /** A connection that can take a request: the next waiting one, or back on the idle stack. */
  private release(c: Conn): void {
    if (c.gone) return;
    const next = this.shift();
    if (next) this.run(c, next[0], next[1]);
    else if (!c.idle) {
      c.idle = true;
      this.idle.push(c);
    }
  }

  private shift(): Waiting | undefined {
    if (this.head === this.waiting.length) return undefined;
    const w = this.waiting[this.head];
    this.waiting[this.head++] = undefined as unknown as Waiting;
    if (this.head === this.waiting.length) {
      this.waiting = [];
      this.head = 0;
      this.onQueueEmpty?.();
    } else if (this.head > 1024 && this.head * 2 > this.waiting.length) {
      this.waiting = this.waiting.slice(this.head);
      this.head = 0;
    }
    return w;
  }

  private open(): Conn {
    const c: Conn = { client: new Client(this.origin, this.clientOptions), load: 0, idle: false, gone: false, finishing: false };
    this.conns.add(c);
    const retire = () => this.retire(c);
    c.client.on('drain', () => this.freed(c));
    c.client.on('connectionError', retire);
    c.client.on('disconnect', retire);
    return c;
  }

  /**
   * A connection that closed, failed to connect or failed a request is not used again. close() lets a
   * request already handed to it finish; a waiting request gets a new connection in its place.
   */
  private retire(c: Conn): void {
    if (c.gone) return;
    c.gone = true;
    if (c.finishing) {
      c.finishing = false;
      this.finishing--;
    }
    if (c.idle && ++this.idleGone * 2 > this.idle.length) {
      this.idle = this.idle.filter((x) => !x.gone);
      this.idleGone = 0;
    }
    this.conns.delete(c);
    c.client.close().catch(() => undefined);
    while (this.queued > 0 && this.conns.size < this.opts.maxConnections) {
      const next = this.shift()!;
      this.run(this.open(), next[0], next[1]);
    }
  }
}

/** Passes every event on to the request's own handler and tells the pool when the request has ended. */
class Tracked implements Dispatcher.DispatchHandler {
  constructor(private readonly pool: H1Pool, private readonly conn: Conn, private readonly inner: Dispatcher.DispatchHandler) {}

  onRequestStart(c: Dispatcher.DispatchController, context: unknown): void { this.inner.onRequestStart?.(c, context); }

  onResponseStart(c: Dispatcher.DispatchController, status: number, headers: Record<string, string | string[] | undefined>, message: string): void {
    this.inner.onResponseStart?.(c, status, headers, message);
  }

  onResponseData(c: Dispatcher.DispatchController, chunk: Buffer): void { this.inner.onResponseData?.(c, chunk); }

  onResponseEnd(c: Dispatcher.DispatchController, trailers: Record<string, string | string[] | undefined>): void {
    this.inner.onResponseEnd?.(c, trailers);
    this.pool.ended(this.conn, true);
  }

  onResponseError(c: Dispatcher.DispatchController, err: Error): void {
    this.inner.onResponseError?.(c, err);
    this.pool.ended(this.conn, false);
  }
}
