/** The mock on uWebSockets.js (the default engine: measured faster than node:http, see bench/README.md). */
import uWS from 'uWebSockets.js';
import { assertNativeUws } from '../lib/uws-native.js';
import { answerChat, NOT_FOUND, type MockContext, type Reply } from './behaviour.js';
import type { RunningMock } from './running.js';

const STATUS: Record<number, string> = { 200: '200 OK', 400: '400 Bad Request', 401: '401 Unauthorized', 404: '404 Not Found', 429: '429 Too Many Requests', 500: '500 Internal Server Error', 502: '502 Bad Gateway', 503: '503 Service Unavailable' };

class UwsReply implements Reply {
  aborted = false;
  constructor(private readonly res: uWS.HttpResponse) {}

  json(status: number, body: Buffer): void {
    this.res.cork(() => {
      this.res.writeStatus(STATUS[status] ?? String(status)).writeHeader('content-type', 'application/json').end(body);
    });
  }

  streamStart(frame: Buffer): void {
    this.res.cork(() => {
      this.res.writeStatus('200 OK').writeHeader('content-type', 'text/event-stream').writeHeader('cache-control', 'no-cache').write(frame);
    });
  }

  streamWrite(frame: Buffer): void {
    this.res.cork(() => { this.res.write(frame); });
  }

  streamEnd(frame: Buffer): void {
    this.res.cork(() => { this.res.end(frame); });
  }
}

export function startUwsMock(ctx: MockContext): Promise<RunningMock> {
  assertNativeUws();
  const app = uWS.App();
  app.post('/v1/chat/completions', (res, req) => {
    const authorization = req.getHeader('authorization') || undefined;
    const reply = new UwsReply(res);
    res.onAborted(() => { reply.aborted = true; });
    const parts: Buffer[] = [];
    res.onData((ab, isLast) => {
      // uWS reuses the ArrayBuffer after the callback returns, so each chunk is copied.
      parts.push(Buffer.from(new Uint8Array(ab)));
      if (!isLast) return;
      const body = parts.length === 1 ? parts[0].toString() : Buffer.concat(parts).toString();
      answerChat(reply, body, authorization, ctx);
    });
  });
  app.get('/health', (res) => { res.end('ok'); });
  app.get('/__mock/stats', (res) => {
    res.cork(() => res.writeHeader('content-type', 'application/json').end(JSON.stringify(ctx.stats)));
  });
  app.any('/*', (res) => {
    res.cork(() => res.writeStatus('404 Not Found').writeHeader('content-type', 'application/json').end(NOT_FOUND));
  });
  return new Promise((resolve, reject) => {
    app.listen(ctx.opts.host, ctx.opts.port, (token) => {
      if (!token) {
        reject(new Error(`mock: cannot listen on ${ctx.opts.host}:${ctx.opts.port}`));
        return;
      }
      resolve({
        port: uWS.us_socket_local_port(token),
        stats: ctx.stats,
        // Closing the listen socket stops accepting; open keep-alive sockets end with the process.
        close: async () => { uWS.us_listen_socket_close(token); },
      });
    });
  });
}
