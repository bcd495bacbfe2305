/**
 * Invalid-key flood with enforce_auth on: the cost of rejecting a request (gateway CPU µs per request,
 * latency) and proof that nothing reaches the upstream (the mock's request counter does not move).
 */
import { mockStats, startMockProcess, startSwitchyardArm, type StartedServer } from '../../stack/index.js';
import { armOf, chatBody, loadAvg, resultsFile, sideBySide, stopAll, target, type Scenario } from '../common/index.js';
import { OVERHEAD_HEADER } from '../overhead/arms.js';

const T = (quick: boolean) => quick ? { rounds: 1, slotS: 0.6, slotWarmupS: 0.1, warmupS: 0.2 } : { rounds: 2, slotS: 1, slotWarmupS: 0.2, warmupS: 0.4 };

export const invalidKeys: Scenario = {
  name: 'invalid-keys',
  expectedS: (q) => { const t = T(q); return 2 * (t.warmupS + t.rounds * (t.slotS + t.slotWarmupS)) + 4; },
  async run(ctx) {
    const startedAt = new Date().toISOString();
    const la = loadAvg();
    const mock = await startMockProcess({});
    const servers: StartedServer[] = [mock];
    try {
      const sy = await startSwitchyardArm({ upstreamOrigin: mock.origin, governance: true, requestLog: true });
      servers.push(sy);
      const before = await mockStats(mock.origin);
      const r = await sideBySide(ctx, {
        arms: [{ id: 'invalid-key', label: 'switchyard, invalid virtual key (401)', origin: sy.origin, server: sy, overheadHeader: OVERHEAD_HEADER, expectStatus: 401, request: { headers: { authorization: 'Bearer sk-sy-invalid-0000000000000000000000000000' } } }],
        loads: [{ label: 'closed c=16', mode: { kind: 'closed', concurrency: 16 } }, { label: 'open 2000 rps', mode: { kind: 'open', rps: 2000 } }],
        upstream: mock, baseline: 'invalid-key', body: chatBody(), timing: T(ctx.quick),
      });
      const after = await mockStats(mock.origin);
      const leaked = after.requests - before.requests;
      const rejected = r.loads.reduce((n, f) => n + (armOf(f, 'invalid-key')?.ok ?? 0), 0);
      const c16 = armOf(r.loads[0], 'invalid-key')!;
      const targets = [
        target('invalid keys never reach the upstream (mock request count stays 0)', `${leaked} upstream requests for ${rejected} rejected`, leaked === 0 && rejected > 0),
        target('rejection cost reported', `${c16.serverCpuUsPerRequest ?? 'n/a'} µs CPU/req, p50 ${c16.latency.p50} µs, p99 ${c16.latency.p99} µs at c=16`, null),
      ];
      const proof = { title: 'Upstream requests during the flood', columns: ['rejected (401)', 'mock requests before', 'mock requests after'], rows: [[rejected, before.requests, after.requests]] };
      return resultsFile('invalid-keys', ctx, startedAt, T(ctx.quick), [...r.tables, proof], { targets, loadAverageStart: la, loads: r.loads, upstreamRequests: leaked, rejected });
    } finally {
      await stopAll(servers);
    }
  },
};
