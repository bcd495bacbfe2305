/**
 * Reads a request body from uWS with a size limit. uWS hands out ArrayBuffers that are only valid during
 * the callback, so every chunk is copied. The declared Content-Length is checked before reading.
 */
import type { HttpResponse } from 'uWebSockets.js';
import { GatewayError } from '../core/errors.js';

export function tooLarge(limit: number): GatewayError {
  return new GatewayError({
    status: 413, type: 'invalid_request_error', code: 'request_too_large',
    message: `Request body too large: the limit is ${limit} bytes.`,
  });
}

export function readBody(res: HttpResponse, limit: number, onBody: (body: Buffer) => void, onError: (err: GatewayError) => void): void {
  let parts: Buffer[] | undefined;
  let size = 0;
  let failed = false;
  res.onData((ab, isLast) => {
    if (failed) return;
    size += ab.byteLength;
    if (size > limit) {
      failed = true;
      onError(tooLarge(limit));
      return;
    }
    if (isLast) {
      const lastCopy = Buffer.from(new Uint8Array(ab));
      onBody(parts ? Buffer.concat([...parts, lastCopy]) : lastCopy);
      return;
    }
    (parts ??= []).push(Buffer.from(new Uint8Array(ab)));
  });
}
