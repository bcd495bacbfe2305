/**
 * Virtual keys: `sk-sy-<base62>` bearer secrets handed to clients. The gateway keeps only the SHA-256 of
 * a key (hex) and a short display prefix, so a leaked store or log never yields a usable key.
 */
import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

export const KEY_PREFIX = 'sk-sy-';
/** Random part length: 43 base62 chars ≈ 256 bits of entropy. */
export const KEY_RANDOM_LENGTH = 43;
/** Characters of the key shown in UIs and listings ("sk-sy-AbCd"); never enough to guess the rest. */
export const DISPLAY_PREFIX_LENGTH = 10;

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
// Largest multiple of 62 that fits in a byte: bytes at or above it are rejected so every char is uniform.
const UNBIASED_LIMIT = 256 - (256 % 62);
const KEY_SHAPE = /^sk-sy-[0-9A-Za-z]{32,}$/;
const HEX64 = /^[0-9a-f]{64}$/;

export interface GeneratedKey {
  /** The plaintext key: show it to the caller once, never store or log it. */
  key: string;
  hash: string;
  prefix: string;
}

/** Uniform base62 string of `length` chars from the CSPRNG (rejection sampling, no modulo bias). */
export function randomBase62(length: number, random: (n: number) => Buffer = randomBytes): string {
  let out = '';
  while (out.length < length) {
    const bytes = random(Math.max(16, (length - out.length) * 2));
    for (const b of bytes) {
      if (b >= UNBIASED_LIMIT) continue;
      out += BASE62[b % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

export function generateKey(random?: (n: number) => Buffer): GeneratedKey {
  const key = KEY_PREFIX + randomBase62(KEY_RANDOM_LENGTH, random);
  return { key, hash: hashKey(key), prefix: displayPrefix(key) };
}

/**
 * SHA-256 (hex) of the full key. Keys are high-entropy, so an unsalted fast hash is the right tool.
 * The one-shot `crypto.hash` (Node 20.12) skips the Hash object: a third of createHash's cost, on every request.
 */
export function hashKey(key: string): string {
  return hash('sha256', key, 'hex');
}

export function displayPrefix(key: string): string {
  return key.slice(0, DISPLAY_PREFIX_LENGTH);
}

/** True when the string has the shape of a Switchyard virtual key (cheap pre-check before hashing). */
export function isVirtualKeyFormat(key: string): boolean {
  return KEY_SHAPE.test(key);
}

/** Constant-time comparison of two hex SHA-256 digests; false for anything that is not one. */
export function hashesEqual(a: string, b: string): boolean {
  if (!HEX64.test(a) || !HEX64.test(b)) return false;
  return timingSafeEqual(Buffer.from(a, 'hex'), Buffer.from(b, 'hex'));
}

/** Does `key` hash to `storedHash`? Constant time with respect to the stored hash. */
export function verifyKey(key: string, storedHash: string): boolean {
  return hashesEqual(hashKey(key), storedHash);
}

/** The request headers a client SDK may carry its key in (lower-cased header values, already read). */
export interface KeyHeaders {
  /** `Authorization` — OpenAI, Cohere, Mistral, ... (`Bearer <key>`). */
  authorization?: string | null;
  /** `x-api-key` — Anthropic SDK. */
  xApiKey?: string | null;
  /** `x-goog-api-key` — Google GenAI SDK. */
  xGoogApiKey?: string | null;
  /** `api-key` — Azure OpenAI SDK. */
  apiKey?: string | null;
}

const BEARER = /^bearer[ \t]+(\S+)[ \t]*$/i;

/**
 * The key the client presented, or null. Checked in a fixed order (Authorization first); a header that is
 * present but malformed (e.g. `Authorization: Basic ...`, empty value) is skipped so that SDKs which send
 * both a placeholder Authorization and their own header still work.
 */
export function extractKey(headers: KeyHeaders): string | null {
  const auth = headers.authorization?.trim();
  if (auth) {
    const m = BEARER.exec(auth);
    if (m) return m[1]!;
  }
  for (const v of [headers.xApiKey, headers.xGoogApiKey, headers.apiKey]) {
    const t = v?.trim();
    if (t && !/\s/.test(t)) return t;
  }
  return null;
}
