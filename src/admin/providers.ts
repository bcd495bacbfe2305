/**
 * /api/providers: the providers this gateway routes to, from the config file and from the admin API, with
 * every secret masked. PUT adds or replaces one (validated with the config file's provider schema) and
 * DELETE removes an API-added one; both go through the control plane into the cluster's LWW map, so every
 * worker of every node applies them within a propagation delay, without a restart.
 */
import { parseJsonObject } from '../api/openai/check.js';
import type { ResolvedProvider } from '../config/index.js';
import { GatewayError } from '../core/errors.js';
import { publicProvider } from '../governance/provider-config.js';
import type { GovernanceSnapshot } from '../governance/index.js';
import type { Route } from '../http/index.js';
import type { ControlCall } from './cluster.js';
import { guarded } from './governance.js';

type View = ReturnType<typeof publicProvider> & { overrides?: string };

export function providerRoutes(snapshot: () => GovernanceSnapshot | undefined, control: ControlCall, configured: Record<string, ResolvedProvider>): Route[] {
  return [
    guarded(snapshot, 'get', '/api/providers', 'providers.read', 200, async () => {
      const added = (await control('gov.providers.list')) as View[];
      const byName = new Map<string, View>(Object.values(configured).map((p) => [p.name, publicProvider(p, 'config')]));
      // An API entry with a config file's name overrides it (the file's version returns when it is deleted).
      for (const p of added) byName.set(p.name, { ...p, ...(configured[p.name] ? { overrides: 'config' } : {}) });
      return { data: [...byName.values()].sort((a, b) => a.name.localeCompare(b.name)) };
    }),
    guarded(snapshot, 'put', '/api/providers/:name', 'providers.write', 200, async (_c, body, p, _q, actor) =>
      control('gov.providers.put', { actor, name: decodeURIComponent(p[0]), input: parseJsonObject(body) })),
    guarded(snapshot, 'del', '/api/providers/:name', 'providers.write', 200, async (_c, _b, p, _q, actor) => {
      const name = decodeURIComponent(p[0]);
      const added = (await control('gov.providers.list')) as View[];
      if (configured[name] && !added.some((x) => x.name === name)) {
        throw new GatewayError({ status: 409, type: 'invalid_request_error', code: 'provider_from_config', param: 'name', message: `Provider "${name}" comes from the config file; change the file to remove it.` });
      }
      return control('gov.providers.delete', { actor, name });
    }),
  ];
}
