/**
 * The floor for a Node gateway: uWebSockets.js in front, an undici Pool behind, and nothing in between —
 * no parsing, no auth, no routing. Whatever a real gateway adds on top of this is its own overhead.
 * Non-streaming answers (with Content-Length) are forwarded whole; streams chunk by chunk with uWS
 * backpressure pausing the upstream.
 */
import { STATUS_CODES } from 'node:http';
import { Pool, type Dispatcher } from 'undici';
import uWS from 'uWebSockets.js';
import { assertNativeUws } from '../lib/uws-native.js';

export interface BareProxyOptions {
  host: string;
  port: number;
  /** upstream origin, e.g. http://127.0.0.1:9000 */
  upstream: string;
  /** upstream connections (default 256) */
  connections?: number;
}

export interface RunningProxy {
  port: number;
  close(): Promise<void>;
}

const statusLines = new Map<number, string>();
const statusLine = (s: number) => {
  let l = statusLines.get(s);
  if (!l) statusLines.set(s, (l = `${s} ${STATUS_CODES[s] ?? ''}`.trim()));
  return l;
};
const BAD_GATEWAY = JSON.stringify({ error: { message: 'upstream request failed', type: 'upstream_error', param: null, code: 'bad_gateway' } });

class ProxyExchange implements Dispatcher.DispatchHandler {
  aborted = false;
  private controller: Dispatcher.DispatchController | undefined;
  private status = 0;
  private contentType = 'application/json';
  private buffered: Buffer[] | null = null;
  private headersSent = false;

  constructor(private readonly res: uWS.HttpResponse) {}

  abort(): void {
    this.aborted = true;
    this.controller?.abort(new Error('client went away'));
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.aborted) controller.abort(new Error('client went away'));
  }

  onResponseStart(_c: Dispatcher.DispatchController, status: number, headers: Record<string, string | string[] | undefined>): void {
    this.status = status;
    const ct = headers['content-type'];
    if (typeof ct === 'string') this.contentType = ct;
    // A body with a known length is sent in one piece (with Content-Length), anything else is streamed.
    if (headers['content-length'] !== undefined) this.buffered = [];
  }

  onResponseData(c: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.aborted) return;
    if (this.buffered) {
      this.buffered.push(chunk);
      return;
    }
    let ok = true;
    this.res.cork(() => {
      if (!this.headersSent) {
        this.headersSent = true;
        this.res.writeStatus(statusLine(this.status)).writeHeader('content-type', this.contentType);
      }
      ok = this.res.write(chunk);
    });
    if (!ok) {
      c.pause();
      this.res.onWritable(() => {
        c.resume();
        return true;
      });
    }
  }

  onResponseEnd(): void {
    if (this.aborted) return;
    const body = this.buffered ? (this.buffered.length === 1 ? this.buffered[0] : Buffer.concat(this.buffered)) : undefined;
    this.res.cork(() => {
      if (!this.headersSent) this.res.writeStatus(statusLine(this.status)).writeHeader('content-type', this.contentType);
      this.res.end(body);
    });
  }

  onResponseError(_c: Dispatcher.DispatchController, _err: Error): void {
    if (this.aborted) return;
    if (this.headersSent) {
      // Mid-stream failure: cut the connection so the client cannot mistake it for a complete answer.
      this.res.close();
      return;
    }
    this.res.cork(() => {
      this.res.writeStatus('502 Bad Gateway').writeHeader('content-type', 'application/json').end(BAD_GATEWAY);
    });
  }
}

export function startBareProxy(opts: BareProxyOptions): Promise<RunningProxy> {
  assertNativeUws();
  const pool = new Pool(opts.upstream, { connections: opts.connections ?? 256, pipelining: 1, keepAliveTimeout: 4000 });
  const app = uWS.App();
  app.any('/*', (res, req) => {
    const method = req.getMethod().toUpperCase();
    const query = req.getQuery();
    const path = query ? `${req.getUrl()}?${query}` : req.getUrl();
    const headers: Record<string, string> = {};
    const ct = req.getHeader('content-type');
    if (ct) headers['content-type'] = ct;
    const auth = req.getHeader('authorization');
    if (auth) headers.authorization = auth;
    const ex = new ProxyExchange(res);
    res.onAborted(() => ex.abort());
    if (method === 'GET' || method === 'HEAD') {
      pool.dispatch({ path, method, headers }, ex);
      return;
    }
    const parts: Buffer[] = [];
    res.onData((ab, isLast) => {
      parts.push(Buffer.from(new Uint8Array(ab)));
      if (!isLast || ex.aborted) return;
      pool.dispatch({ path, method, headers, body: parts.length === 1 ? parts[0] : Buffer.concat(parts) }, ex);
    });
  });
  return new Promise((resolve, reject) => {
    app.listen(opts.host, opts.port, (token) => {
      if (!token) {
        reject(new Error(`bare proxy: cannot listen on ${opts.host}:${opts.port}`));
        return;
      }
      resolve({
        port: uWS.us_socket_local_port(token),
        close: async () => {
          uWS.us_listen_socket_close(token);
          await pool.destroy();
        },
      });
    });
  });
}
