/**
 * Binary streaming of the AWS event stream: the shared stream writer with Bedrock's content type.
 */
import { streamEnd, streamWrite, type HttpContext } from '../../http/index.js';

const CONTENT_TYPE = 'application/vnd.amazon.eventstream';

/** Writes event-stream bytes, opening the response on first use. Returns false under backpressure. */
export function binaryWrite(ctx: HttpContext, bytes: Uint8Array): boolean {
  return streamWrite(ctx, bytes, CONTENT_TYPE);
}

export function binaryEnd(ctx: HttpContext, bytes?: Uint8Array): void {
  streamEnd(ctx, bytes, CONTENT_TYPE);
}
