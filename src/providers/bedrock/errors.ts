/**
 * Bedrock error shapes -> GatewayError. HTTP errors carry the error name in the `x-amzn-errortype` header
 * (e.g. `ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/`) and `{"message": ...}`
 * as body; errors inside a ConverseStream arrive as event-stream messages with `:message-type: exception`
 * and `:exception-type` naming the member (validationException, throttlingException, ...).
 * https://docs.aws.amazon.com/bedrock/latest/APIReference/CommonErrors.html
 */
import { GatewayError } from '../../core/errors.js';
import type { UpstreamResponse } from '../transport.js';
import { parseRetryAfterSeconds, readBounded } from '../upstream-error.js';

/** HTTP status of each stream exception, as documented for the same-named HTTP errors. */
const STREAM_STATUS: Record<string, number> = {
  validationException: 400, throttlingException: 429, modelStreamErrorException: 424,
  internalServerException: 500, serviceUnavailableException: 503, modelTimeoutException: 408,
};

function messageOf(parsed: unknown, fallback: string): string {
  if (parsed && typeof parsed === 'object') {
    const o = parsed as Record<string, unknown>;
    const m = o.message ?? o.Message;
    if (typeof m === 'string') return m;
  }
  return fallback;
}

/** `ValidationException:http://...` -> `ValidationException`. */
export function errorName(header: string | string[] | undefined): string | undefined {
  const v = Array.isArray(header) ? header[0] : header;
  return v ? v.split(':')[0].trim() || undefined : undefined;
}

export async function bedrockHttpError(provider: string, res: UpstreamResponse): Promise<GatewayError> {
  let text = '';
  try { text = await readBounded(res.body); } catch { /* body cut: keep the status */ }
  let parsed: unknown;
  try { parsed = JSON.parse(text); } catch { /* not JSON */ }
  const bodyType = parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>).__type : undefined;
  const name = errorName(res.headers['x-amzn-errortype']) ?? (typeof bodyType === 'string' ? bodyType.split('#').pop() : undefined);
  return new GatewayError({
    status: res.status,
    type: name ?? (res.status >= 500 ? 'upstream_error' : 'invalid_request_error'),
    code: name ?? null,
    message: `${provider}: ${messageOf(parsed, text.slice(0, 500) || `HTTP ${res.status}`)}`,
    provider,
    retryAfter: parseRetryAfterSeconds(res.headers['retry-after']),
    upstreamBody: parsed ?? text,
  });
}

export function bedrockStreamError(provider: string, exceptionType: string, body: string): GatewayError {
  let parsed: unknown;
  try { parsed = JSON.parse(body); } catch { /* not JSON */ }
  const name = exceptionType.charAt(0).toUpperCase() + exceptionType.slice(1);
  return new GatewayError({
    status: STREAM_STATUS[exceptionType] ?? 502,
    type: name, code: name,
    message: `${provider}: ${messageOf(parsed, body.slice(0, 500) || exceptionType)}`,
    provider, upstreamBody: parsed ?? body,
  });
}
