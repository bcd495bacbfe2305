/**
 * The mock on node:http, kept to compare engines (`--engine node`) and for platforms without uWS; and on
 * node:http2 with prior knowledge (`--engine h2`), for gateways that talk HTTP/2 to their upstream. The same
 * handler serves both (node:http2's compatibility API has the surface used here).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import http2 from 'node:http2';
import { answerChat, NOT_FOUND, type MockContext, type Reply } from './behaviour.js';
import type { RunningMock } from './running.js';

class NodeReply implements Reply {
  aborted = false;
  constructor(private readonly res: ServerResponse) {
    res.once('close', () => { if (!res.writableFinished) this.aborted = true; });
  }

  json(status: number, body: Buffer): void {
    this.res.writeHead(status, { 'content-type': 'application/json', 'content-length': body.length }).end(body);
  }

  streamStart(frame: Buffer): void {
    this.res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    this.res.write(frame);
  }

  streamWrite(frame: Buffer): void {
    this.res.write(frame);
  }

  streamEnd(frame: Buffer): void {
    this.res.end(frame);
  }
}

export function startNodeMock(ctx: MockContext, h2 = false): Promise<RunningMock> {
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'POST' && req.url === '/v1/chat/completions') {
      const parts: Buffer[] = [];
      req.on('data', (c: Buffer) => parts.push(c));
      req.on('end', () => answerChat(new NodeReply(res), Buffer.concat(parts).toString(), req.headers.authorization, ctx));
      return;
    }
    if (req.method === 'GET' && req.url === '/health') {
      res.end('ok');
      return;
    }
    if (req.method === 'GET' && req.url === '/__mock/stats') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(ctx.stats));
      return;
    }
    req.resume();
    res.writeHead(404, { 'content-type': 'application/json' }).end(NOT_FOUND);
  };
  const sessions = new Set<http2.ServerHttp2Session>();
  const server = h2 ? http2.createServer({ settings: { maxConcurrentStreams: 100_000 } }, handler as never) : createServer(handler);
  if (h2) server.on('session', (s: http2.ServerHttp2Session) => { sessions.add(s); s.once('close', () => sessions.delete(s)); });
  // Longer than the load generator's keep-alive, so the client always closes idle sockets first.
  if ('keepAliveTimeout' in server) server.keepAliveTimeout = 10_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(ctx.opts.port, ctx.opts.host, () => {
      const addr = server.address();
      resolve({
        port: typeof addr === 'object' && addr ? addr.port : 0,
        stats: ctx.stats,
        close: () => new Promise<void>((r) => {
          if ('closeAllConnections' in server) server.closeAllConnections();
          for (const s of sessions) s.destroy();
          server.close(() => r());
        }),
      });
    });
  });
}
