/** Request ids: one per request, alive as long as the request. */
import { randomUUID } from 'node:crypto';

/**
 * A random UUID as a flat string. Node builds randomUUID() by concatenating 20 pieces, which V8 keeps as a
 * tree of ~14 string nodes (about 490 bytes) until something flattens it, and a request id is only written
 * out (headers, logs), never flattened. Thousands of requests wait on slow upstreams at a time: reading one
 * character flattens it once, to about 60 bytes.
 */
export function newRequestId(): string {
  const id = randomUUID();
  id.charCodeAt(0);
  return id;
}
