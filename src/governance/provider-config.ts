/**
 * Providers added or replaced through the admin API (an overlay over the config file). Input is the config
 * file's own provider schema (snake_case, as operators write it), validated the same way, and resolved to
 * the ResolvedProvider the workers build instances from. Secrets are kept as given (workers need them) and
 * shown only masked.
 */
import { GatewayError } from '../core/errors.js';
import type { ResolvedProvider } from '../config/index.js';
import { providerSchema, type ProviderConfigFile } from '../config/schema.js';
import { PROVIDER_KINDS, providerKind } from '../providers/index.js';

export const PROVIDER_NAME = /^[a-z0-9][a-z0-9_-]*$/;

/** What the snapshot carries to every worker: the resolved overlay and a version to skip unchanged ones. */
export interface ProviderOverlay {
  version: string;
  entries: Record<string, ResolvedProvider>;
}

/** How an API-added provider is stored in the cluster's LWW map. */
export interface StoredProvider { name: string; config: ProviderConfigFile; updatedAt: number }

const OPTION_FIELDS = ['project', 'location', 'credentials', 'region', 'secret_access_key', 'session_token', 'api_version'] as const;
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

export function resolveProvider(name: string, p: ProviderConfigFile): ResolvedProvider {
  const kindName = p.type ?? name;
  const kind = providerKind(kindName);
  if (!kind) throw invalid('type', `unknown provider type "${kindName}" (set type to one of: ${PROVIDER_KINDS.map((k) => k.kind).join(', ')})`);
  const baseUrl = p.base_url ?? kind.baseUrl;
  const derivesUrl = kind.adapter === 'mock' || kind.adapter === 'bedrock' || kind.adapter === 'vertex';
  if (!baseUrl && !derivesUrl) throw invalid('base_url', `base_url is required for type "${kind.kind}"`);
  if (p.api_key && p.keys) throw invalid('keys', 'give either api_key or keys, not both');
  if (kind.requiresKey && !p.api_key && !p.keys) throw invalid('api_key', `api_key (or keys) is required for type "${kind.kind}"`);
  return {
    name,
    kind: kind.kind,
    adapter: kind.adapter,
    baseUrl: (baseUrl ?? '').replace(/\/+$/, ''),
    apiKey: p.api_key,
    headers: p.headers ?? {},
    models: p.models,
    timeoutMs: p.timeout_ms ?? 600_000,
    firstByteTimeoutMs: p.first_byte_timeout_ms,
    streamIdleTimeoutMs: p.stream_idle_timeout_ms,
    keys: p.keys
      ? p.keys.map((k, i) => ({ id: k.name ?? `key${i}`, apiKey: k.key, weight: k.weight ?? 1, models: k.models }))
      : p.api_key ? [{ id: 'key0', apiKey: p.api_key, weight: 1 }] : [],
    connectTimeoutMs: p.connect_timeout_ms ?? 10_000,
    maxConnections: p.max_connections ?? 256,
    latencyMs: p.latency_ms ?? 0,
    options: Object.fromEntries(OPTION_FIELDS.filter((f) => p[f] !== undefined).map((f) => [f, String(p[f])])),
    deployments: p.deployments,
  };
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
    options: Object.fromEntries(Object.entries(r.options).map(([k, v]) => [k, SECRET_OPTIONS.has(k) ? maskSecret(v) : v])),
    ...(r.deployments ? { deployments: r.deployments } : {}),
    ...(updatedAt !== undefined ? { updated_at: new Date(updatedAt).toISOString() } : {}),
  };
}
