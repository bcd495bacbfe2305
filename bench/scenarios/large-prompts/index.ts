/**
 * Large prompts: added latency for ~1k, 10k and 100k-token prompts (direct vs Switchyard vs Portkey), and
 * head-of-line blocking: small concurrent streams measured alone and while 100k-token requests go through
 * the same gateway (their p99 must not move much).
 */
import { startLoadgen } from '../../loadgen/index.js';
import { runStreams } from '../../streams/index.js';
import { startMockProcess, type StartedServer } from '../../stack/index.js';
import { armOf, CHAT_PATH, chatBody, loadAvg, resultsFile, sideBySide, stopAll, target, type Scenario, type Target } from '../common/index.js';
import { peerArms } from '../common/arms.js';
import { mergeStreams, pct, streamTable, type StreamFigures } from '../common/streams.js';
import type { LoadFigures } from '../side-by-side/index.js';
import type { Table } from '../../lib/index.js';

const SIZES = [1_000, 10_000, 100_000];
/** ~1 token per word for common English words in OpenAI tokenizers */
export const promptOf = (tokens: number) => chatBody({ messages: [{ role: 'user', content: 'hello '.repeat(tokens).trimEnd() }] });

const T = (quick: boolean) => quick
  ? { timing: { rounds: 1, slotS: 0.4, slotWarmupS: 0.1, warmupS: 0.2 }, holMs: 1000, smallConcurrency: 8 }
  : { timing: { rounds: 1, slotS: 1, slotWarmupS: 0.2, warmupS: 0.4 }, holMs: 2500, smallConcurrency: 16 };

export const largePrompts: Scenario = {
  name: 'large-prompts',
  expectedS: (q) => { const t = T(q).timing; return SIZES.length * 3 * (t.warmupS + t.rounds * (t.slotS + t.slotWarmupS)) + 2 * 2 * T(q).holMs / 1000 + 4; },
  async run(ctx) {
    const startedAt = new Date().toISOString();
    const la = loadAvg();
    const t = T(ctx.quick);
    const mock = await startMockProcess({ chunks: 20, chunkIntervalMs: 10 });
    const servers: StartedServer[] = [mock];
    try {
      const arms = await peerArms(ctx, mock, servers);
      const tables: Table[] = [];
      const bySize: Array<{ tokens: number; bytes: number; loads: LoadFigures[] }> = [];
      const targets: Target[] = [];
      for (const tokens of SIZES) {
        const body = promptOf(tokens);
        const r = await sideBySide(ctx, { arms, loads: [{ label: `closed c=1, ${tokens} tokens`, mode: { kind: 'closed', concurrency: 1 } }], upstream: mock, baseline: 'direct', body, timing: t.timing });
        bySize.push({ tokens, bytes: Buffer.byteLength(body), loads: r.loads });
        tables.push({ ...r.tables[0], title: `Prompt of ~${tokens} tokens (${Buffer.byteLength(body)} bytes): ${r.tables[0].title}` });
        const f = r.loads[0], s = armOf(f, 'switchyard'), p = armOf(f, 'portkey');
        if (s && p) targets.push(target(`ahead of Portkey: ${tokens}-token prompt p50/p99`, `switchyard ${s.latency.p50}/${s.latency.p99} µs vs portkey ${p.latency.p50}/${p.latency.p99} µs`, s.latency.p50 < p.latency.p50 && s.latency.p99 < p.latency.p99));
      }
      // Head-of-line blocking: small streams alone, then with 100k-token requests in flight through the same gateway.
      const hol: Array<{ arm: string; alone: StreamFigures; withBig: StreamFigures; bigRequests: number }> = [];
      const lg = await startLoadgen();
      try {
        for (const arm of arms.filter((a) => a.id !== 'direct')) {
          const small = { origin: arm.origin, path: CHAT_PATH, body: chatBody({ stream: true }), headers: arm.request?.headers, concurrency: t.smallConcurrency, durationMs: t.holMs, warmupMs: 300 };
          ctx.progress.step(`head-of-line · ${arm.id} · small streams alone`, t.holMs + 300);
          const alone = mergeStreams({ id: `${arm.id}-alone`, label: `${arm.id}: small streams alone` }, [await runStreams(small)]);
          ctx.progress.step(`head-of-line · ${arm.id} · with 100k-token requests`, t.holMs + 300);
          const big = lg.run({ target: { origin: arm.origin, path: CHAT_PATH, body: promptOf(100_000), headers: arm.request?.headers }, mode: { kind: 'closed', concurrency: 2 }, durationMs: t.holMs + 300, connections: 2, timeoutMs: 30_000 });
          const withBig = mergeStreams({ id: `${arm.id}-with-big`, label: `${arm.id}: small streams + 2 concurrent 100k-token requests` }, [await runStreams(small)]);
          const bigResult = await big;
          hol.push({ arm: arm.id, alone, withBig, bigRequests: bigResult.ok });
        }
      } finally {
        await lg.close();
      }
      const holTable: Table = {
        ...streamTable('Head-of-line blocking: small streams with and without 100k-token requests in flight', hol.flatMap((h) => [h.alone, h.withBig]), ''),
        notes: ['µs. Two clients keep sending 100k-token (≈600 kB) prompts back to back while the small streams run. + columns are not applicable here.',
          ...hol.map((h) => `${h.arm}: ${h.bigRequests} large requests completed during the window.`)],
      };
      for (const h of hol) {
        const d = pct(h.withBig.gaps, 99) - pct(h.alone.gaps, 99);
        targets.push(target(`${h.arm}: 100k-token request does not stall small streams (gap p99 grows ≤ 1 ms)`, `gap p99 ${pct(h.alone.gaps, 99)} → ${pct(h.withBig.gaps, 99)} µs; TTFT p99 ${pct(h.alone.ttft, 99)} → ${pct(h.withBig.ttft, 99)} µs`, d <= 1000));
      }
      return resultsFile('large-prompts', ctx, startedAt, { sizes: SIZES, ...t.timing, smallConcurrency: t.smallConcurrency, holMs: t.holMs }, [...tables, holTable], { targets, loadAverageStart: la, bySize, headOfLine: hol });
    } finally {
      await stopAll(servers);
    }
  },
};
