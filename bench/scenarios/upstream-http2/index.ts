/**
 * The top throughput step with the upstream over HTTP/1.1 and over HTTP/2 (a provider with `http2: true`,
 * the mock on node:http2 with prior knowledge), alternated on the same machine: success rate, peak RSS and
 * CPU per request of the gateway. Over HTTP/1.1 every request in flight holds an upstream socket (7500 at
 * 5000 RPS with a 1.5 s upstream); over HTTP/2 a few sessions carry them all.
 *
 * Opt-in (`npm run bench -- --only upstream-http2`), so that full mode stays under 15 minutes. Both arms use
 * the node:http2 / node:http mock rather than the uWS one, so that the upstream protocol is the only
 * difference between them.
 */
import type { Table } from '../../lib/index.js';
import { startLoadgen } from '../../loadgen/index.js';
import { startMockProcess, startSwitchyardArm, type StartedServer } from '../../stack/index.js';
import { loadAvg, resultsFile, stopAll, target, type Scenario } from '../common/index.js';
import { openStep } from '../throughput/step.js';

const LATENCY_MS = 1500;
const T = (quick: boolean) => (quick ? { rps: 2000, durationS: 3 } : { rps: 5000, durationS: 20 });
const ARMS = [
  { id: 'http/1.1', engine: 'node' as const, http2: false, maxConnections: 50_000 },
  { id: 'http/2 (h2c)', engine: 'h2' as const, http2: true, maxConnections: 64 },
];

export const upstreamHttp2: Scenario = {
  name: 'upstream-http2',
  expectedS: (q) => ARMS.length * (T(q).durationS + 8),
  async run(ctx) {
    const startedAt = new Date().toISOString();
    const la = loadAvg();
    const { rps, durationS } = T(ctx.quick);
    const rows: Array<{ arm: string; sent: number; ok: number; successPct: number; peakRssMb: number; cpuUsPerRequest: number | null }> = [];
    for (const arm of ARMS) {
      const servers: StartedServer[] = [];
      const lg = await startLoadgen();
      try {
        const mock = await startMockProcess({ latencyMs: LATENCY_MS, engine: arm.engine });
        servers.push(mock);
        const sy = await startSwitchyardArm({
          upstreamOrigin: mock.origin, governance: false, requestLog: true,
          extraConfig: {
            routing: { max_concurrency: 50_000, queue_size: 50_000, retries: 0 },
            providers: { up: { type: 'custom', base_url: `${mock.origin}/v1`, api_key: 'bench-key', max_connections: arm.maxConnections, timeout_ms: 60_000, http2: arm.http2 } },
          },
        });
        servers.push(sy);
        ctx.progress.step(`upstream ${arm.id}: open ${rps} rps, ${LATENCY_MS} ms upstream, ${durationS} s`, (durationS + 3) * 1000);
        const step = await openStep(lg, { origin: sy.origin, pid: sy.service.pid }, rps, durationS, LATENCY_MS);
        rows.push({
          arm: arm.id, sent: step.result.sent, ok: step.result.ok, successPct: Math.round(step.successRate * 1000) / 10,
          peakRssMb: Math.round(step.peakRssKb / 102.4) / 10, cpuUsPerRequest: step.cpuUsPerRequest,
        });
      } finally {
        await lg.close();
        await stopAll(servers);
      }
    }
    const table: Table = {
      title: `Upstream protocol at ${rps} RPS for ${durationS} s, ${LATENCY_MS} ms upstream latency`,
      columns: ['upstream', 'sent', 'ok', 'success %', 'peak RSS MB', 'gateway CPU µs/req'],
      rows: rows.map((x) => [x.arm, x.sent, x.ok, x.successPct, x.peakRssMb, x.cpuUsPerRequest]),
      notes: ['Same gateway config apart from the provider\'s `http2` flag; mock on node:http and node:http2 (prior knowledge). HTTP/2: max_connections 64 sessions.'],
    };
    const [h1, h2] = rows;
    const targets = [target(`${rps} RPS: an HTTP/2 upstream succeeds at least as often as HTTP/1.1, with no more RSS`, `${h2.successPct}% vs ${h1.successPct}%; peak RSS ${h2.peakRssMb} vs ${h1.peakRssMb} MB`, h2.successPct >= h1.successPct && h2.peakRssMb <= h1.peakRssMb)];
    return resultsFile('upstream-http2', ctx, startedAt, { rps, durationS, latencyMs: LATENCY_MS }, [table], { targets, loadAverageStart: la, rows });
  },
};
