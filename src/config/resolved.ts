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
  connectTimeoutMs: number;
  maxConnections: number;
  latencyMs: number;
  /** Provider-specific settings (project, location, credentials, region, secret_access_key, session_token, api_version). */
  options: Record<string, string>;
  /** azure: model name -> deployment name. */
  deployments?: Record<string, string>;
}

export interface ResolvedConfig {
  host: string;
  port: number;
  workers: number;
  bodyLimitBytes: number;
  shutdownTimeoutMs: number;
  allowJsFallback: boolean;
  logLevel: string;
  dataDir: string;
  providers: Record<string, ResolvedProvider>;
  aliases: Record<string, string>;
  dropParams: boolean;
  testHooks: boolean;
}
