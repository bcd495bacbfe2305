export { loadConfig, ConfigError, parseByteSize, type ConfigOverrides } from './load.js';
export { resolveProvider } from './provider.js';
export type { ResolvedConfig, ResolvedProvider, AliasConfig, RoutingConfig, ClusterConfig, ObservabilityConfig } from './resolved.js';
export { configSchema, providerSchema, type ConfigFile, type ProviderConfigFile } from './schema.js';
