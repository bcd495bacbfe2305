/**
 * Writing responses on uWS: status line, the standard Switchyard headers, JSON bodies, SSE streams.
 */
import { STATUS_CODES } from 'node:http';
import type { GatewayError } from '../core/errors.js';
import type { HttpContext } from './context.js';

const statusLines = new Map<number, string>();
export function statusLine(status: number): string {
  let line = statusLines.get(status);
  if (!line) {
    line = `${status} ${STATUS_CODES[status] ?? (status === 499 ? 'Client Closed Request' : 'Unknown')}`;
    statusLines.set(status, line);
  }
  return line;
}

/** Writes the status line and the headers every response carries. Must run inside res.cork. */
function writeHead(ctx: HttpContext, status: number, contentType: string): void {
  const res = ctx.res;
  res.writeStatus(statusLine(status));
  res.writeHeader('content-type', contentType);
  res.writeHeader('x-request-id', ctx.requestId);
  const overhead = ctx.overheadUs();
  ctx.reportedOverheadUs = overhead;
  res.writeHeader('x-switchyard-overhead-us', String(overhead));
  if (ctx.provider) res.writeHeader('x-switchyard-provider', ctx.provider);
  if (ctx.model) res.writeHeader('x-switchyard-model', ctx.model);
  if (ctx.deployment) {
    res.writeHeader('x-switchyard-deployment', ctx.deployment);
    res.writeHeader('x-switchyard-retries', String(ctx.retries ?? 0));
    res.writeHeader('x-switchyard-fallback-index', String(ctx.fallbackIndex ?? 0));
  }
  if (ctx.droppedParams?.length) res.writeHeader('x-switchyard-dropped-params', ctx.droppedParams.join(','));
  const h = ctx.headers;
  for (let i = 0; i < h.length; i += 2) res.writeHeader(h[i], h[i + 1]);
  ctx.headersSent = true;
  ctx.status = status;
}

export function sendBody(ctx: HttpContext, status: number, body: string, contentType = 'application/json'): void {
  if (ctx.aborted || ctx.done) return;
  ctx.res.cork(() => {
    writeHead(ctx, status, contentType);
    ctx.res.end(body, ctx.closeConnection);
  });
  ctx.finish();
}

export function sendError(ctx: HttpContext, err: GatewayError): void {
  ctx.error = err;
  if (ctx.headersSent) return;
  if (err.retryAfter !== undefined) ctx.setHeader('retry-after', String(err.retryAfter));
  sendBody(ctx, err.status, ctx.dialect.errorBody(err));
}

/** Writes SSE text, opening the stream on first use. Returns false when the client is not keeping up. */
export function sseWrite(ctx: HttpContext, text: string): boolean {
  if (ctx.aborted || ctx.done) return true;
  let ok = true;
  ctx.res.cork(() => {
    if (!ctx.headersSent) {
      writeHead(ctx, 200, 'text/event-stream');
      ctx.res.writeHeader('cache-control', 'no-cache');
      ctx.res.writeHeader('x-accel-buffering', 'no');
    }
    ok = ctx.res.write(text);
  });
  return ok;
}

export function sseEnd(ctx: HttpContext, tail: string): void {
  if (ctx.aborted || ctx.done) return;
  ctx.res.cork(() => {
    if (!ctx.headersSent) {
      writeHead(ctx, 200, 'text/event-stream');
      ctx.res.writeHeader('cache-control', 'no-cache');
    }
    ctx.res.end(tail, ctx.closeConnection);
  });
  ctx.finish();
}
