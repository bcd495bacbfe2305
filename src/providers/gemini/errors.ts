/**
 * Gemini / Google API errors: `{"error":{"code":400,"message":"...","status":"INVALID_ARGUMENT"}}`
 * (https://ai.google.dev/gemini-api/docs/troubleshooting, google.rpc.Status). The shared upstreamError
 * keeps status and message; here the Google status string becomes the code, as it is the stable one.
 */
import { GatewayError } from '../../core/errors.js';
import type { UpstreamResponse } from '../transport.js';
import { upstreamError } from '../upstream-error.js';

const TYPE_BY_STATUS: Record<string, string> = {
  INVALID_ARGUMENT: 'invalid_request_error', FAILED_PRECONDITION: 'invalid_request_error', OUT_OF_RANGE: 'invalid_request_error',
  UNAUTHENTICATED: 'authentication_error', PERMISSION_DENIED: 'permission_error', NOT_FOUND: 'not_found_error',
  RESOURCE_EXHAUSTED: 'rate_limit_error', UNAVAILABLE: 'overloaded_error', DEADLINE_EXCEEDED: 'timeout_error', INTERNAL: 'api_error',
};

export function googleError(provider: string, status: number, body: unknown, fallbackMessage: string): GatewayError {
  const e = (body && typeof body === 'object' ? (body as { error?: unknown }).error : undefined) as { code?: unknown; message?: unknown; status?: unknown } | undefined;
  const gStatus = typeof e?.status === 'string' ? e.status : undefined;
  const message = typeof e?.message === 'string' ? e.message : fallbackMessage;
  return new GatewayError({
    status,
    type: (gStatus && TYPE_BY_STATUS[gStatus]) ?? (status >= 500 ? 'upstream_error' : 'invalid_request_error'),
    code: gStatus ?? (typeof e?.code === 'number' ? String(e.code) : null),
    message: `${provider}: ${message}`,
    provider,
    upstreamBody: body,
  });
}

export async function geminiUpstreamError(provider: string, res: UpstreamResponse): Promise<GatewayError> {
  const base = await upstreamError(provider, res);
  const body = base.upstreamBody as { error?: { status?: unknown } } | undefined;
  if (!body || typeof body !== 'object' || !body.error || typeof body.error.status !== 'string') return base;
  const g = googleError(provider, base.status, body, base.message);
  return new GatewayError({ status: g.status, type: g.type, code: g.code, message: g.message, provider, retryAfter: base.retryAfter, upstreamBody: body });
}

/** A mid-stream `{"error":{...}}` event: the HTTP status was 200 already, so the code says what failed. */
export function streamError(provider: string, body: { error?: { code?: number } }): GatewayError {
  const code = body.error?.code;
  return googleError(provider, typeof code === 'number' && code >= 400 && code < 600 ? code : 502, body, 'upstream stream error');
}
