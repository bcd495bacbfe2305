/**
 * The Anthropic wire dialect: errors as {"type":"error","error":{"type","message"}} with Anthropic's error
 * types (https://docs.anthropic.com/en/api/errors), and SSE framing `event: <type>\ndata: <json>\n\n`
 * (https://docs.anthropic.com/en/docs/build-with-claude/streaming). A stream that fails after it started
 * ends with an `error` event, which the Anthropic SDKs raise as an APIError.
 */
import type { GatewayError } from '../../core/errors.js';
import type { Dialect } from '../../http/index.js';

const ANTHROPIC_TYPES = new Set([
  'invalid_request_error', 'authentication_error', 'billing_error', 'permission_error', 'not_found_error', 'request_too_large',
  'rate_limit_error', 'timeout_error', 'api_error', 'overloaded_error',
]);

/** The status decides where Anthropic's own mapping is fixed (errors page: 400/401/403/404/413/429/500/529). */
const TYPE_BY_STATUS: Record<number, string> = {
  400: 'invalid_request_error', 401: 'authentication_error', 402: 'billing_error', 403: 'permission_error', 404: 'not_found_error',
  409: 'invalid_request_error', 413: 'request_too_large', 422: 'invalid_request_error', 429: 'rate_limit_error', 504: 'timeout_error', 529: 'overloaded_error',
};

export function anthropicErrorType(err: GatewayError): string {
  const byStatus = TYPE_BY_STATUS[err.status];
  if (byStatus) return byStatus;
  if (ANTHROPIC_TYPES.has(err.type)) return err.type;
  if (err.type === 'budget_exceeded') return 'rate_limit_error';
  if (err.status >= 400 && err.status < 500) return 'invalid_request_error';
  return 'api_error';
}

export function errorObject(err: GatewayError): { type: 'error'; error: { type: string; message: string } } {
  return { type: 'error', error: { type: anthropicErrorType(err), message: err.message } };
}

export const anthropicDialect: Dialect = {
  name: 'anthropic',
  errorBody: (err) => JSON.stringify(errorObject(err)),
};

export function sseEvent(obj: { type: string; [k: string]: unknown }): string {
  return `event: ${obj.type}\ndata: ${JSON.stringify(obj)}\n\n`;
}

export function sseError(err: GatewayError): string {
  return sseEvent(errorObject(err));
}
