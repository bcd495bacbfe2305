export { loadConfig, ConfigError, parseByteSize, resolveProvider, type ConfigOverrides } from './load.js';
export type { ResolvedConfig, ResolvedProvider, AliasConfig, RoutingConfig, ClusterConfig, ObservabilityConfig } from './resolved.js';
export { configSchema, providerSchema, type ConfigFile, type ProviderConfigFile } from './schema.js';
