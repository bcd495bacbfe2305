/**
 * Translation overhead: an Anthropic-dialect request (/anthropic/v1/messages) served by an OpenAI-format
 * upstream versus an OpenAI passthrough (/v1/chat/completions), same gateway, same mock.
 */
import { startMockProcess, startSwitchyardArm, type StartedServer } from '../../stack/index.js';
import { armOf, chatBody, loadAvg, resultsFile, sideBySide, stopAll, target, type Scenario, type Target } from '../common/index.js';
import { OVERHEAD_HEADER } from '../overhead/arms.js';
import type { Arm } from '../side-by-side/index.js';

const T = (quick: boolean) => quick ? { rounds: 1, slotS: 0.4, slotWarmupS: 0.1, warmupS: 0.2 } : { rounds: 1, slotS: 1, slotWarmupS: 0.2, warmupS: 0.4 };
const ANTHROPIC_BODY = JSON.stringify({ model: 'up/gpt-4o-mini', max_tokens: 256, messages: [{ role: 'user', content: 'Say hello.' }] });

export const translation: Scenario = {
  name: 'translation',
  expectedS: (q) => { const t = T(q); return 2 * 3 * (t.warmupS + t.rounds * (t.slotS + t.slotWarmupS)) + 3; },
  async run(ctx) {
    const startedAt = new Date().toISOString();
    const la = loadAvg();
    const mock = await startMockProcess({});
    const servers: StartedServer[] = [mock];
    try {
      const sy = await startSwitchyardArm({ upstreamOrigin: mock.origin, governance: false, requestLog: true });
      servers.push(sy);
      const arms: Arm[] = [
        { id: 'direct', label: 'direct (OpenAI format)', origin: mock.origin, server: null },
        { id: 'openai-passthrough', label: 'switchyard /v1/chat/completions -> OpenAI upstream', origin: sy.origin, server: sy, overheadHeader: OVERHEAD_HEADER },
        { id: 'anthropic-translated', label: 'switchyard /anthropic/v1/messages -> OpenAI upstream', origin: sy.origin, server: sy, overheadHeader: OVERHEAD_HEADER,
          request: { path: '/anthropic/v1/messages', body: ANTHROPIC_BODY, headers: { 'anthropic-version': '2023-06-01' } } },
      ];
      const r = await sideBySide(ctx, {
        arms, loads: [{ label: 'closed c=1', mode: { kind: 'closed', concurrency: 1 } }, { label: 'closed c=16', mode: { kind: 'closed', concurrency: 16 } }],
        upstream: mock, baseline: 'direct', body: chatBody(), timing: T(ctx.quick),
      });
      const targets: Target[] = r.loads.map((f) => {
        const a = armOf(f, 'openai-passthrough')!, b = armOf(f, 'anthropic-translated')!;
        return target(`${f.load}: translation adds (p50/p99; gateway-reported p50)`, `${b.latency.p50 - a.latency.p50} / ${b.latency.p99 - a.latency.p99} µs; ${(b.selfReported?.p50 ?? 0) - (a.selfReported?.p50 ?? 0)} µs`, null);
      });
      return resultsFile('translation', ctx, startedAt, T(ctx.quick), r.tables, { targets, loadAverageStart: la, loads: r.loads });
    } finally {
      await stopAll(servers);
    }
  },
};
