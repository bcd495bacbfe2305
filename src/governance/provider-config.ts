/**
 * Providers added or replaced through the admin API (an overlay over the config file). Input is the config
 * file's own provider schema (snake_case, as operators write it), validated the same way, and resolved to
 * the ResolvedProvider the workers build instances from. Secrets are kept as given (workers need them) and
 * shown only masked.
 */
import { GatewayError } from '../core/errors.js';
// Not the config index: that loads the YAML parser, which workers never need.
import { resolveProvider as resolveFromConfig } from '../config/provider.js';
import type { ResolvedProvider } from '../config/resolved.js';
import { providerSchema, type ProviderConfigFile } from '../config/schema.js';

export const PROVIDER_NAME = /^[a-z0-9][a-z0-9_-]*$/;

/** What the snapshot carries to every worker: the resolved overlay and a version to skip unchanged ones. */
export interface ProviderOverlay {
  version: string;
  entries: Record<string, ResolvedProvider>;
}

/** How an API-added provider is stored in the cluster's LWW map. */
export interface StoredProvider { name: string; config: ProviderConfigFile; updatedAt: number }

const SECRET_OPTIONS = new Set(['credentials', 'secret_access_key', 'session_token']);

function invalid(param: string, message: string): GatewayError {
  return new GatewayError({ status: 400, type: 'invalid_request_error', code: 'invalid_provider', param, message: `invalid provider: ${message}` });
}

/** Validates with the config file's schema, then resolves as the config loader does (same rules, same defaults). */
export function parseProvider(name: string, input: unknown): { config: ProviderConfigFile; resolved: ResolvedProvider } {
  if (!PROVIDER_NAME.test(name)) throw invalid('name', 'provider names are lowercase letters, digits, - and _');
  const r = providerSchema.safeParse(input);
  if (!r.success) {
    const first = r.error.issues[0]!;
    const msg = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.code === 'unrecognized_keys' ? `unknown field(s) ${i.keys.join(', ')}` : i.message}`).join('; ');
    throw invalid(first.code === 'unrecognized_keys' ? first.keys[0]! : first.path.join('.'), msg);
  }
  return { config: r.data, resolved: resolveProvider(name, r.data) };
}

/** The config loader's resolution, with its first problem turned into a 400 naming the field. */
export function resolveProvider(name: string, p: ProviderConfigFile): ResolvedProvider {
  const problems: string[] = [];
  const r = resolveFromConfig(name, p, problems);
  if (problems.length || !r) {
    const m = /^providers\.[^.]+(?:\.([\w.]+))?: (.*)$/.exec(problems[0] ?? '');
    const field = m?.[1] ?? 'type';
    throw invalid(field, `${field}: ${m?.[2] ?? problems[0] ?? 'invalid provider'}`);
  }
  return r;
}

/** `sk-...abcd`: enough to tell keys apart, never enough to use one. Short secrets show nothing. */
export function maskSecret(s: string | undefined): string | undefined {
  if (s === undefined) return undefined;
  return s.length >= 16 ? `${s.slice(0, 3)}...${s.slice(-4)}` : '***';
}

/** A provider as the admin API and the audit log show it: every secret masked, header values too. */
export function publicProvider(r: ResolvedProvider, source: 'config' | 'api', updatedAt?: number) {
  return {
    name: r.name,
    source,
    type: r.kind,
    base_url: r.baseUrl || null,
    ...(r.apiKey !== undefined ? { api_key: maskSecret(r.apiKey) } : {}),
    keys: r.keys.map((k) => ({ name: k.id, key: maskSecret(k.apiKey), weight: k.weight, ...(k.models ? { models: k.models } : {}) })),
    headers: Object.fromEntries(Object.keys(r.headers).map((h) => [h, '***'])),
    models: r.models ?? null,
    timeout_ms: r.timeoutMs,
    first_byte_timeout_ms: r.firstByteTimeoutMs ?? null,
    stream_idle_timeout_ms: r.streamIdleTimeoutMs ?? null,
    connect_timeout_ms: r.connectTimeoutMs,
    max_connections: r.maxConnections,
    http2: r.http2 ?? false,
    options: Object.fromEntries(Object.entries(r.options).map(([k, v]) => [k, SECRET_OPTIONS.has(k) ? maskSecret(v) : v])),
    ...(r.deployments ? { deployments: r.deployments } : {}),
    ...(updatedAt !== undefined ? { updated_at: new Date(updatedAt).toISOString() } : {}),
  };
}
