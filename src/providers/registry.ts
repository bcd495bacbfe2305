/**
 * Builds provider instances from the resolved config. One line per adapter family.
 */
import type { ResolvedProvider } from '../config/index.js';
import { AnthropicProvider } from './anthropic/index.js';
import { AzureProvider } from './azure/index.js';
import { BedrockProvider } from './bedrock/index.js';
import { providerKind, type AdapterName, type ProviderKind } from './catalog.js';
import { CohereProvider } from './cohere/index.js';
import { GeminiProvider } from './gemini/index.js';
import { MockProvider } from './mock/index.js';
import { OpenAICompatProvider } from './openai-compat/index.js';
import type { Provider } from './types.js';
import { VertexProvider } from './vertex/index.js';

const ADAPTERS: Record<AdapterName, new (cfg: ResolvedProvider, kind: ProviderKind) => Provider> = {
  openai: OpenAICompatProvider,
  mock: MockProvider,
  anthropic: AnthropicProvider,
  gemini: GeminiProvider,
  vertex: VertexProvider,
  bedrock: BedrockProvider,
  azure: AzureProvider,
  cohere: CohereProvider,
};

export function createProvider(cfg: ResolvedProvider): Provider {
  const kind = providerKind(cfg.kind);
  if (!kind) throw new Error(`unknown provider kind ${cfg.kind}`);
  return new ADAPTERS[kind.adapter](cfg, kind);
}

export function createProviders(cfgs: Record<string, ResolvedProvider>): Map<string, Provider> {
  return new Map(Object.entries(cfgs).map(([name, cfg]) => [name, createProvider(cfg)]));
}
