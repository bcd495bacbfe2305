/**
 * Deployments: where a model name can be served. An alias lists deployments (provider, upstream model,
 * weight, tags); a plain "provider/model" is a deployment of its own. A provider with several keys gives
 * each deployment several keys to choose from.
 */
import type { AliasConfig } from '../config/index.js';
import { GatewayError } from '../core/errors.js';
import type { Provider } from '../providers/index.js';

export interface KeyRef { id: string; provider: Provider; weight: number; models?: string[] }

export interface Deployment {
  /** "provider/model", unique. */
  id: string;
  providerName: string;
  model: string;
  weight: number;
  tags: string[];
  keys: KeyRef[];
}

export interface Group {
  /** The model name this group was resolved from. */
  name: string;
  deployments: Deployment[];
  alias?: AliasConfig;
}

const MAX_AD_HOC = 1000;

export class DeploymentCatalog {
  private readonly byId = new Map<string, Deployment>();
  private readonly groups = new Map<string, Group>();
  /** Groups of plain provider/model names already resolved (bounded like byId): resolved once, not per request. */
  private readonly plain = new Map<string, Group>();

  constructor(private readonly keyed: Map<string, KeyRef[]>, aliases: Record<string, AliasConfig>) {
    for (const [name, alias] of Object.entries(aliases)) {
      const deployments = alias.deployments.map((d) => this.deployment(d.target, d.weight, d.tags)!);
      this.groups.set(name, { name, deployments, alias });
    }
  }

  /** All deployments known so far (aliases and plain models used since start). */
  all(): Deployment[] {
    return [...this.byId.values()];
  }

  private deployment(target: string, weight = 1, tags: string[] = []): Deployment | undefined {
    const slash = target.indexOf('/');
    if (slash <= 0 || slash === target.length - 1) return undefined;
    const providerName = target.slice(0, slash);
    const model = target.slice(slash + 1);
    const keys = this.keyed.get(providerName)?.filter((k) => !k.models || k.models.includes(model));
    if (!keys) return undefined;
    const existing = this.byId.get(target);
    if (existing) return weight === existing.weight ? existing : { ...existing, weight, tags };
    const d: Deployment = { id: target, providerName, model, weight, tags, keys };
    if (this.byId.size < MAX_AD_HOC) this.byId.set(target, d);
    return d;
  }

  /** Resolves a client model name (alias first, then provider/model); 404 when nothing matches. */
  resolve(model: string): Group {
    const g = this.groups.get(model) ?? this.plain.get(model);
    if (g) return g;
    const d = this.deployment(model);
    if (d) {
      if (d.keys.length === 0) {
        throw new GatewayError({ status: 404, type: 'invalid_request_error', code: 'model_not_found', param: 'model', message: `No key of provider "${d.providerName}" may serve the model \`${d.model}\`.` });
      }
      const group = { name: model, deployments: [d] };
      if (this.byId.get(model) === d) this.plain.set(model, group);
      return group;
    }
    throw new GatewayError({
      status: 404, type: 'invalid_request_error', code: 'model_not_found', param: 'model',
      message: `The model \`${model}\` does not exist or you do not have access to it. Address models as "provider/model" (configured providers: ${[...this.keyed.keys()].join(', ')}) or by a configured alias.`,
    });
  }
}
