/**
 * One provider's config-file entry resolved to what the workers build adapters from. Apart from load.ts so
 * that workers (which resolve providers added through the admin API) do not load the YAML parser.
 */
import { PROVIDER_KINDS, providerKind } from '../providers/catalog.js';
import type { ResolvedProvider } from './resolved.js';
import type { ConfigFile } from './schema.js';

export const OPTION_FIELDS = ['project', 'location', 'credentials', 'region', 'secret_access_key', 'session_token', 'api_version'] as const;

/** One provider's resolved settings; problems are appended as `providers.<name>.<field>: message`. */
export function resolveProvider(name: string, p: NonNullable<ConfigFile['providers']>[string], problems: string[]): ResolvedProvider | undefined {
  const kindName = p.type ?? name;
  const kind = providerKind(kindName);
  if (!kind) {
    problems.push(`providers.${name}.type: unknown provider type "${kindName}" (set type to one of: ${PROVIDER_KINDS.map((k) => k.kind).join(', ')})`);
    return undefined;
  }
  const baseUrl = p.base_url ?? kind.baseUrl;
  // These adapters derive their URL from other settings (region, location) when no base_url is given.
  const derivesUrl = kind.adapter === 'mock' || kind.adapter === 'bedrock' || kind.adapter === 'vertex';
  if (!baseUrl && !derivesUrl) {
    problems.push(`providers.${name}.base_url: required for type "${kind.kind}"`);
    return undefined;
  }
  if (p.api_key && p.keys) problems.push(`providers.${name}: give either api_key or keys, not both`);
  if (kind.requiresKey && !p.api_key && !p.keys) {
    problems.push(`providers.${name}.api_key: required for type "${kind.kind}" (use env.${kind.apiKeyEnv ?? 'VAR'} to read it from the environment)`);
  }
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
    // Per worker; above the router's default concurrency per deployment (1024 per node), so that the router, with its
    // queue timeout and errors, is the limit that applies by default, not a silent wait for a connection.
    maxConnections: p.max_connections ?? 1024,
    http2: p.http2 ?? false,
    latencyMs: p.latency_ms ?? 0,
    options: Object.fromEntries(OPTION_FIELDS.filter((f) => p[f] !== undefined).map((f) => [f, String(p[f])])),
    deployments: p.deployments,
  };
}
