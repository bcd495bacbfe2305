import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ZodIssue } from 'zod';
import { PROVIDER_KINDS, providerKind } from '../providers/catalog.js';
import { configSchema, type ConfigFile } from './schema.js';
import { resolveProvider } from './provider.js';
import type { AliasConfig, ObservabilityConfig, ResolvedConfig, ResolvedProvider, RoutingConfig } from './resolved.js';
import type { RoutingConfigFile } from './schema.js';

/** Options that come from the CLI / SWITCHYARD_* env vars and override the file. */
export interface ConfigOverrides {
  config?: string;
  host?: string;
  port?: number;
  workers?: number;
  dataDir?: string;
  logLevel?: string;
  allowJsFallback?: boolean;
  clusterHost?: string;
  clusterPort?: number;
  clusterKey?: string;
  clusterKeyFile?: string;
  seeds?: string[];
  seedDns?: string[];
  announce?: string[];
  clusterInsecure?: boolean;
  /** OTLP/HTTP endpoint (base URL, e.g. http://127.0.0.1:4318): turns tracing on. */
  otelEndpoint?: string;
  otelSampleRatio?: number;
  adminToken?: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[], source: string) {
    super(`invalid configuration in ${source}:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}


const ENV_REF = /^env\.([A-Za-z_][A-Za-z0-9_]*)$/;
/**
 * A full GC once a heap has doubled past its live size. With V8's own factor (up to 4x) a node holding
 * 7500 requests in flight peaked at about 1.5x the RSS it peaks at with 100 %, which costs a few percent
 * more CPU per request (bench/README.md, "Heap growth").
 */
const DEFAULT_HEAP_GROWTH_PERCENT = 100;

function formatIssue(issue: ZodIssue): string {
  const path = issue.path.length ? issue.path.join('.') : '(root)';
  if (issue.code === 'unrecognized_keys') return `${path}: unknown field(s) ${issue.keys.join(', ')}`;
  return `${path}: ${issue.message}`;
}

export function parseByteSize(v: number | string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v === 'number') return v;
  const m = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i.exec(v.trim())!;
  const mult = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[(m[2] ?? 'b').toLowerCase() as 'b'];
  return Math.floor(Number(m[1]) * mult);
}

function readConfigFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError([`cannot read file: ${(err as Error).message}`], path);
  }
  try {
    return extname(path).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new ConfigError([`cannot parse: ${(err as Error).message}`], path);
  }
}

/** Replaces every `env.NAME` string with the env var's value; a missing var is a problem at that path. */
function resolveEnvRefs(value: unknown, path: string[], env: NodeJS.ProcessEnv, problems: string[]): unknown {
  if (typeof value === 'string') {
    const m = ENV_REF.exec(value);
    if (!m) return value;
    const v = env[m[1]];
    if (v === undefined || v === '') problems.push(`${path.join('.')}: environment variable ${m[1]} is not set`);
    return v ?? '';
  }
  if (Array.isArray(value)) return value.map((v, i) => resolveEnvRefs(v, [...path, String(i)], env, problems));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = resolveEnvRefs(v, [...path, k], env, problems);
    return out;
  }
  return value;
}

/** Adds every provider whose standard env var is set and that the file does not configure itself. */
function autoProviders(configured: Set<string>, env: NodeJS.ProcessEnv): Record<string, NonNullable<ConfigFile['providers']>[string]> {
  const out: Record<string, NonNullable<ConfigFile['providers']>[string]> = {};
  for (const kind of PROVIDER_KINDS) {
    if (configured.has(kind.kind)) continue;
    if (kind.kind === 'mock') { out.mock = { type: 'mock' }; continue; }
    const key = kind.apiKeyEnv ? env[kind.apiKeyEnv] : undefined;
    const url = kind.baseUrlEnv ? env[kind.baseUrlEnv] : undefined;
    if (!(key || url)) continue;
    const options: Record<string, string> = {};
    for (const [opt, envName] of Object.entries(kind.optionEnv ?? {})) if (env[envName]) options[opt] = env[envName]!;
    if (kind.kind === 'vertex' && key) { options.credentials = key; }
    out[kind.kind] = { type: kind.kind, ...(key && kind.kind !== 'vertex' ? { api_key: key } : {}), ...(url ? { base_url: url } : {}), ...options };
  }
  return out;
}

export function loadConfig(overrides: ConfigOverrides = {}, env: NodeJS.ProcessEnv = process.env): ResolvedConfig {
  const source = overrides.config ?? '(defaults)';
  const raw = overrides.config ? readConfigFile(overrides.config) : {};
  const parsed = configSchema.safeParse(raw ?? {});
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map(formatIssue), source);

  const problems: string[] = [];
  const file = resolveEnvRefs(parsed.data, [], env, problems) as ConfigFile;
  const fileProviders = file.providers ?? {};
  const allProviders = { ...autoProviders(new Set(Object.keys(fileProviders)), env), ...fileProviders };
  const providers: Record<string, ResolvedProvider> = {};
  for (const [name, p] of Object.entries(allProviders)) {
    const r = resolveProvider(name, p, problems);
    if (r) providers[name] = r;
  }
  const aliases: Record<string, AliasConfig> = {};
  for (const [alias, v] of Object.entries(file.models ?? {})) {
    const a: AliasConfig = typeof v === 'string'
      ? { deployments: [{ target: v, weight: 1, tags: [] }], fallbacks: [], contextWindowFallbacks: [], contentPolicyFallbacks: [] }
      : {
        deployments: v.deployments.map((d) => ({ target: d.target, weight: d.weight ?? 1, tags: d.tags ?? [] })),
        fallbacks: v.fallbacks ?? [], contextWindowFallbacks: v.context_window_fallbacks ?? [], contentPolicyFallbacks: v.content_policy_fallbacks ?? [],
      };
    a.deployments.forEach((d, i) => {
      const provider = d.target.slice(0, d.target.indexOf('/'));
      const path = typeof v === 'string' ? `models.${alias}` : `models.${alias}.deployments.${i}.target`;
      if (!providers[provider]) problems.push(`${path}: provider "${provider}" is not configured`);
    });
    aliases[alias] = a;
  }
  if (problems.length) throw new ConfigError(problems, source);

  const server = file.server ?? {};
  return {
    host: overrides.host ?? server.host ?? '0.0.0.0',
    port: overrides.port ?? server.port ?? 8080,
    workers: overrides.workers ?? server.workers ?? availableParallelism(),
    bodyLimitBytes: parseByteSize(server.body_limit, 10 * 1024 * 1024),
    maxInFlight: server.max_in_flight || undefined,
    shutdownTimeoutMs: server.shutdown_timeout_ms ?? 10_000,
    heapGrowthPercent: server.heap_growth_percent ?? DEFAULT_HEAP_GROWTH_PERCENT,
    allowJsFallback: overrides.allowJsFallback ?? server.allow_js_fallback ?? false,
    logLevel: overrides.logLevel ?? file.logging?.level ?? 'info',
    dataDir: overrides.dataDir ?? file.data_dir ?? './data',
    providers,
    aliases,
    routing: resolveRouting(file.routing ?? {}),
    adminToken: overrides.adminToken ?? file.auth?.admin_token,
    enforceAuth: file.auth?.enforce_auth,
    pricing: file.pricing ?? {},
    cluster: {
      host: overrides.clusterHost ?? file.cluster?.host,
      port: overrides.clusterPort ?? file.cluster?.port ?? 7946,
      key: overrides.clusterKey ?? file.cluster?.key,
      keyFile: overrides.clusterKeyFile ?? file.cluster?.key_file,
      seeds: overrides.seeds?.length ? overrides.seeds : file.cluster?.seeds ?? [],
      seedDns: overrides.seedDns?.length ? overrides.seedDns : file.cluster?.seed_dns ?? [],
      announce: overrides.announce?.length ? overrides.announce : file.cluster?.announce ?? [],
      insecure: overrides.clusterInsecure ?? file.cluster?.insecure ?? false,
      heartbeatMs: file.cluster?.heartbeat_ms,
      suspectAfterMs: file.cluster?.suspect_after_ms,
      deadAfterMs: file.cluster?.dead_after_ms,
      syncIntervalMs: file.cluster?.sync_interval_ms,
    },
    dropParams: file.drop_params ?? false,
    testHooks: env.SWITCHYARD_TEST_HOOKS === '1',
    observability: resolveObservability(file.observability ?? {}, overrides, env),
  };
}

const DAY_MS = 86_400_000;

function resolveObservability(o: NonNullable<ConfigFile['observability']>, overrides: ConfigOverrides, env: NodeJS.ProcessEnv): ObservabilityConfig {
  const t = o.otel ?? {};
  const r = o.request_log ?? {};
  const endpoint = overrides.otelEndpoint || env.SWITCHYARD_OTEL_ENDPOINT || t.endpoint;
  if (endpoint && !/^https?:\/\/[^/\s]+/.test(endpoint)) throw new ConfigError([`OpenTelemetry endpoint: expected an http(s) URL such as http://127.0.0.1:4318, got "${endpoint}"`], 'environment');
  const envRatio = env.SWITCHYARD_OTEL_SAMPLE_RATIO ? Number(env.SWITCHYARD_OTEL_SAMPLE_RATIO) : undefined;
  if (envRatio !== undefined && !(envRatio >= 0 && envRatio <= 1)) throw new ConfigError([`SWITCHYARD_OTEL_SAMPLE_RATIO: expected a number between 0 and 1`], 'environment');
  return {
    otel: endpoint ? {
      endpoint: endpoint.replace(/\/+$/, ''),
      sampleRatio: overrides.otelSampleRatio ?? envRatio ?? t.sample_ratio ?? 1,
      serviceName: t.service_name ?? 'switchyard',
      exportDelayMs: t.export_delay_ms ?? 1_000,
    } : undefined,
    requestLog: {
      enabled: r.enabled ?? true,
      retentionMs: r.retention_ms ?? Math.round((r.retention_days ?? 7) * DAY_MS),
      sweepIntervalMs: r.sweep_interval_ms ?? 60_000,
      bodies: r.bodies ?? false,
      maxBodyBytes: r.max_body_bytes ?? 64 * 1024,
      queueSize: r.queue_size ?? 10_000,
      flushMs: r.flush_ms ?? 100,
    },
    metrics: { perKeyLabels: o.metrics?.per_key_labels ?? false, maxLabelValues: o.metrics?.max_label_values ?? 200 },
  };
}

function resolveRouting(r: RoutingConfigFile): RoutingConfig {
  const b = r.breaker ?? {};
  return {
    retries: r.retries ?? 2,
    backoffBaseMs: r.backoff_base_ms ?? 100,
    backoffMaxMs: r.backoff_max_ms ?? 2_000,
    maxRetryAfterMs: r.max_retry_after_ms ?? 5_000,
    keyCooldownMs: r.key_cooldown_ms ?? 60_000,
    timeoutMs: r.timeout_ms,
    firstByteTimeoutMs: r.first_byte_timeout_ms,
    streamIdleTimeoutMs: r.stream_idle_timeout_ms,
    panicWhenAllOpen: r.panic_when_all_open ?? true,
    maxConcurrency: r.max_concurrency ?? 1024,
    queueSize: r.queue_size ?? 2048,
    queueTimeoutMs: r.queue_timeout_ms ?? 30_000,
    breaker: {
      errorRateThreshold: b.error_rate_threshold, minCalls: b.min_calls, consecutiveFailures: b.consecutive_failures,
      cooldownMs: b.cooldown_ms, cooldownMultiplier: b.cooldown_multiplier, maxCooldownMs: b.max_cooldown_ms,
      halfOpenMaxProbes: b.half_open_max_probes, halfOpenSuccesses: b.half_open_successes,
    },
    windowBucketMs: r.window_bucket_ms ?? 1_000,
    windowBuckets: r.window_buckets ?? 60,
    explorationFloor: r.exploration_floor,
  };
}
