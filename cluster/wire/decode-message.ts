/**
 * Turns untrusted bytes into a typed message or a drop reason. Never throws.
 * Order of checks: size (before decoding anything), msgpack, version, shape, then the caller's
 * semantic check (e.g. "records must be the sender's own").
 */
import type { z } from 'zod';
import { decode } from './codec.js';
import { WIRE_VERSION } from './limits.js';

export type DropReason = 'oversized' | 'malformed' | 'version' | 'invalid' | 'blocked' | 'unknown-topic';

export type Decoded<T> = { ok: true; message: T } | { ok: false; reason: DropReason; detail: string };

export function decodeMessage<S extends z.ZodTypeAny>(
  bytes: Uint8Array,
  schema: S,
  maxBytes: number,
  check?: (message: z.infer<S>) => string | undefined,
): Decoded<z.infer<S>> {
  if (bytes.byteLength > maxBytes) return { ok: false, reason: 'oversized', detail: `${bytes.byteLength} > ${maxBytes} bytes` };
  let raw: unknown;
  try {
    raw = decode(bytes);
  } catch (err) {
    return { ok: false, reason: 'malformed', detail: `not msgpack: ${(err as Error).message}` };
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, reason: 'malformed', detail: 'not a map' };
  const version = (raw as { v?: unknown }).v;
  if (version !== WIRE_VERSION) return { ok: false, reason: 'version', detail: `wire version ${String(version)}` };
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, reason: 'malformed', detail: issue ? `${issue.path.join('.')}: ${issue.message}` : 'bad shape' };
  }
  const problem = check?.(parsed.data);
  if (problem !== undefined) return { ok: false, reason: 'invalid', detail: problem };
  return { ok: true, message: parsed.data };
}
