/**
 * HTTP transport to one upstream origin: HTTP/1.1 connections with keep-alive, bounded in number, with
 * timeouts (h1-pool.ts), or HTTP/2 sessions (h2-dispatcher.ts). Turns transport failures into
 * GatewayErrors that name the provider.
 */
import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import { undiciErrors } from './undici-parts.js';
import { GatewayError, overloadedError } from '../core/errors.js';
import { giveWay, LARGE_BODY_BYTES } from '../core/give-way.js';
import { RAW_JSON, type WithRawJson } from '../core/types.js';
import { BufferedExchange } from './buffered-exchange.js';
import { StreamedExchange } from './streamed-exchange.js';
import { H1Pool } from './h1-pool.js';
import { H2Dispatcher } from './h2-dispatcher.js';
import type { CallContext, UpstreamConnections } from './types.js';

/** Socket errors that mean this process or host is out of something (files, memory, ephemeral ports). */
const LOCAL_EXHAUSTION = new Set(['EMFILE', 'ENFILE', 'ENOBUFS', 'ENOMEM', 'EADDRNOTAVAIL']);

export interface TransportOptions {
  provider: string;
  baseUrl: string;
  connectTimeoutMs: number;
  timeoutMs: number;
  maxConnections: number;
  /** Talk HTTP/2 to the upstream (ALPN for https, prior knowledge for http): see h2-dispatcher.ts. */
  http2?: boolean;
}

/** An upstream body: streamed (undici's) or already in memory (`requestWhole`). */
export interface UpstreamBody extends AsyncIterable<Uint8Array> {
  text(): Promise<string>;
  json(): Promise<unknown>;
}

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: UpstreamBody;
}

export class HttpTransport {
  private readonly pool?: H1Pool;
  private readonly h2?: H2Dispatcher;
  private readonly pathPrefix: string;

  constructor(private readonly opts: TransportOptions) {
    const url = new URL(opts.baseUrl);
    this.pathPrefix = url.pathname.replace(/\/+$/, '');
    if (opts.http2) {
      this.h2 = new H2Dispatcher(url.origin, { maxSessions: opts.maxConnections, connectTimeoutMs: opts.connectTimeoutMs });
    } else {
      this.pool = new H1Pool(url.origin, {
        maxConnections: opts.maxConnections, connectTimeoutMs: opts.connectTimeoutMs, timeoutMs: opts.timeoutMs, keepAliveTimeoutMs: 30_000,
      });
    }
  }

  /** One exchange on an HTTP/1.1 connection or an HTTP/2 session; the handler sees the same events either way. */
  private dispatch(method: Dispatcher.HttpMethod, path: string, headers: Record<string, string>, body: string | undefined, call: CallContext, handler: Dispatcher.DispatchHandler): void {
    if (this.h2) {
      this.h2.dispatch({
        method, path: this.pathPrefix + path, headers, body,
        headersTimeout: call.firstByteTimeoutMs ?? this.opts.timeoutMs, bodyTimeout: call.streamIdleTimeoutMs ?? this.opts.timeoutMs,
      }, handler);
      return;
    }
    this.pool!.dispatch({
      method, path: this.pathPrefix + path, headers, body,
      headersTimeout: call.firstByteTimeoutMs, bodyTimeout: call.streamIdleTimeoutMs,
    }, handler);
  }

  /** A streamed answer: resolves at the response head; the body is read as it arrives (see streamed-exchange.ts). */
  async request(method: 'GET' | 'POST', path: string, headers: Record<string, string>, body: string | undefined, call: CallContext): Promise<UpstreamResponse> {
    try {
      if (body !== undefined && body.length >= LARGE_BODY_BYTES) await this.giveWay(call);
      call.upstreamStart = performance.now();
      const exchange = new StreamedExchange(call);
      this.dispatch(method, path, headers, body, call, exchange);
      return await exchange.head;
    } catch (err) {
      throw this.mapTransportError(err, call);
    }
  }

  /**
   * Like request(), for answers wanted whole (non-streaming calls): the body arrives in memory, so
   * readJson() and error mapping read it at once. Cheaper than request() by the stream machinery it skips.
   */
  async requestWhole(method: 'GET' | 'POST', path: string, headers: Record<string, string>, body: string | undefined, call: CallContext): Promise<UpstreamResponse> {
    try {
      if (body !== undefined && body.length >= LARGE_BODY_BYTES) await this.giveWay(call);
      call.upstreamStart = performance.now();
      const exchange = new BufferedExchange(call);
      this.dispatch(method, path, headers, body, call, exchange);
      return await exchange.done;
    } catch (err) {
      throw this.mapTransportError(err, call);
    }
  }

  /** After serialising a large body, before encoding and writing it (give-way.ts); a request cancelled meanwhile stops here. */
  private async giveWay(call: CallContext): Promise<void> {
    await giveWay();
    call.signal.throwIfAborted();
  }

  /** Reads a whole JSON body (stamping the end of the upstream's time); socket errors and bad JSON are 502s naming the provider. */
  async readJson<T>(res: UpstreamResponse, call: CallContext, keepRaw = false): Promise<T> {
    let text: string;
    try {
      text = await res.body.text();
    } catch (err) {
      throw this.mapTransportError(err, call);
    }
    call.upstreamEnd = performance.now();
    try {
      const out = JSON.parse(text) as T;
      if (keepRaw && out && typeof out === 'object') (out as WithRawJson)[RAW_JSON] = text;
      return out;
    } catch {
      const provider = this.opts.provider;
      throw new GatewayError({ status: 502, type: 'upstream_error', code: 'upstream_invalid_response', message: `${provider}: upstream returned invalid JSON`, provider });
    }
  }

  /** Maps undici/socket errors (also those thrown while reading a body) to client-facing errors. */
  mapTransportError(err: unknown, call: CallContext): GatewayError {
    const provider = this.opts.provider;
    if (err instanceof GatewayError) return err;
    if (call.signal.aborted && (call.signal.reason as Error | undefined)?.name === 'TimeoutError') {
      return new GatewayError({ status: 504, type: 'timeout_error', code: 'upstream_timeout', message: `${provider}: request timed out`, provider });
    }
    if (call.signal.aborted) {
      return new GatewayError({ status: 499, type: 'api_error', code: 'client_closed_request', message: 'client closed the request', provider });
    }
    if (err instanceof undiciErrors.HeadersTimeoutError || err instanceof undiciErrors.BodyTimeoutError) {
      return new GatewayError({ status: 504, type: 'timeout_error', code: 'upstream_timeout', message: `${provider}: upstream timed out`, provider });
    }
    if (err instanceof undiciErrors.ConnectTimeoutError) {
      return new GatewayError({ status: 504, type: 'timeout_error', code: 'upstream_connect_timeout', message: `${provider}: connecting to the upstream timed out`, provider });
    }
    const code = (err as { code?: string }).code ?? 'unknown';
    if (LOCAL_EXHAUSTION.has(code)) {
      // This node ran out of descriptors, memory or ports: not the upstream's fault, and retryable elsewhere.
      return overloadedError(`This gateway node is out of local resources (${code}); retry shortly or use another node.`);
    }
    return new GatewayError({
      status: 502, type: 'upstream_error', code: 'upstream_connection_error',
      message: `${provider}: upstream connection failed (${code})`, provider,
    });
  }

  connections(): UpstreamConnections {
    return this.h2 ? { open: this.h2.size, waiting: 0 } : { open: this.pool!.size, waiting: this.pool!.queued };
  }

  close(): Promise<void> {
    return this.h2 ? this.h2.close() : this.pool!.close();
  }
}
