/**
 * Retry policy: what to do after a failed upstream attempt, how long to back off, and how
 * to read an upstream's Retry-After.
 *
 * Classes:
 *   retry          transient: timeouts, connection errors, 408/425/429/5xx/529 → try again
 *                  (on another deployment first, see orderForAttempts)
 *   rotate_key     the credential is refused (401/403) or its quota is gone (429
 *                  insufficient_quota) → put this key on cooldown, try another key
 *   context_window the prompt does not fit the model → only a larger-context fallback helps
 *   content_policy the provider's safety system refused → only a content-policy fallback helps
 *   fatal          the request itself is wrong (other 4xx) or the client went away → stop
 */
import type { Rand } from './select.js';

export type FailureClass = 'retry' | 'rotate_key' | 'context_window' | 'content_policy' | 'fatal';

export interface FailureInfo {
  status?: number;
  /** Provider error code/type, or a Node/undici error code (ECONNRESET, UND_ERR_…). */
  errorCode?: string;
  kind?: 'timeout' | 'connect' | 'reset' | 'aborted';
  /** Upstream error body: parsed JSON or raw text. */
  body?: unknown;
}

// Codes are compared lower-cased.
const CONTEXT_CODES = new Set(['context_length_exceeded', 'string_above_max_length', 'model_context_window_exceeded']);
const CONTENT_CODES = new Set([
  'content_policy_violation', // OpenAI (images, moderation-blocked requests)
  'content_filter', // Azure OpenAI
  'responsibleaipolicyviolation', // Azure OpenAI innererror
  'safety', // Gemini blockReason / finishReason
  'prohibited_content',
  'blocklist',
  'spii',
  'image_safety',
]);
const QUOTA_CODES = new Set(['insufficient_quota', 'billing_hard_limit_reached', 'billing_not_active']);
const ABORT_CODES = new Set(['abort_err', 'und_err_aborted', 'aborterror']);

// OpenAI / vLLM: "This model's maximum context length is 8192 tokens"; "Your input exceeds the
// context window of this model". Anthropic: "prompt is too long: 208573 tokens > 200000
// maximum"; "input length and `max_tokens` exceed context limit". Gemini: "The input token
// count (1200000) exceeds the maximum number of tokens allowed (1048576)". Bedrock: "Input is
// too long for requested model". Mistral: "too large for model with 32768 maximum context length".
const CONTEXT_MESSAGE =
  /maximum context length|context[ _]length|context window|exceeds? (the )?context limit|prompt is too long|input is too long|input token count.*exceeds|exceeds the maximum number of tokens|too many input tokens|reduce the length of the (messages|prompt)/i;

// OpenAI: "Your request was rejected as a result of our safety system"; Azure: "...triggering
// Azure OpenAI's content management policy"; Anthropic: "Output blocked by content filtering
// policy"; generic "violates our usage policies".
const CONTENT_MESSAGE = /safety system|content management policy|content filtering policy|content[ _]policy|usage polic(y|ies)|flagged as potentially violating/i;

interface Extracted {
  codes: string[];
  messages: string[];
}

/** Pull codes and messages out of the OpenAI, Anthropic, Gemini and Bedrock error shapes. */
function extract(body: unknown): Extracted {
  const out: Extracted = { codes: [], messages: [] };
  let value: unknown = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body) as unknown;
    } catch {
      out.messages.push(body);
      return out;
    }
  }
  const visit = (v: unknown, depth: number): void => {
    if (depth > 4 || v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      for (const item of v.slice(0, 4)) visit(item, depth + 1); // Gemini sometimes wraps errors in an array
      return;
    }
    const o = v as Record<string, unknown>;
    for (const key of ['code', 'type', 'status', '__type', 'blockReason', 'finishReason']) {
      const c = o[key];
      if (typeof c === 'string') out.codes.push(c.toLowerCase());
    }
    for (const key of ['message', 'Message', 'detail']) {
      const m = o[key];
      if (typeof m === 'string') out.messages.push(m);
    }
    for (const key of ['error', 'innererror', 'promptFeedback', 'details']) visit(o[key], depth + 1);
  };
  visit(value, 0);
  return out;
}

function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

export function classifyFailure(info: FailureInfo): FailureClass {
  const code = info.errorCode?.toLowerCase();
  if (info.kind === 'aborted' || (code !== undefined && ABORT_CODES.has(code))) return 'fatal';
  if (info.kind === 'timeout' || info.kind === 'connect' || info.kind === 'reset') return 'retry';

  const { codes, messages } = extract(info.body);
  if (code !== undefined) codes.unshift(code);
  const status = info.status;

  if (status === 401 || status === 403) return 'rotate_key';
  if (codes.some((c) => QUOTA_CODES.has(c))) return 'rotate_key';

  // Context and content errors are client-side 4xx (or carried without a status by an adapter
  // that turned a blocked 200 into an error); a 5xx is never one, whatever its text says.
  const clientSide = status === undefined || (status >= 400 && status < 500 && !isRetryableStatus(status));
  if (clientSide) {
    if (codes.some((c) => CONTENT_CODES.has(c))) return 'content_policy';
    if (codes.some((c) => CONTEXT_CODES.has(c))) return 'context_window';
    if (messages.some((m) => CONTEXT_MESSAGE.test(m))) return 'context_window';
    if (messages.some((m) => CONTENT_MESSAGE.test(m))) return 'content_policy';
  }

  if (status === undefined) return 'retry'; // no HTTP answer at all: a transport failure
  if (isRetryableStatus(status)) return 'retry';
  return 'fatal';
}

export interface BackoffConfig {
  baseMs: number;
  maxMs: number;
}

/**
 * Exponential backoff with full jitter: uniform in [0, min(maxMs, baseMs · 2^attempt)).
 * `attempt` counts from 0 (the wait before the first retry).
 */
export function backoffMs(attempt: number, cfg: BackoffConfig, rand: Rand): number {
  const n = Math.max(0, Math.floor(Number.isFinite(attempt) ? attempt : 0));
  const ceiling = Math.max(0, Math.min(cfg.maxMs, cfg.baseMs * Math.pow(2, Math.min(n, 52))));
  const r = rand();
  const u = Number.isFinite(r) ? Math.min(Math.max(r, 0), 1) : 0;
  return Math.min(Math.floor(u * ceiling), Math.max(ceiling - 1, 0));
}

export const DEFAULT_RETRY_AFTER_CAP_MS = 60_000;

const SECONDS = /^\s*(\d+(?:\.\d+)?)\s*$/;
const IMF_FIXDATE = /^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/;
const RFC850_DATE = /^[A-Za-z]+, \d{2}-[A-Za-z]{3}-\d{2} \d{2}:\d{2}:\d{2} GMT$/;
const ASCTIME_DATE = /^[A-Za-z]{3} [A-Za-z]{3} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/;

type HeaderValue = string | readonly string[] | number | null | undefined;

function first(value: HeaderValue): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return value;
  return value.length > 0 ? value[0]! : null;
}

function parseHttpDate(s: string): number | null {
  // Only the three HTTP-date forms (RFC 9110 §5.6.7): Date.parse alone accepts far too much.
  if (IMF_FIXDATE.test(s) || RFC850_DATE.test(s)) return Date.parse(s);
  if (ASCTIME_DATE.test(s)) return Date.parse(`${s} GMT`); // asctime carries no zone but means GMT
  return null;
}

/**
 * Delay in ms from a Retry-After value: delay-seconds or an HTTP-date (relative to `now`),
 * capped at `capMs`. null for a missing or unparseable value; a date in the past gives 0.
 */
export function parseRetryAfter(value: HeaderValue, now: number, capMs = DEFAULT_RETRY_AFTER_CAP_MS): number | null {
  const s = first(value)?.trim();
  if (!s) return null;
  const seconds = SECONDS.exec(s);
  let ms: number | null;
  if (seconds) ms = Number(seconds[1]) * 1000;
  else {
    const at = parseHttpDate(s);
    ms = at === null || Number.isNaN(at) ? null : at - now;
  }
  if (ms === null || !Number.isFinite(ms)) return null;
  return Math.min(Math.max(Math.ceil(ms), 0), capMs);
}

/** `retry-after-ms` (OpenAI, Azure): milliseconds, fractional allowed. */
export function parseRetryAfterMs(value: HeaderValue, capMs = DEFAULT_RETRY_AFTER_CAP_MS): number | null {
  const s = first(value)?.trim();
  if (!s || !SECONDS.test(s)) return null;
  const ms = Number(s);
  return Number.isFinite(ms) ? Math.min(Math.ceil(ms), capMs) : null;
}

export type HeaderSource = { get(name: string): string | null } | Readonly<Record<string, HeaderValue>>;

function header(headers: HeaderSource, name: string): HeaderValue {
  if (typeof (headers as { get?: unknown }).get === 'function') return (headers as { get(n: string): string | null }).get(name);
  const rec = headers as Readonly<Record<string, HeaderValue>>;
  if (name in rec) return rec[name];
  const lower = name.toLowerCase();
  for (const k of Object.keys(rec)) if (k.toLowerCase() === lower) return rec[k];
  return undefined;
}

/** Retry delay from response headers: `retry-after-ms` wins over `retry-after`. */
export function retryDelayFromHeaders(headers: HeaderSource, now: number, capMs = DEFAULT_RETRY_AFTER_CAP_MS): number | null {
  return parseRetryAfterMs(header(headers, 'retry-after-ms'), capMs) ?? parseRetryAfter(header(headers, 'retry-after'), now, capMs);
}
