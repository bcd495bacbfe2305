/**
 * GET /v1/models: the models of every configured provider, addressed "provider/model", plus aliases.
 * Providers without a configured model list are asked upstream; answers are cached and a provider that
 * does not answer in time is left out rather than failing the whole list.
 */
import { performance } from 'node:perf_hooks';
import { GatewayError } from '../../core/errors.js';
import type { GatewayState } from '../../core/pipeline.js';
import type { ModelInfo } from '../../core/types.js';
import type { Provider } from '../../providers/index.js';

const CACHE_MS = 60_000;
const LIST_TIMEOUT_MS = 3_000;
const cache = new Map<string, { at: number; models: string[] }>();

async function providerModels(p: Provider): Promise<string[]> {
  if (p.config.models) return p.config.models;
  const hit = cache.get(p.name);
  if (hit && performance.now() - hit.at < CACHE_MS) return hit.models;
  try {
    const signal = AbortSignal.timeout(LIST_TIMEOUT_MS);
    const models = await p.listModels({ signal, requestId: 'models', upstreamStart: 0, upstreamEnd: 0 });
    cache.set(p.name, { at: performance.now(), models });
    return models;
  } catch {
    return hit?.models ?? [];
  }
}

export async function listModels(gw: GatewayState): Promise<{ object: 'list'; data: ModelInfo[] }> {
  const created = Math.floor(Date.now() / 1000);
  const lists = await Promise.all([...gw.providers.values()].map(async (p) => ({ p, models: await providerModels(p) })));
  const data: ModelInfo[] = [];
  for (const { p, models } of lists) {
    for (const m of models) data.push({ id: `${p.name}/${m}`, object: 'model', created, owned_by: p.name });
  }
  for (const alias of Object.keys(gw.aliases)) data.push({ id: alias, object: 'model', created, owned_by: 'switchyard' });
  return { object: 'list', data };
}

export async function retrieveModel(gw: GatewayState, id: string): Promise<ModelInfo> {
  const all = await listModels(gw);
  const m = all.data.find((x) => x.id === id);
  if (!m) throw new GatewayError({ status: 404, type: 'invalid_request_error', code: 'model_not_found', param: 'model', message: `The model \`${id}\` does not exist or you do not have access to it.` });
  return m;
}
