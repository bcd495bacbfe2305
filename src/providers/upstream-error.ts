/**
 * Maps an upstream's non-2xx answer to a GatewayError: the status is preserved, the provider is named,
 * and the upstream's own message/type/code are kept when the body has them (OpenAI's
 * {"error":{...}} shape and the common variants other servers use).
 */
import { GatewayError } from '../core/errors.js';
import type { UpstreamResponse } from './transport.js';

const MAX_ERROR_BODY = 64 * 1024;

const TYPE_BY_STATUS: Record<number, string> = {
  400: 'invalid_request_error', 401: 'authentication_error', 403: 'permission_error', 404: 'not_found_error',
  408: 'timeout_error', 409: 'invalid_request_error', 413: 'request_too_large', 422: 'invalid_request_error',
  429: 'rate_limit_error', 529: 'overloaded_error',
};

export async function readBounded(body: AsyncIterable<Uint8Array>, limit = MAX_ERROR_BODY): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    if (size < limit) parts.push(Buffer.from(chunk.subarray(0, limit - size)));
    size += chunk.length;
  }
  return Buffer.concat(parts).toString('utf8');
}

function pick(obj: unknown, key: string): unknown {
  return obj && typeof obj === 'object' ? (obj as Record<string, unknown>)[key] : undefined;
}

export function parseRetryAfterSeconds(value: string | string[] | undefined): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  const n = Number(v);
  if (Number.isFinite(n) && n >= 0) return Math.ceil(n);
  const date = Date.parse(v);
  return Number.isFinite(date) ? Math.max(0, Math.ceil((date - Date.now()) / 1000)) : undefined;
}

export async function upstreamError(provider: string, res: UpstreamResponse): Promise<GatewayError> {
  let text = '';
  try { text = await readBounded(res.body); } catch { /* body cut: keep the status */ }
  let parsed: unknown;
  try { parsed = JSON.parse(text); } catch { /* not JSON */ }
  const e = pick(parsed, 'error');
  const errObj = e && typeof e === 'object' ? e : parsed;
  const msg = pick(errObj, 'message') ?? (typeof e === 'string' ? e : undefined) ?? pick(parsed, 'detail') ?? (text.slice(0, 500) || `HTTP ${res.status}`);
  const type = pick(errObj, 'type');
  const code = pick(errObj, 'code');
  const param = pick(errObj, 'param');
  return new GatewayError({
    status: res.status,
    type: typeof type === 'string' && type ? type : (TYPE_BY_STATUS[res.status] ?? (res.status >= 500 ? 'upstream_error' : 'invalid_request_error')),
    code: typeof code === 'string' ? code : typeof code === 'number' ? String(code) : null,
    param: typeof param === 'string' ? param : null,
    message: `${provider}: ${typeof msg === 'string' ? msg : JSON.stringify(msg)}`,
    provider,
    retryAfter: parseRetryAfterSeconds(res.headers['retry-after']),
    upstreamBody: parsed ?? text,
  });
}
