import type { GatewayState } from '../core/pipeline.js';

/**
 * GET /api/routing: every deployment this node knows (aliases and plain models used so far) with its
 * configured and effective weight, health factor, window statistics and circuit state.
 */
export function routingReport(gw: GatewayState) {
  const now = Date.now();
  const router = gw.router;
  const deployments = router.catalog.all();
  return {
    generated_at: new Date(now).toISOString(),
    deployments: router.state.snapshot(deployments, now),
    aliases: Object.fromEntries(Object.keys(gw.aliases).map((name) => {
      const g = router.resolve(name);
      return [name, {
        deployments: g.deployments.map((d) => d.id),
        fallbacks: g.alias?.fallbacks ?? [],
        context_window_fallbacks: g.alias?.contextWindowFallbacks ?? [],
        content_policy_fallbacks: g.alias?.contentPolicyFallbacks ?? [],
      }];
    })),
  };
}
