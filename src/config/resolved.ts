import type { AdapterName } from '../providers/catalog.js';

/**
 * The config after defaults, CLI flags, env vars and secret references were applied. This is what the
 * main thread hands to the workers (structured-clone friendly: plain data only).
 */
export interface ResolvedProvider {
  name: string;
  kind: string;
  adapter: AdapterName;
  baseUrl: string;
  apiKey?: string;
  headers: Record<string, string>;
  models?: string[];
  timeoutMs: number;
  firstByteTimeoutMs?: number;
  streamIdleTimeoutMs?: number;
  /** Keys with weights (a single api_key becomes one key). Each key gets its own provider instance. */
  keys: Array<{ id: string; apiKey: string; weight: number; models?: string[] }>;
  connectTimeoutMs: number;
  maxConnections: number;
  /** HTTP/2 to the upstream (see providers/h2-dispatcher.ts). */
  http2?: boolean;
  latencyMs: number;
  /** Provider-specific settings (project, location, credentials, region, secret_access_key, session_token, api_version). */
  options: Record<string, string>;
  /** azure: model name -> deployment name. */
  deployments?: Record<string, string>;
}

export interface AliasConfig {
  deployments: Array<{ target: string; weight: number; tags: string[] }>;
  fallbacks: string[];
  contextWindowFallbacks: string[];
  contentPolicyFallbacks: string[];
}

export interface RoutingConfig {
  retries: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  maxRetryAfterMs: number;
  keyCooldownMs: number;
  timeoutMs?: number;
  firstByteTimeoutMs?: number;
  streamIdleTimeoutMs?: number;
  /** Send to open-circuit deployments when nothing else is left (default true). */
  panicWhenAllOpen: boolean;
  maxConcurrency: number;
  queueSize: number;
  queueTimeoutMs: number;
  breaker: {
    errorRateThreshold?: number; minCalls?: number; consecutiveFailures?: number; cooldownMs?: number;
    cooldownMultiplier?: number; maxCooldownMs?: number; halfOpenMaxProbes?: number; halfOpenSuccesses?: number;
  };
  windowBucketMs: number;
  windowBuckets: number;
  explorationFloor?: number;
}

export interface ClusterConfig {
  host?: string;
  port: number;
  key?: string;
  keyFile?: string;
  seeds: string[];
  seedDns: string[];
  announce: string[];
  insecure: boolean;
  heartbeatMs?: number;
  suspectAfterMs?: number;
  deadAfterMs?: number;
  syncIntervalMs?: number;
}

export interface ObservabilityConfig {
  /** Absent: tracing off (no SDK loaded, zero cost). */
  otel?: { endpoint: string; sampleRatio: number; serviceName: string; exportDelayMs: number };
  requestLog: {
    enabled: boolean; retentionMs: number; sweepIntervalMs: number; bodies: boolean; maxBodyBytes: number;
    queueSize: number; flushMs: number;
  };
  /** Optional so hand-built configs in tests stay valid (defaults: 200 label values, no per-key labels). */
  metrics?: { perKeyLabels: boolean; maxLabelValues: number };
}

export interface ResolvedConfig {
  host: string;
  port: number;
  workers: number;
  bodyLimitBytes: number;
  /** Node-wide cap on requests in flight (undefined: derived from the open-files limit, see http/overload.ts). */
  maxInFlight?: number;
  shutdownTimeoutMs: number;
  /**
   * V8's heap growing factor, in percent over the live size, for every thread of the node (0: V8 picks it,
   * up to 4x). Optional so hand-built configs in tests stay valid.
   */
  heapGrowthPercent?: number;
  allowJsFallback: boolean;
  logLevel: string;
  dataDir: string;
  providers: Record<string, ResolvedProvider>;
  aliases: Record<string, AliasConfig>;
  routing: RoutingConfig;
  cluster: ClusterConfig;
  /** Bootstrap admin token (else one is generated into the data dir). */
  adminToken?: string;
  /** Initial enforce_auth (the admin API setting wins once set). */
  enforceAuth?: boolean;
  pricing: Record<string, { input: number; output: number; cached_input?: number; cache_write?: number }>;
  dropParams: boolean;
  testHooks: boolean;
  /** Tracing and the request log (optional so hand-built configs in tests stay valid). */
  observability?: ObservabilityConfig;
}
