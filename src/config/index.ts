export { loadConfig, ConfigError, parseByteSize, type ConfigOverrides } from './load.js';
export type { ResolvedConfig, ResolvedProvider, AliasConfig, RoutingConfig, ClusterConfig, ObservabilityConfig } from './resolved.js';
export { configSchema, type ConfigFile } from './schema.js';
