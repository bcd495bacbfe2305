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

/**
 * With a declared Content-Length (already checked against the limit) the body is copied once, into a buffer
 * of that size; without one (chunked), chunks are copied and joined at the end.
 */
export function readBody(res: HttpResponse, limit: number, onBody: (body: Buffer) => void, onError: (err: GatewayError) => void, declaredLength?: number): void {
  let whole = declaredLength !== undefined && declaredLength > 0 && declaredLength <= limit ? Buffer.allocUnsafe(declaredLength) : undefined;
  let parts: Buffer[] | undefined;
  let size = 0;
  let failed = false;
  res.onData((ab, isLast) => {
    if (failed) return;
    const at = size;
    size += ab.byteLength;
    if (size > limit) {
      failed = true;
      onError(tooLarge(limit));
      return;
    }
    if (whole && size <= whole.length) {
      whole.set(new Uint8Array(ab), at);
      if (isLast) onBody(size === whole.length ? whole : whole.subarray(0, size));
      return;
    }
    if (whole) {
      // More than declared (uWS frames bodies by Content-Length, so not expected): fall back to joining.
      parts = [whole.subarray(0, at)];
      whole = undefined;
    }
    if (isLast) {
      const lastCopy = Buffer.from(new Uint8Array(ab));
      onBody(parts ? Buffer.concat([...parts, lastCopy]) : lastCopy);
      return;
    }
    (parts ??= []).push(Buffer.from(new Uint8Array(ab)));
  });
}
