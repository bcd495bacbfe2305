/**
 * Turns the client's model string into (provider, upstream model): a configured alias first, then
 * `provider/model`. Anything else is a 404 that tells the client how models are addressed.
 */
import type { Provider } from '../providers/index.js';
import { GatewayError } from './errors.js';

export interface Target { provider: Provider; model: string }

export function resolveModel(model: string, providers: Map<string, Provider>, aliases: Record<string, string>): Target {
  const name = aliases[model] ?? model;
  const slash = name.indexOf('/');
  if (slash > 0 && slash < name.length - 1) {
    const provider = providers.get(name.slice(0, slash));
    if (provider) return { provider, model: name.slice(slash + 1) };
  }
  throw new GatewayError({
    status: 404, type: 'invalid_request_error', code: 'model_not_found', param: 'model',
    message: `The model \`${model}\` does not exist or you do not have access to it. Address models as "provider/model" (configured providers: ${[...providers.keys()].join(', ')}) or by a configured alias.`,
  });
}
