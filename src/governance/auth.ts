/**
 * Authenticating a presented virtual key against the configured keys. Lookup is by SHA-256 of the
 * presented key, so the plaintext is never compared or stored; the hash map lookup leaks nothing useful
 * (an attacker cannot choose hash prefixes). Then: active, not expired.
 */
import { GatewayError } from '../core/errors.js';
import { hashKey } from './keys.js';
import type { VirtualKey } from './model.js';

export type AuthFailure = 'missing' | 'unknown' | 'revoked' | 'expired';
export type AuthResult = { ok: true; key: VirtualKey } | { ok: false; reason: AuthFailure };

export class KeyIndex {
  private readonly byHash = new Map<string, VirtualKey>();

  constructor(keys: Iterable<VirtualKey> = []) {
    for (const k of keys) this.byHash.set(k.hash, k);
  }

  get size(): number {
    return this.byHash.size;
  }

  byKeyHash(hash: string): VirtualKey | undefined {
    return this.byHash.get(hash);
  }

  authenticate(presented: string | null | undefined, now: number): AuthResult {
    if (!presented) return { ok: false, reason: 'missing' };
    const key = this.byHash.get(hashKey(presented));
    if (!key) return { ok: false, reason: 'unknown' };
    if (!key.active) return { ok: false, reason: 'revoked' };
    if (key.expiresAt !== undefined && now >= key.expiresAt) return { ok: false, reason: 'expired' };
    return { ok: true, key };
  }
}

const MESSAGES: Record<AuthFailure, string> = {
  missing: 'Missing API key. Pass a virtual key as "Authorization: Bearer sk-sy-...".',
  unknown: 'Invalid API key.',
  revoked: 'This API key has been revoked.',
  expired: 'This API key has expired.',
};

/** The 401 the client sees; the message never echoes the presented key. */
export function authError(reason: AuthFailure): GatewayError {
  return new GatewayError({
    status: 401,
    type: 'authentication_error',
    code: reason === 'missing' ? 'missing_api_key' : reason === 'unknown' ? 'invalid_api_key' : `key_${reason}`,
    message: MESSAGES[reason],
  });
}
