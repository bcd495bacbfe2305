/**
 * One error type for the whole request path. Ingress dialects render it in their own wire shape; the
 * fields here are the dialect-neutral facts: HTTP status, a machine-readable type/code, the offending
 * parameter, and (for upstream errors) which provider produced it.
 */
export type ErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'budget_exceeded'
  | 'upstream_error'
  | 'timeout_error'
  | 'overloaded_error'
  | 'api_error';

export interface GatewayErrorInit {
  status: number;
  /** One of ErrorType for gateway-made errors; upstream errors keep the upstream's own type string. */
  type: ErrorType | (string & {});
  message: string;
  code?: string | null;
  param?: string | null;
  provider?: string;
  /** Seconds the client should wait before retrying (sets Retry-After). */
  retryAfter?: number;
  /** The upstream's own error body, kept for logs and for same-dialect passthrough. */
  upstreamBody?: unknown;
}

export class GatewayError extends Error {
  readonly status: number;
  readonly type: string;
  readonly code: string | null;
  readonly param: string | null;
  readonly provider?: string;
  readonly retryAfter?: number;
  readonly upstreamBody?: unknown;

  constructor(init: GatewayErrorInit) {
    super(init.message);
    this.name = 'GatewayError';
    this.status = init.status;
    this.type = init.type;
    this.code = init.code ?? null;
    this.param = init.param ?? null;
    this.provider = init.provider;
    this.retryAfter = init.retryAfter;
    this.upstreamBody = init.upstreamBody;
  }
}

export const badRequest = (message: string, param: string | null = null, code: string | null = null) =>
  new GatewayError({ status: 400, type: 'invalid_request_error', message, param, code });

export const notFound = (message: string, code: string, param: string | null = null) =>
  new GatewayError({ status: 404, type: 'not_found_error', message, code, param });

/**
 * This node cannot take the request (too much in flight, or out of descriptors): 503 with Retry-After, so
 * clients and load balancers go elsewhere. The router holds it against no deployment.
 */
export const overloadedError = (message = 'This gateway node has too many requests in flight; retry shortly or use another node.') =>
  new GatewayError({ status: 503, type: 'overloaded_error', code: 'gateway_overloaded', retryAfter: 1, message });

/** Turns anything thrown into a GatewayError without leaking internals to the client. */
export function toGatewayError(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  return new GatewayError({ status: 500, type: 'api_error', message: 'internal gateway error', code: 'internal_error' });
}
