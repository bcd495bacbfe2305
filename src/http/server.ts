/**
 * The uWS data plane: a route table of handlers, each run with an HttpContext. Every handler is wrapped
 * so that a failure inside one request becomes an error response for that request and never takes the
 * worker down.
 */
import uWS from 'uWebSockets.js';
import type { HttpRequest, HttpResponse, TemplatedApp, us_listen_socket } from 'uWebSockets.js';
import { GatewayError, overloadedError, toGatewayError } from '../core/errors.js';
import { LARGE_BODY_BYTES, newRequestId } from '../core/index.js';
import { readBody, tooLarge } from './body.js';
import { HttpContext, type ContextHooks, type Dialect } from './context.js';
import { sendError } from './respond.js';

/** Request headers the data plane reads (uWS only exposes headers synchronously inside the handler). */
export interface RequestHeaders {
  authorization: string;
  xApiKey: string;
  /** Gemini SDKs send their key here. */
  xGoogApiKey: string;
  /** Azure OpenAI SDKs send their key here. */
  apiKey: string;
  contentLength: string;
  traceparent: string;
  /** Anthropic clients: passed through to Anthropic upstreams. */
  anthropicVersion: string;
  anthropicBeta: string;
  /** Per-request timeouts (milliseconds): total, time to first byte, stream idle. */
  timeoutMs: string;
  firstByteTimeoutMs: string;
  streamIdleTimeoutMs: string;
}

export interface Route {
  method: 'get' | 'post' | 'del' | 'put' | 'patch';
  pattern: string;
  /** Stable label for metrics and logs. */
  name: string;
  dialect: Dialect;
  /** Whether the handler needs the request body. */
  body: boolean;
  handle(ctx: HttpContext, body: Buffer | undefined, headers: RequestHeaders, params: string[], query: string, url: string): void | Promise<void>;
}

export interface ServerOptions {
  bodyLimitBytes: number;
  defaultDialect: Dialect;
  /** URL prefixes whose unknown routes answer in another dialect (e.g. '/anthropic/'). */
  prefixDialects?: Array<[string, Dialect]>;
  hooks: ContextHooks;
  onRequestStart?: (ctx: HttpContext) => void;
  /** True when this request should be refused with 503 because the node is overloaded (see overload.ts). */
  shed?: (route: Route) => boolean;
}

const REQUEST_ID_OK = /^[\w.:@=+-]{1,128}$/;

export class DataPlane {
  readonly app: TemplatedApp;
  private listenSocket?: us_listen_socket;

  constructor(routes: Route[], private readonly opts: ServerOptions) {
    this.app = uWS.App();
    for (const route of routes) this.app[route.method](route.pattern, (res, req) => this.dispatch(route, res, req));
    this.app.any('/*', (res, req) => this.notFound(res, req));
  }

  private context(res: HttpResponse, req: HttpRequest, name: string, dialect: Dialect): HttpContext {
    const given = req.getHeader('x-request-id');
    const id = given && REQUEST_ID_OK.test(given) ? given : newRequestId();
    const ctx = new HttpContext(res, id, name, dialect, this.opts.hooks);
    this.opts.onRequestStart?.(ctx);
    return ctx;
  }

  private dispatch(route: Route, res: HttpResponse, req: HttpRequest): void {
    const ctx = this.context(res, req, route.name, route.dialect);
    const headers: RequestHeaders = {
      authorization: req.getHeader('authorization'),
      xApiKey: req.getHeader('x-api-key'),
      xGoogApiKey: req.getHeader('x-goog-api-key'),
      apiKey: req.getHeader('api-key'),
      contentLength: req.getHeader('content-length'),
      traceparent: req.getHeader('traceparent'),
      anthropicVersion: req.getHeader('anthropic-version'),
      anthropicBeta: req.getHeader('anthropic-beta'),
      timeoutMs: req.getHeader('x-switchyard-timeout-ms'),
      firstByteTimeoutMs: req.getHeader('x-switchyard-first-byte-timeout-ms'),
      streamIdleTimeoutMs: req.getHeader('x-switchyard-stream-idle-timeout-ms'),
    };
    ctx.credentials = headers;
    const params: string[] = [];
    for (let i = 0; ; i++) {
      const p = req.getParameter(i);
      if (p === undefined || p === '') break;
      params.push(p);
    }
    const query = req.getQuery() ?? '';
    const url = req.getUrl();
    if (this.opts.shed?.(route)) {
      // The body is still read (and dropped) so the connection stays usable for the client's retry.
      if (!route.body) sendError(ctx, overloadedError());
      else readBody(res, this.opts.bodyLimitBytes, () => sendError(ctx, overloadedError()), (err) => { ctx.forceClose = true; sendError(ctx, err); });
      return;
    }
    if (!route.body) {
      this.run(route, ctx, undefined, headers, params, query, url);
      return;
    }
    const limit = this.opts.bodyLimitBytes;
    if (headers.contentLength && Number(headers.contentLength) > limit) {
      // The dialect's error headers/shape apply here too (this is answered before any handler runs).
      ctx.forceClose = true;
      sendError(ctx, tooLarge(limit));
      return;
    }
    readBody(res, limit, (body) => {
      if (body.length < LARGE_BODY_BYTES) return this.run(route, ctx, body, headers, params, query, url);
      // The body was just copied together; its parse waits for the I/O already pending (give-way.ts).
      ctx.largeBody = true;
      setImmediate(() => this.run(route, ctx, body, headers, params, query, url));
    }, (err) => {
      ctx.forceClose = true;
      sendError(ctx, err);
    }, headers.contentLength ? Number(headers.contentLength) : undefined);
  }

  private run(route: Route, ctx: HttpContext, body: Buffer | undefined, headers: RequestHeaders, params: string[], query: string, url: string): void {
    try {
      const p = route.handle(ctx, body, headers, params, query, url);
      if (p) p.catch((err) => this.fail(ctx, err));
    } catch (err) {
      this.fail(ctx, err);
    }
  }

  private fail(ctx: HttpContext, err: unknown): void {
    const e = toGatewayError(err);
    if (!(err instanceof GatewayError)) ctx.internalError = err;
    if (ctx.headersSent) {
      // A stream was already open: end it rather than leave the client hanging.
      if (!ctx.done && !ctx.aborted) ctx.res.cork(() => ctx.res.end(undefined, true));
      ctx.finish();
      return;
    }
    sendError(ctx, e);
  }

  private notFound(res: HttpResponse, req: HttpRequest): void {
    const method = req.getMethod().toUpperCase();
    const url = req.getUrl();
    const dialect = this.opts.prefixDialects?.find(([p]) => url.startsWith(p))?.[1] ?? this.opts.defaultDialect;
    const ctx = this.context(res, req, 'not_found', dialect);
    sendError(ctx, new GatewayError({ status: 404, type: 'invalid_request_error', code: 'unknown_url', message: `Invalid URL (${method} ${url})` }));
  }

  listen(host: string, port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.app.listen(host, port, (sock) => {
        if (!sock) reject(new Error(`cannot listen on ${host}:${port} (address in use or not permitted)`));
        else { this.listenSocket = sock; resolve(); }
      });
    });
  }

  /** Stops accepting new connections; open connections finish their requests. */
  stopListening(): void {
    if (this.listenSocket) {
      uWS.us_listen_socket_close(this.listenSocket);
      this.listenSocket = undefined;
    }
  }

  close(): void {
    this.stopListening();
    (this.app as TemplatedApp & { close?: () => void }).close?.();
  }
}
