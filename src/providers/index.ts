export { PROVIDER_KINDS, providerKind, type ProviderKind, type Capabilities } from './catalog.js';
export { createProvider, createProviders } from './registry.js';
export type { Provider, CallContext, ChunkStream, CompletionChunk, UpstreamConnections } from './types.js';
