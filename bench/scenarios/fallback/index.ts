/**
 * Fallback path: the added latency of a request whose first deployment answers 500 at once and that falls
 * back once, versus one that succeeds the first time; same gateway, arms alternating. Portkey with a
 * fallback config for comparison.
 */
import { portkeyFallbackConfig, portkeyHeaders, startMockProcess, startPortkey, startSwitchyardArm, type StartedServer } from '../../stack/index.js';
import { armOf, chatBody, loadAvg, resultsFile, sideBySide, stopAll, target, type Scenario, type Target } from '../common/index.js';
import { OVERHEAD_HEADER } from '../overhead/arms.js';
import type { Arm } from '../side-by-side/index.js';

const T = (quick: boolean) => quick ? { rounds: 1, slotS: 0.4, slotWarmupS: 0.1, warmupS: 0.2 } : { rounds: 1, slotS: 1, slotWarmupS: 0.2, warmupS: 0.4 };

export const fallback: Scenario = {
  name: 'fallback',
  expectedS: (q) => { const t = T(q); return 2 * 5 * (t.warmupS + t.rounds * (t.slotS + t.slotWarmupS)) + 5; },
  async run(ctx) {
    const startedAt = new Date().toISOString();
    const la = loadAvg();
    const mock = await startMockProcess({});
    const failing = await startMockProcess({ failStatus: 500 });
    const servers: StartedServer[] = [mock, failing];
    try {
      const sy = await startSwitchyardArm({
        upstreamOrigin: mock.origin, governance: false, requestLog: true,
        extraConfig: {
          providers: {
            up: { type: 'custom', base_url: `${mock.origin}/v1`, api_key: 'bench-key' },
            bad: { type: 'custom', base_url: `${failing.origin}/v1`, api_key: 'bench-key' },
          },
          models: { 'fb-once': { deployments: [{ target: 'bad/gpt-4o-mini' }], fallbacks: ['up/gpt-4o-mini'] } },
          // No retries and a breaker that never opens: every request really tries the failing deployment first.
          routing: { retries: 0, breaker: { consecutive_failures: 1_000_000_000, min_calls: 1_000_000_000, error_rate_threshold: 1 } },
        },
      });
      servers.push(sy);
      const arms: Arm[] = [
        { id: 'direct', label: 'direct', origin: mock.origin, server: null },
        { id: 'switchyard-first', label: 'switchyard, first deployment answers', origin: sy.origin, server: sy, overheadHeader: OVERHEAD_HEADER },
        { id: 'switchyard-fallback', label: 'switchyard, 500 then fallback', origin: sy.origin, server: sy, overheadHeader: OVERHEAD_HEADER, request: { body: chatBody({}, 'fb-once') } },
      ];
      const pk = await startPortkey().catch((e: Error) => { ctx.progress.log(`warning: portkey skipped: ${e.message}`); return null; });
      if (pk) {
        servers.push(pk);
        arms.push({ id: 'portkey-first', label: 'portkey, first target answers', origin: pk.origin, server: pk, request: { headers: portkeyHeaders(mock.origin) } });
        arms.push({ id: 'portkey-fallback', label: 'portkey, 500 then fallback', origin: pk.origin, server: pk, request: { headers: { 'x-portkey-config': portkeyFallbackConfig([failing.origin, mock.origin]) } } });
      }
      const r = await sideBySide(ctx, {
        arms, loads: [{ label: 'closed c=1', mode: { kind: 'closed', concurrency: 1 } }, { label: 'closed c=16', mode: { kind: 'closed', concurrency: 16 } }],
        upstream: mock, baseline: 'direct', body: chatBody(), timing: T(ctx.quick),
      });
      const targets: Target[] = [];
      for (const f of r.loads) {
        const a = armOf(f, 'switchyard-first')!, b = armOf(f, 'switchyard-fallback')!;
        targets.push(target(`${f.load}: one fallback adds (p50/p99)`, `${b.latency.p50 - a.latency.p50} / ${b.latency.p99 - a.latency.p99} µs`, null));
        const pf = armOf(f, 'portkey-fallback');
        if (pf) targets.push(target(`${f.load}: ahead of Portkey on the fallback path (p50 and p99)`, `switchyard ${b.latency.p50}/${b.latency.p99} µs vs portkey ${pf.latency.p50}/${pf.latency.p99} µs`, b.latency.p50 < pf.latency.p50 && b.latency.p99 < pf.latency.p99));
      }
      return resultsFile('fallback', ctx, startedAt, { ...T(ctx.quick), armsRun: arms.map((a) => a.id) }, r.tables, { targets, loadAverageStart: la, loads: r.loads });
    } finally {
      await stopAll(servers);
    }
  },
};
