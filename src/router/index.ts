/**
 * The stateful router of a worker: deployments, per-deployment stats/breakers/limiters, and the attempt
 * loop. Policy (weights, breaker transitions, retry classification) lives in src/routing as pure functions.
 */
import type { ResolvedConfig } from '../config/index.js';
import { createProvider, type Provider } from '../providers/index.js';
import { DeploymentCatalog, type KeyRef } from './deployments.js';
import { Router, type RouterEvents } from './execute.js';
import { RouterState } from './state.js';

export { Router, type ExecuteOptions, type Run, type Timeouts, type RouterEvents } from './execute.js';
export { RouterState, type TransitionEvent, type Observation } from './state.js';
export { ClusterRoutingView, STATS_PREFIX, type ClusterRoutingSnapshot, type ClusterDeploymentView, type StatsSource } from './cluster-view.js';
export { DeploymentCatalog, type Deployment, type Group, type KeyRef } from './deployments.js';
export { ConcurrencyLimiter } from './limiter.js';

export interface Providers {
  /** One instance per provider (its first key): model listing and plain lookups. */
  byName: Map<string, Provider>;
  /** Every key's instance, per provider. */
  keyed: Map<string, KeyRef[]>;
}

/** One provider instance per key, so each key has its own connection pool and auth header. */
export function createProviderInstances(cfg: ResolvedConfig): Providers {
  const byName = new Map<string, Provider>();
  const keyed = new Map<string, KeyRef[]>();
  for (const [name, p] of Object.entries(cfg.providers)) {
    const keys = p.keys.length ? p.keys : [{ id: 'default', apiKey: p.apiKey ?? '', weight: 1 }];
    const refs = keys.map((k) => ({ id: k.id, weight: k.weight, models: 'models' in k ? k.models : undefined, provider: createProvider({ ...p, apiKey: k.apiKey || p.apiKey }) }));
    keyed.set(name, refs);
    byName.set(name, refs[0].provider);
  }
  return { byName, keyed };
}

export function createRouter(cfg: ResolvedConfig, providers: Providers, events?: RouterEvents): Router {
  return new Router(new DeploymentCatalog(providers.keyed, cfg.aliases), new RouterState(cfg.routing), events);
}
