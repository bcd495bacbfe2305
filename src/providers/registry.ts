/**
 * Builds provider instances from the resolved config. One line per adapter family.
 */
import type { ResolvedProvider } from '../config/index.js';
import { providerKind } from './catalog.js';
import { MockProvider } from './mock/index.js';
import { OpenAICompatProvider } from './openai-compat/index.js';
import type { Provider } from './types.js';

const ADAPTERS: Record<string, new (cfg: ResolvedProvider, kind: NonNullable<ReturnType<typeof providerKind>>) => Provider> = {
  openai: OpenAICompatProvider,
  mock: MockProvider,
};

export function createProvider(cfg: ResolvedProvider): Provider {
  const kind = providerKind(cfg.kind);
  if (!kind) throw new Error(`unknown provider kind ${cfg.kind}`);
  return new ADAPTERS[kind.adapter](cfg, kind);
}

export function createProviders(cfgs: Record<string, ResolvedProvider>): Map<string, Provider> {
  return new Map(Object.entries(cfgs).map(([name, cfg]) => [name, createProvider(cfg)]));
}
