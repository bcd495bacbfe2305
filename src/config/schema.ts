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

export const providerSchema = z.object({
  type: z.enum(PROVIDER_KIND_NAMES as [string, ...string[]]).optional(),
  base_url: z.string().url().optional(),
  api_key: secret.optional(),
  headers: z.record(z.string()).optional(),
  /** Models advertised by GET /v1/models; when absent the upstream's own list is fetched. */
  models: z.array(z.string().min(1)).optional(),
  timeout_ms: z.number().int().positive().optional(),
  connect_timeout_ms: z.number().int().positive().optional(),
  max_connections: z.number().int().positive().optional(),
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

export const configSchema = z.object({
  server: z.object({
    host: z.string().min(1).optional(),
    port: z.number().int().min(0).max(65535).optional(),
    workers: z.number().int().min(1).max(256).optional(),
    body_limit: byteSize.optional(),
    shutdown_timeout_ms: z.number().int().nonnegative().optional(),
    allow_js_fallback: z.boolean().optional(),
  }).strict().optional(),
  logging: z.object({
    level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).optional(),
  }).strict().optional(),
  data_dir: z.string().min(1).optional(),
  providers: z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'provider names are lowercase letters, digits, - and _'), providerSchema).optional(),
  /** Aliases: a client-facing model name mapped to "provider/model". */
  models: z.record(z.string().regex(/^[^/\s][^\s]*\/\S+$/, 'expected "provider/model"')).optional(),
  drop_params: z.boolean().optional(),
}).strict();

export type ConfigFile = z.infer<typeof configSchema>;
export type ProviderConfigFile = z.infer<typeof providerSchema>;
