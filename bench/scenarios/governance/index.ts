/**
 * Governance cost (auth with a virtual key + budget + rpm limit, on vs off) and logging cost (request log
 * on vs off): four gateways with the feature combinations, measured side by side.
 */
import { startMockProcess, startSwitchyardArm, type StartedServer } from '../../stack/index.js';
import { armOf, chatBody, loadAvg, resultsFile, sideBySide, stopAll, target, type Scenario, type Target } from '../common/index.js';
import { OVERHEAD_HEADER } from '../overhead/arms.js';
import type { Arm } from '../side-by-side/index.js';

const T = (quick: boolean) => quick ? { rounds: 1, slotS: 0.4, slotWarmupS: 0.1, warmupS: 0.2 } : { rounds: 1, slotS: 1, slotWarmupS: 0.2, warmupS: 0.4 };
const COMBOS = [
  { id: 'plain', label: 'switchyard, governance off, log off', governance: false, requestLog: false },
  { id: 'governance', label: 'switchyard, governance on, log off', governance: true, requestLog: false },
  { id: 'log', label: 'switchyard, governance off, log on', governance: false, requestLog: true },
  { id: 'full', label: 'switchyard, governance on, log on', governance: true, requestLog: true },
] as const;

export const governance: Scenario = {
  name: 'governance',
  expectedS: (q) => { const t = T(q); return 2 * 5 * (t.warmupS + t.rounds * (t.slotS + t.slotWarmupS)) + 8; },
  async run(ctx) {
    const startedAt = new Date().toISOString();
    const la = loadAvg();
    const mock = await startMockProcess({});
    const servers: StartedServer[] = [mock];
    try {
      const arms: Arm[] = [{ id: 'direct', label: 'direct', origin: mock.origin, server: null }];
      for (const c of COMBOS) {
        const g = await startSwitchyardArm({ upstreamOrigin: mock.origin, governance: c.governance, requestLog: c.requestLog });
        servers.push(g);
        arms.push({ id: c.id, label: c.label, origin: g.origin, server: g, overheadHeader: OVERHEAD_HEADER, request: { headers: g.headers } });
      }
      const r = await sideBySide(ctx, {
        arms, loads: [{ label: 'open 500 rps', mode: { kind: 'open', rps: 500 } }, { label: 'closed c=16', mode: { kind: 'closed', concurrency: 16 } }],
        upstream: mock, baseline: 'direct', body: chatBody(), timing: T(ctx.quick),
      });
      const targets: Target[] = [];
      for (const f of r.loads) {
        const p = armOf(f, 'plain')!;
        for (const id of ['governance', 'log', 'full'] as const) {
          const a = armOf(f, id)!;
          const cpu = a.serverCpuUsPerRequest !== null && p.serverCpuUsPerRequest ? `, CPU/req ${a.serverCpuUsPerRequest} vs ${p.serverCpuUsPerRequest} µs` : '';
          targets.push(target(`${f.load}: cost of ${id} vs plain (p50/p99)`, `${a.latency.p50 - p.latency.p50} / ${a.latency.p99 - p.latency.p99} µs${cpu}`, null));
        }
      }
      return resultsFile('governance', ctx, startedAt, T(ctx.quick), r.tables, { targets, loadAverageStart: la, loads: r.loads });
    } finally {
      await stopAll(servers);
    }
  },
};
