/** Many concurrent streams (500 by default): inter-chunk latency p99 versus direct, Switchyard vs Portkey. */
import { startMockProcess, type StartedServer } from '../../stack/index.js';
import { CHAT_PATH, chatBody, loadAvg, resultsFile, stopAll, target, type Scenario, type Target } from '../common/index.js';
import { peerArms } from '../common/arms.js';
import { pct, streamSideBySide, streamTable, type StreamArm } from '../common/streams.js';

const T = (quick: boolean) => quick
  ? { concurrency: 200, chunks: 10, intervalMs: 50, rounds: 1, slotMs: 1000, warmupMs: 600 }
  : { concurrency: 500, chunks: 20, intervalMs: 50, rounds: 1, slotMs: 3000, warmupMs: 1000 };

export const manyStreams: Scenario = {
  name: 'many-streams',
  expectedS: (q) => { const t = T(q); return 3 * t.rounds * (t.slotMs + t.warmupMs + 1000) / 1000 + 3; },
  async run(ctx) {
    const startedAt = new Date().toISOString();
    const la = loadAvg();
    const t = T(ctx.quick);
    const mock = await startMockProcess({ chunks: t.chunks, chunkIntervalMs: t.intervalMs });
    const servers: StartedServer[] = [mock];
    try {
      const arms: StreamArm[] = (await peerArms(ctx, mock, servers)).map((a) => ({ id: a.id, label: a.label, origin: a.origin, headers: a.request?.headers }));
      const figs = await streamSideBySide(ctx, arms, { label: `${t.concurrency} streams`, path: CHAT_PATH, body: chatBody({ stream: true }), concurrency: t.concurrency, rounds: t.rounds, slotMs: t.slotMs, warmupMs: t.warmupMs });
      const d = figs.find((f) => f.arm === 'direct')!, s = figs.find((f) => f.arm === 'switchyard')!, p = figs.find((f) => f.arm === 'portkey');
      const targets: Target[] = [
        target(`${t.concurrency} streams: no errors (switchyard)`, `${s.errors} errors / ${s.streams}`, s.errors === 0),
        target(`${t.concurrency} streams: added inter-chunk p99 ≤ 1 ms`, `${pct(s.gaps, 99) - pct(d.gaps, 99)} µs`, pct(s.gaps, 99) - pct(d.gaps, 99) <= 1000),
      ];
      if (p) targets.push(target(`ahead of Portkey: ${t.concurrency} streams inter-chunk p99`, `switchyard ${pct(s.gaps, 99)} µs vs portkey ${pct(p.gaps, 99)} µs`, pct(s.gaps, 99) < pct(p.gaps, 99)));
      return resultsFile('many-streams', ctx, startedAt, t, [streamTable(`${t.concurrency} concurrent streams, ${t.chunks} chunks every ${t.intervalMs} ms`, figs, 'direct')], { targets, loadAverageStart: la, streams: figs });
    } finally {
      await stopAll(servers);
    }
  },
};
