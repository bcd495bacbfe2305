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
  for (const [k, v] of ctx.dialect.errorHeaders?.(err) ?? []) ctx.setHeader(k, v);
  sendBody(ctx, err.status, ctx.dialect.errorBody(err));
}

function openStream(ctx: HttpContext, contentType: string): void {
  writeHead(ctx, 200, contentType);
  ctx.res.writeHeader('cache-control', 'no-cache');
  ctx.res.writeHeader('x-accel-buffering', 'no');
}

/**
 * Writes a chunk of a streamed response (SSE text or binary event-stream frames), opening the response
 * on first use. Returns false when the client is not keeping up (wait for ctx.waitWritable()).
 */
export function streamWrite(ctx: HttpContext, chunk: string | Uint8Array, contentType = 'text/event-stream'): boolean {
  if (ctx.aborted || ctx.done) return true;
  let ok = true;
  ctx.res.cork(() => {
    if (!ctx.headersSent) openStream(ctx, contentType);
    ok = ctx.res.write(chunk);
  });
  return ok;
}

/** Ends a streamed response with a last chunk (opening it first if nothing was written yet). */
export function streamEnd(ctx: HttpContext, tail?: string | Uint8Array, contentType = 'text/event-stream'): void {
  if (ctx.aborted || ctx.done) return;
  ctx.res.cork(() => {
    if (!ctx.headersSent) openStream(ctx, contentType);
    ctx.res.end(tail, ctx.closeConnection);
  });
  ctx.finish();
}

export const sseWrite = (ctx: HttpContext, text: string): boolean => streamWrite(ctx, text);
export const sseEnd = (ctx: HttpContext, tail: string): void => streamEnd(ctx, tail);
