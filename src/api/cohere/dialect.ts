/**
 * The Cohere v2 wire dialect: errors are `{"message": "..."}` with the HTTP status
 * (https://docs.cohere.com/reference/errors); streams are SSE events `event: <type>` + `data: <json>`
 * (https://docs.cohere.com/v2/docs/streaming). A stream that fails after it started ends with a
 * `message-end` event whose delta carries `finish_reason: "ERROR"` and the `error` message — Cohere's own
 * way of reporting a failed generation — never with a clean message-end.
 */
import type { GatewayError } from '../../core/errors.js';
import type { Dialect } from '../../http/index.js';

export const cohereDialect: Dialect = {
  name: 'cohere',
  errorBody: (err: GatewayError) => JSON.stringify({ message: err.message }),
};

export function sseEvent(ev: { type: string }): string {
  return `event: ${ev.type}\ndata: ${JSON.stringify(ev)}\n\n`;
}
