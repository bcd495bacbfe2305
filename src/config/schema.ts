/**
 * The config file's schema. Field names are snake_case, as in the YAML/JSON operators write.
 * Validation happens once, in the main thread, before anything starts: a bad file stops the node with
 * every problem listed by path.
 */
import { z } from 'zod';
import { PROVIDER_KIND_NAMES } from '../providers/catalog.js';

const byteSize = z.union([
  z.number().int().positive(),
  z.string().regex(/^\d+(\.\d+)?\s*(b|kb|mb|gb)?$/i, 'expected a size like 10mb, 512kb or a number of bytes'),
]);

const secret = z.string().min(1);

const target = z.string().regex(/^[^/\s][^\s]*\/\S+$/, 'expected "provider/model"');
const modelName = z.string().min(1);

const keySchema = z.object({
  key: secret,
  /** Share of this provider's traffic the key gets (default 1). */
  weight: z.number().nonnegative().optional(),
  /** Models this key may serve (all when absent). */
  models: z.array(z.string().min(1)).optional(),
  name: z.string().regex(/^[\w.-]{1,64}$/).optional(),
}).strict();

const timeouts = {
  timeout_ms: z.number().int().positive().optional(),
  first_byte_timeout_ms: z.number().int().positive().optional(),
  stream_idle_timeout_ms: z.number().int().positive().optional(),
};

export const providerSchema = z.object({
  type: z.enum(PROVIDER_KIND_NAMES as [string, ...string[]]).optional(),
  base_url: z.string().url().optional(),
  api_key: secret.optional(),
  /** Several keys with weights and per-key model lists (instead of api_key). */
  keys: z.array(keySchema).min(1).optional(),
  headers: z.record(z.string()).optional(),
  /** Models advertised by GET /v1/models; when absent the upstream's own list is fetched. */
  models: z.array(z.string().min(1)).optional(),
  ...timeouts,
  connect_timeout_ms: z.number().int().positive().optional(),
  max_connections: z.number().int().positive().optional(),
  /** Talk HTTP/2 to the upstream (ALPN over https, prior knowledge over http); max_connections then counts sessions. */
  http2: z.boolean().optional(),
  /** mock provider only: simulated upstream latency. */
  latency_ms: z.number().nonnegative().optional(),
  // Provider-specific settings (see the provider's section in the README).
  /** vertex: GCP project and location; credentials = service-account JSON file path or the JSON itself. */
  project: z.string().min(1).optional(),
  location: z.string().min(1).optional(),
  credentials: secret.optional(),
  /** bedrock: AWS region and credentials (api_key = access key id). */
  region: z.string().min(1).optional(),
  secret_access_key: secret.optional(),
  session_token: secret.optional(),
  /** azure: API version and model -> deployment name map. */
  api_version: z.string().min(1).optional(),
  deployments: z.record(z.string().min(1)).optional(),
}).strict();

const aliasSchema = z.object({
  deployments: z.array(z.object({
    target,
    weight: z.number().nonnegative().optional(),
    tags: z.array(z.string()).optional(),
  }).strict()).min(1),
  /** Tried in order when every deployment failed. */
  fallbacks: z.array(modelName).optional(),
  /** Tried instead when the upstream says the prompt does not fit its context window. */
  context_window_fallbacks: z.array(modelName).optional(),
  /** Tried instead when the upstream refuses the content. */
  content_policy_fallbacks: z.array(modelName).optional(),
}).strict();

const routingSchema = z.object({
  /** Extra attempts within a deployment group (the alias or one fallback) before moving on. */
  retries: z.number().int().min(0).max(10).optional(),
  backoff_base_ms: z.number().int().nonnegative().optional(),
  backoff_max_ms: z.number().int().nonnegative().optional(),
  /** Longest Retry-After the gateway waits for itself; longer ones move on to another deployment. */
  max_retry_after_ms: z.number().int().nonnegative().optional(),
  key_cooldown_ms: z.number().int().positive().optional(),
  ...timeouts,
  /** When every deployment of the last fallback group has an open circuit, send to them anyway (default true). */
  panic_when_all_open: z.boolean().optional(),
  /** Concurrent upstream requests per deployment per node, and the bounded queue behind them. */
  max_concurrency: z.number().int().positive().optional(),
  queue_size: z.number().int().nonnegative().optional(),
  queue_timeout_ms: z.number().int().positive().optional(),
  breaker: z.object({
    error_rate_threshold: z.number().min(0).max(1).optional(),
    min_calls: z.number().int().positive().optional(),
    consecutive_failures: z.number().int().positive().optional(),
    cooldown_ms: z.number().int().positive().optional(),
    cooldown_multiplier: z.number().min(1).optional(),
    max_cooldown_ms: z.number().int().positive().optional(),
    half_open_max_probes: z.number().int().positive().optional(),
    half_open_successes: z.number().int().positive().optional(),
  }).strict().optional(),
  /** Stats window: bucket length and count. */
  window_bucket_ms: z.number().int().positive().optional(),
  window_buckets: z.number().int().positive().optional(),
  exploration_floor: z.number().min(0).max(1).optional(),
}).strict();

export type AliasConfigFile = z.infer<typeof aliasSchema>;
export type RoutingConfigFile = z.infer<typeof routingSchema>;

export const configSchema = z.object({
  server: z.object({
    host: z.string().min(1).optional(),
    port: z.number().int().min(0).max(65535).optional(),
    workers: z.number().int().min(1).max(256).optional(),
    body_limit: byteSize.optional(),
    /** Requests in flight on this node before new model calls get 503 (0 or absent: derived from the open-files limit). */
    max_in_flight: z.number().int().nonnegative().optional(),
    shutdown_timeout_ms: z.number().int().nonnegative().optional(),
    /** How far a V8 heap may grow past its live size before the next full GC, in percent (0: V8's own factor). */
    heap_growth_percent: z.number().int().min(0).max(1000).optional(),
    allow_js_fallback: z.boolean().optional(),
  }).strict().optional(),
  logging: z.object({
    level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).optional(),
  }).strict().optional(),
  data_dir: z.string().min(1).optional(),
  providers: z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'provider names are lowercase letters, digits, - and _'), providerSchema).optional(),
  /** Aliases: a client-facing model name mapped to "provider/model", or to deployments with fallbacks. */
  models: z.record(z.union([target, aliasSchema])).optional(),
  routing: routingSchema.optional(),
  drop_params: z.boolean().optional(),
  observability: z.object({
    /** OpenTelemetry tracing: off unless an OTLP/HTTP endpoint is given (here, --otel or SWITCHYARD_OTEL_ENDPOINT). */
    otel: z.object({
      endpoint: z.string().url().optional(),
      /** Share of new traces sampled (a client's sampled traceparent is followed either way). */
      sample_ratio: z.number().min(0).max(1).optional(),
      service_name: z.string().min(1).optional(),
      /** Batch span processor: longest wait before spans are exported. */
      export_delay_ms: z.number().int().positive().optional(),
    }).strict().optional(),
    request_log: z.object({
      enabled: z.boolean().optional(),
      retention_days: z.number().positive().optional(),
      /** Finer than days (tests, small disks); wins over retention_days. */
      retention_ms: z.number().int().positive().optional(),
      sweep_interval_ms: z.number().int().positive().optional(),
      /** Store request bodies too (off by default: they may hold personal data). */
      bodies: z.boolean().optional(),
      max_body_bytes: z.number().int().positive().optional(),
      /** Entries a worker holds before it drops (and counts) new ones. */
      queue_size: z.number().int().positive().optional(),
      flush_ms: z.number().int().positive().optional(),
    }).strict().optional(),
    metrics: z.object({
      /** Tokens and cost per virtual key and team (off by default: one series per key). */
      per_key_labels: z.boolean().optional(),
      /** Distinct values kept per bounded label (model, deployment, key, team) per worker; the rest are "other". */
      max_label_values: z.number().int().positive().max(10_000).optional(),
    }).strict().optional(),
  }).strict().optional(),
  /** Governance: whether requests need a virtual key, and the bootstrap admin token. */
  auth: z.object({
    enforce_auth: z.boolean().optional(),
    admin_token: secret.optional(),
  }).strict().optional(),
  /** Prices overriding the bundled table, USD per 1M tokens, keyed "provider/model" or "model". */
  pricing: z.record(z.object({
    input: z.number().nonnegative(),
    output: z.number().nonnegative(),
    cached_input: z.number().nonnegative().optional(),
    cache_write: z.number().nonnegative().optional(),
  }).strict()).optional(),
  cluster: z.object({
    host: z.string().min(1).optional(),
    port: z.number().int().min(0).max(65535).optional(),
    /** Pre-shared cluster key: 64 hex characters (32 bytes). */
    key: secret.optional(),
    key_file: z.string().min(1).optional(),
    seeds: z.array(z.string().min(1)).optional(),
    seed_dns: z.array(z.string().min(1)).optional(),
    announce: z.array(z.string().min(1)).optional(),
    /** Network without a key: local development only. */
    insecure: z.boolean().optional(),
    heartbeat_ms: z.number().int().positive().optional(),
    suspect_after_ms: z.number().int().positive().optional(),
    dead_after_ms: z.number().int().positive().optional(),
    sync_interval_ms: z.number().int().positive().optional(),
  }).strict().optional(),
}).strict();

export type ConfigFile = z.infer<typeof configSchema>;
export type ProviderConfigFile = z.infer<typeof providerSchema>;
