/**
 * The overhead scenario inside the suite: every arm (direct, bare proxy, Switchyard 1/default workers,
 * Switchyard with all features, Portkey) with suite timing, plus the targets evaluated on it.
 */
import { resultsFile, target, type Scenario, type Target } from '../common/index.js';
import { ALL_ARMS, runOverhead } from './index.js';
import type { LoadFigures } from '../side-by-side/index.js';

const TIMING = (quick: boolean) => quick
  ? { rounds: 1, slotS: 0.4, slotWarmupS: 0.1, warmupS: 0.2, jitWarmupS: 0 }
  : { rounds: 1, slotS: 1.2, slotWarmupS: 0.2, warmupS: 0.5, jitWarmupS: 0 };

export function overheadTargets(loads: LoadFigures[]): Target[] {
  const out: Target[] = [];
  for (const f of loads) {
    const d = f.arms.find((a) => a.arm === 'direct');
    const sy = f.arms.find((a) => a.arm === 'switchyard-default');
    const full = f.arms.find((a) => a.arm === 'switchyard-full');
    const bare = f.arms.find((a) => a.arm === 'bare-proxy');
    const pk = f.arms.find((a) => a.arm === 'portkey');
    if (d && sy) {
      const p50 = sy.latency.p50 - d.latency.p50, p99 = sy.latency.p99 - d.latency.p99;
      if (f.mode.kind === 'open') out.push(target(`${f.load}: added p50 ≤ 150 µs`, `${p50} µs`, p50 <= 150));
      out.push(target(`${f.load}: added p99 ≤ 1 ms`, `${p99} µs`, p99 <= 1000));
    }
    if (sy && pk) out.push(target(`${f.load}: ahead of Portkey (p50 and p99)`, `switchyard ${sy.latency.p50}/${sy.latency.p99} µs vs portkey ${pk.latency.p50}/${pk.latency.p99} µs`, sy.latency.p50 < pk.latency.p50 && sy.latency.p99 < pk.latency.p99));
    if (full && bare && full.serverCpuUsPerRequest !== null && bare.serverCpuUsPerRequest) {
      const ratio = full.serverCpuUsPerRequest / bare.serverCpuUsPerRequest;
      out.push(target(`${f.load}: CPU/request all features ≤ 1.5× bare proxy`, `${full.serverCpuUsPerRequest} vs ${bare.serverCpuUsPerRequest} µs = ${ratio.toFixed(2)}×`, ratio <= 1.5));
    }
  }
  return out;
}

export const overheadSuite: Scenario = {
  name: 'overhead',
  expectedS: (q) => { const t = TIMING(q); return 4 * ALL_ARMS.length * (t.warmupS + t.rounds * (t.slotS + t.slotWarmupS)) + 8; },
  async run(ctx) {
    const t = TIMING(ctx.quick);
    const r = await runOverhead({ rps: [500], concurrency: [1, 4, 16], arms: ALL_ARMS, ...t, latencyMs: 0, connections: 256, quick: ctx.quick, progress: ctx.progress });
    const targets = overheadTargets(r.raw.loads);
    return resultsFile('overhead', ctx, r.startedAt, r.params, r.tables, { targets, loadAverageStart: r.raw.loadAverage.start, skipped: r.raw.skipped, loads: r.raw.loads });
  },
};
