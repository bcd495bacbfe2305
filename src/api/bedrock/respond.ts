/**
 * Binary streaming on uWS for the AWS event stream. The shared SSE writer sends text with an SSE
 * content type, so this writes the same standard Switchyard head (request id, overhead, provider, model,
 * dropped params, extra headers) with `application/vnd.amazon.eventstream` and then raw bytes.
 */
import { statusLine, type HttpContext } from '../../http/index.js';

const CONTENT_TYPE = 'application/vnd.amazon.eventstream';

function writeHead(ctx: HttpContext): void {
  const res = ctx.res;
  res.writeStatus(statusLine(200));
  res.writeHeader('content-type', CONTENT_TYPE);
  res.writeHeader('x-request-id', ctx.requestId);
  const overhead = ctx.overheadUs();
  ctx.reportedOverheadUs = overhead;
  res.writeHeader('x-switchyard-overhead-us', String(overhead));
  if (ctx.provider) res.writeHeader('x-switchyard-provider', ctx.provider);
  if (ctx.model) res.writeHeader('x-switchyard-model', ctx.model);
  if (ctx.droppedParams?.length) res.writeHeader('x-switchyard-dropped-params', ctx.droppedParams.join(','));
  const h = ctx.headers;
  for (let i = 0; i < h.length; i += 2) res.writeHeader(h[i], h[i + 1]);
  res.writeHeader('cache-control', 'no-cache');
  ctx.headersSent = true;
  ctx.status = 200;
}

/** Writes event-stream bytes, opening the response on first use. Returns false under backpressure. */
export function binaryWrite(ctx: HttpContext, bytes: Uint8Array): boolean {
  if (ctx.aborted || ctx.done) return true;
  let ok = true;
  ctx.res.cork(() => {
    if (!ctx.headersSent) writeHead(ctx);
    ok = ctx.res.write(bytes);
  });
  return ok;
}

export function binaryEnd(ctx: HttpContext, bytes?: Uint8Array): void {
  if (ctx.aborted || ctx.done) return;
  ctx.res.cork(() => {
    if (!ctx.headersSent) writeHead(ctx);
    ctx.res.end(bytes, ctx.closeConnection);
  });
  ctx.finish();
}
