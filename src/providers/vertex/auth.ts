/**
 * Service-account OAuth for Vertex AI: a JWT signed RS256 with the account's private key is exchanged
 * at its token_uri for an access token (https://developers.google.com/identity/protocols/oauth2/service-account
 * "Preparing to make an authorized API call" → HTTP/REST: grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer,
 * claims iss / scope / aud=token_uri / iat / exp ≤ 1 h). Tokens are cached and refreshed a while before
 * they expire; concurrent requests share one refresh. Signing is done by `jose`.
 */
import { readFileSync } from 'node:fs';
import { importPKCS8, SignJWT } from 'jose';
import { GatewayError } from '../../core/errors.js';

export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
const DEFAULT_TOKEN_URI = 'https://oauth2.googleapis.com/token';
/** Refresh this long before expiry so that no request goes out with a token about to lapse. */
const REFRESH_MARGIN_MS = 5 * 60_000;

export interface ServiceAccount { client_email: string; private_key: string; private_key_id?: string; token_uri?: string; project_id?: string }

/** options.credentials is the JSON itself or a path to the JSON file. */
export function loadServiceAccount(credentials: string, provider: string): ServiceAccount {
  let text = credentials.trim();
  try {
    if (!text.startsWith('{')) text = readFileSync(text, 'utf8');
    const sa = JSON.parse(text) as Partial<ServiceAccount>;
    if (typeof sa.client_email !== 'string' || typeof sa.private_key !== 'string') throw new Error('client_email / private_key missing');
    return sa as ServiceAccount;
  } catch (err) {
    // Never echo the credentials themselves: only what kind of problem it was.
    throw new GatewayError({ status: 500, type: 'authentication_error', code: 'invalid_credentials', message: `${provider}: cannot read service-account credentials (${(err as Error).message.split('\n')[0].slice(0, 80)})`, provider });
  }
}

export class ServiceAccountTokens {
  private token?: { value: string; refreshAt: number };
  private inflight?: Promise<string>;

  constructor(private readonly sa: ServiceAccount, private readonly provider: string, private readonly now: () => number = Date.now) {}

  /** A valid access token, from cache when fresh. */
  get(): Promise<string> {
    if (this.token && this.now() < this.token.refreshAt) return Promise.resolve(this.token.value);
    this.inflight ??= this.fetch().finally(() => { this.inflight = undefined; });
    return this.inflight;
  }

  private async fetch(): Promise<string> {
    const tokenUri = this.sa.token_uri || DEFAULT_TOKEN_URI;
    const iat = Math.floor(this.now() / 1000);
    let assertion: string;
    try {
      const key = await importPKCS8(this.sa.private_key, 'RS256');
      const header: { alg: 'RS256'; typ: 'JWT'; kid?: string } = { alg: 'RS256', typ: 'JWT' };
      if (this.sa.private_key_id) header.kid = this.sa.private_key_id;
      assertion = await new SignJWT({ scope: CLOUD_PLATFORM_SCOPE })
        .setProtectedHeader(header).setIssuer(this.sa.client_email).setAudience(tokenUri).setIssuedAt(iat).setExpirationTime(iat + 3600)
        .sign(key);
    } catch {
      throw this.fail(500, 'cannot sign the token request with the service-account key');
    }
    const body = new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }).toString();
    let status: number;
    let json: { access_token?: unknown; expires_in?: unknown; error?: unknown; error_description?: unknown };
    try {
      // The global fetch: rare calls, and it keeps the full undici out of the worker (see providers/undici-parts.ts).
      const res = await fetch(tokenUri, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body, signal: AbortSignal.timeout(30_000) });
      status = res.status;
      json = await res.json() as typeof json;
    } catch {
      throw this.fail(502, 'the OAuth token endpoint did not answer');
    }
    if (status >= 300 || typeof json.access_token !== 'string') {
      const why = typeof json.error_description === 'string' ? json.error_description : typeof json.error === 'string' ? json.error : `HTTP ${status}`;
      throw this.fail(status === 400 || status === 401 ? 401 : 502, `token exchange failed: ${why}`);
    }
    const ttlMs = (typeof json.expires_in === 'number' ? json.expires_in : 3600) * 1000;
    this.token = { value: json.access_token, refreshAt: this.now() + Math.max(ttlMs - REFRESH_MARGIN_MS, ttlMs / 2) };
    return json.access_token;
  }

  private fail(status: number, message: string): GatewayError {
    return new GatewayError({ status, type: 'authentication_error', code: 'upstream_auth_failed', message: `${this.provider}: ${message}`, provider: this.provider });
  }
}
