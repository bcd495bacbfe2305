/**
 * The Google GenAI wire dialect: errors are google.rpc.Status objects
 * `{"error":{"code":<http status>,"message":"...","status":"INVALID_ARGUMENT","details":[...]}}`
 * (https://ai.google.dev/gemini-api/docs/troubleshooting, https://cloud.google.com/apis/design/errors),
 * and streams are SSE `data: <GenerateContentResponse>` events. A stream that fails after it started
 * ends with a `data: {"error":{...}}` event, which the @google/genai SDK raises as an ApiError.
 */
import type { GatewayError } from '../../core/errors.js';
import type { Dialect } from '../../http/index.js';

const STATUS_BY_HTTP: Record<number, string> = {
  400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND', 409: 'ABORTED',
  413: 'INVALID_ARGUMENT', 429: 'RESOURCE_EXHAUSTED', 499: 'CANCELLED', 500: 'INTERNAL', 501: 'UNIMPLEMENTED',
  502: 'UNAVAILABLE', 503: 'UNAVAILABLE', 504: 'DEADLINE_EXCEEDED',
};

export function googleStatus(http: number): string {
  return STATUS_BY_HTTP[http] ?? (http >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION');
}

export function errorObject(err: GatewayError): { error: Record<string, unknown> } {
  const error: Record<string, unknown> = { code: err.status, message: err.message, status: googleStatus(err.status) };
  // The offending field, as Google's BadRequest detail carries it.
  if (err.param) error.details = [{ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field: err.param, description: err.message }] }];
  return { error };
}

export const genaiDialect: Dialect = {
  name: 'genai',
  errorBody: (err) => JSON.stringify(errorObject(err)),
};

export function sseEvent(obj: unknown): string {
  return `data: ${JSON.stringify(obj)}\r\n\r\n`;
}

export function sseError(err: GatewayError): string {
  return sseEvent(errorObject(err));
}
