/**
 * Throughput with a slow upstream (1.5 s per answer, so thousands of requests are in flight): success
 * rate, latency, peak RSS (VmRSS sampled, VmHWM) and CPU per request of the gateway at 500..5000 RPS; idle
 * RSS; `start` to ready time; RSS growth over a soak.
 */
import { performance } from 'node:perf_hooks';
import { processCpuUs, processMemoryKb, type Table } from '../../lib/index.js';
import { startLoadgen, type LoadResult } from '../../loadgen/index.js';
import { startMockProcess, startSwitchyardArm, type StartedServer } from '../../stack/index.js';
import { CHAT_PATH, chatBody, loadAvg, resultsFile, stopAll, summary, target, type Scenario, type Target } from '../common/index.js';
import { openStep, STEP_TIMEOUT_MS } from './step.js';

const LATENCY_MS = 1500;
/** Seconds without traffic before the idle RSS is read (quick mode: a smoke value, before V8 has shrunk the heaps). */
const idleSeconds = (quick: boolean) => (quick ? 5 : 20);
const RATES = [500, 1000, 2000, 5000];
/** quick mode: the lowest and the highest rate only, and the direct run at the highest only */
const ratesFor = (quick: boolean) => (quick ? [500, 5000] : RATES);
let soakOverrideS: number | undefined;
/** `--soak-s` of the suite */
export function setSoakSeconds(s: number): void { soakOverrideS = s; }

const T = (quick: boolean) => quick
  ? { stepS: 2, topS: 3, directS: 2, soakS: soakOverrideS ?? 5, soakRps: 500, starts: 1 }
  : { stepS: 6, topS: 60, directS: 6, soakS: soakOverrideS ?? 600, soakRps: 1000, starts: 2 };

const config = {
  routing: { max_concurrency: 50_000, queue_size: 50_000, retries: 0 },
};
const provider = (origin: string) => ({ providers: { up: { type: 'custom', base_url: `${origin}/v1`, api_key: 'bench-key', max_connections: 50_000, timeout_ms: 60_000 } } });
const mb = (kb: number) => Math.round(kb / 102.4) / 10;
const median = (xs: number[]): number => { if (!xs.length) return 0; const a = [...xs].sort((x, y) => x - y); return a[a.length >> 1]; };

export const throughput: Scenario = {
  name: 'throughput',
  expectedS: (q) => { const t = T(q); return t.starts * 2.5 + 3 + (ratesFor(q).length - 1) * (t.stepS + 3) + t.topS + 3 + (t.directS + 3) + t.soakS + 6; },
  async run(ctx) {
    const startedAt = new Date().toISOString();
    const la = loadAvg();
    const t = T(ctx.quick);
    const mock = await startMockProcess({ latencyMs: LATENCY_MS });
    const servers: StartedServer[] = [mock];
    const targets: Target[] = [];
    try {
      // start -> ready, measured from spawn to the first 200 of /health/ready
      const startMs: number[] = [];
      for (let i = 0; i < t.starts; i++) {
        ctx.progress.step(`start to ready ${i + 1}/${t.starts}`, 1500);
        const t0 = performance.now();
        const g = await startSwitchyardArm({ upstreamOrigin: mock.origin, governance: false, requestLog: true, extraConfig: { ...provider(mock.origin), ...config } });
        startMs.push(Math.round(performance.now() - t0));
        await g.service.stop();
      }
      const sy = await startSwitchyardArm({ upstreamOrigin: mock.origin, governance: false, requestLog: true, extraConfig: { ...provider(mock.origin), ...config } });
      servers.push(sy);
      let pid = sy.service.pid;
      ctx.progress.step('RSS just after start', 2000);
      await new Promise((r) => setTimeout(r, 2000));
      const startupKb = processMemoryKb(pid)?.rssKb ?? 0;
      let idleKb = 0;

      // The soak's gateway starts now and stays idle through the rate steps: its RSS after idleSeconds()
      // without traffic is the idle figure (V8 shrinks the heaps of an idle isolate after a few seconds;
      // the figure 2 s after start, before that, is reported too).
      const soakGw = await startSwitchyardArm({ upstreamOrigin: mock.origin, governance: false, requestLog: true, extraConfig: { ...provider(mock.origin), ...config } });
      servers.push(soakGw);
      const idleFrom = performance.now();

      const lg = await startLoadgen();
      const direct: Array<{ rps: number; durationS: number; result: LoadResult; successRate: number; loadgenCpuPct: number | null; mockCpuPct: number | null }> = [];
      const steps: Array<{ rps: number; durationS: number; result: LoadResult; peakRssKb: number; hwmKb: number; cpuUsPerRequest: number | null; successRate: number }> = [];
      let soak: { rps: number; durationS: number; warmS: number; windowS: number; startKb: number; endKb: number; maxKb: number; growthPct: number; result: LoadResult; samplesKb: number[] } | null = null;
      try {
        for (const rps of ratesFor(ctx.quick)) {
          const durationS = rps === 5000 ? t.topS : t.stepS;
          ctx.progress.step(`open ${rps} rps, ${LATENCY_MS} ms upstream, ${durationS} s`, (durationS + 3) * 1000);
          steps.push({ rps, durationS, ...(await openStep(lg, { origin: sy.origin, pid }, rps, durationS, LATENCY_MS)) });
          // A gateway that died would otherwise show up only as connection errors of the steps after it.
          if (!sy.service.alive()) throw new Error(`the gateway died during the ${rps} RPS step (${sy.service.exitStatus()})\n--- output ---\n${sy.service.outputTail()}`);
        }
        // The gateway goes first, so that a backlog it may still be working off cannot slow the direct run.
        await sy.service.stop();
        await new Promise((r) => setTimeout(r, 2000));
        // The top rate straight to the mock (shorter): what the load generator and mock manage on their own,
        // and how much of the machine's CPU they take (what is left for a gateway on the same machine).
        for (const rps of [5000]) {
          ctx.progress.step(`direct: open ${rps} rps, ${t.directS} s`, (t.directS + 3) * 1000);
          const cpu0 = [processCpuUs(lg.pid), processCpuUs(mock.service.pid)];
          const w0 = performance.now();
          const result = await lg.run({
            target: { origin: mock.origin, path: CHAT_PATH, body: chatBody() }, mode: { kind: 'open', rps }, durationMs: t.directS * 1000, warmupMs: 1000,
            connections: Math.ceil(rps * (LATENCY_MS / 1000) * 1.5) + 200, timeoutMs: STEP_TIMEOUT_MS, maxInflight: 40_000,
          });
          const wallUs = (performance.now() - w0) * 1000;
          const cpu1 = [processCpuUs(lg.pid), processCpuUs(mock.service.pid)];
          const share = (i: number) => (cpu0[i] !== null && cpu1[i] !== null ? Math.round(((cpu1[i]! - cpu0[i]!) / wallUs) * 100) : null);
          direct.push({ rps, durationS: t.directS, result, successRate: result.sent ? result.ok / result.sent : 0, loadgenCpuPct: share(0), mockCpuPct: share(1) });
        }
        // Soak on a fresh gateway (started above): the 5000 RPS step can leave the breaker open (it counts
        // overload as upstream failure), which would turn the soak into a flood of fast 503s.
        pid = soakGw.service.pid;
        const idleLeftMs = idleSeconds(ctx.quick) * 1000 - (performance.now() - idleFrom);
        ctx.progress.step('idle RSS', Math.max(0, idleLeftMs));
        if (idleLeftMs > 0) await new Promise((r) => setTimeout(r, idleLeftMs));
        idleKb = processMemoryKb(pid)?.rssKb ?? 0;
        // Soak: steady load. Growth compares the median RSS of the first window after the warm-up (JIT,
        // connection pools and V8 heap sizing settle in it) with the median of the last window of the
        // same length, so one GC cycle's sawtooth at either end does not decide the figure.
        const warmS = Math.min(60, Math.max(2, Math.round(t.soakS * 0.1)));
        const windowS = Math.max(1, Math.min(60, Math.round(t.soakS * 0.1)));
        ctx.progress.step(`soak ${t.soakRps} rps for ${t.soakS} s`, t.soakS * 1000);
        const samples: number[] = [];
        const soakStart = performance.now();
        const timed: Array<{ s: number; kb: number }> = [];
        const sampler = setInterval(() => { const m = processMemoryKb(pid); if (m) { samples.push(m.rssKb); timed.push({ s: (performance.now() - soakStart) / 1000, kb: m.rssKb }); } }, 1000);
        const result = await lg.run({
          target: { origin: soakGw.origin, path: CHAT_PATH, body: chatBody() }, mode: { kind: 'open', rps: t.soakRps }, durationMs: (t.soakS - warmS) * 1000, warmupMs: warmS * 1000,
          connections: Math.ceil(t.soakRps * (LATENCY_MS / 1000) * 1.5) + 200, timeoutMs: STEP_TIMEOUT_MS, maxInflight: 40_000,
        });
        clearInterval(sampler);
        const endS = (performance.now() - soakStart) / 1000;
        const startKb = median(timed.filter((x) => x.s >= warmS && x.s < warmS + windowS).map((x) => x.kb));
        const endKb = median(timed.filter((x) => x.s >= endS - windowS).map((x) => x.kb));
        soak = { rps: t.soakRps, durationS: t.soakS, warmS, windowS, startKb, endKb, maxKb: Math.max(0, ...samples), growthPct: startKb ? Math.round(((endKb - startKb) / startKb) * 1000) / 10 : 0, result, samplesKb: samples };
      } finally {
        await lg.close();
      }

      const top = steps.find((s) => s.rps === 5000)!;
      const bestStart = Math.min(...startMs);
      targets.push(
        target(`5000 RPS for ${top.durationS} s with ${LATENCY_MS} ms latency: 100% success`, `${(top.successRate * 100).toFixed(2)}% (${top.result.ok}/${top.result.sent})`, top.successRate === 1 && top.result.sent > 0),
        target('5000 RPS: peak RSS ≤ 300 MB', `${mb(Math.max(top.peakRssKb, top.hwmKb))} MB`, Math.max(top.peakRssKb, top.hwmKb) <= 300 * 1024),
        target('idle RSS ≤ 120 MB', `${mb(idleKb)} MB after ${idleSeconds(ctx.quick)} s idle (${mb(startupKb)} MB 2 s after start)`, idleKb > 0 && idleKb <= 120 * 1024),
        target('start to ready ≤ 1 s', `${startMs.join(', ')} ms`, Math.max(...startMs) <= 1000),
        target(`soak RSS growth ≤ 5% (${soak!.durationS} s at ${soak!.rps} rps)`, `${mb(soak!.startKb)} → ${mb(soak!.endKb)} MB (${soak!.growthPct}%)`, soak!.startKb > 0 && soak!.growthPct <= 5),
      );
      void bestStart;
      const stepTable: Table = {
        title: `Throughput with a ${LATENCY_MS} ms upstream (open loop)`,
        columns: ['offered rps', 'seconds', 'sent', 'success %', 'achieved rps', 'p50 ms', 'p99 ms', 'max ms', 'errors', 'peak RSS MB', 'VmHWM MB', 'gateway CPU µs/req'],
        rows: steps.map((s) => {
          const l = summary(s.result.latency);
          return [s.rps, s.durationS, s.result.sent, Math.round(s.successRate * 10000) / 100, s.result.achievedRps, l.p50 / 1000, l.p99 / 1000, l.max / 1000,
            s.result.errors ? `${s.result.errors} ${JSON.stringify(s.result.errorsByKind)}` : 0, mb(s.peakRssKb), mb(s.hwmKb), s.cpuUsPerRequest];
        }),
        notes: ['Latency includes the 1500 ms upstream. peak RSS: VmRSS sampled every 200 ms during the step; VmHWM: the process high-water mark since start (cumulative).', 'Gateway config: routing.max_concurrency and queue_size 50000, provider max_connections 50000 (the defaults, 1024 in flight + 2048 queued per deployment, would cap this test).'],
      };
      const directTable: Table = {
        title: 'The top rate straight to the mock (load generator + mock alone, no gateway)',
        notes: ['CPU %: user + system time of the process over the run, in percent of one core (this machine has 2 cores: 200 %). What the load generator and the mock take is not available to a gateway on the same machine.'],
        columns: ['offered rps', 'seconds', 'sent', 'success %', 'achieved rps', 'p50 ms', 'p99 ms', 'max ms', 'errors', 'load generator CPU %', 'mock CPU %'],
        rows: direct.map((d) => {
          const l = summary(d.result.latency);
          return [d.rps, d.durationS, d.result.sent, Math.round(d.successRate * 10000) / 100, d.result.achievedRps, l.p50 / 1000, l.p99 / 1000, l.max / 1000,
            d.result.errors ? `${d.result.errors} ${JSON.stringify(d.result.errorsByKind)}` : 0, d.loadgenCpuPct, d.mockCpuPct];
        }),
      };
      const s = soak!;
      const memTable: Table = {
        title: 'Memory and start-up',
        columns: ['measure', 'value'],
        rows: [[`idle RSS MB (${idleSeconds(ctx.quick)} s without traffic)`, mb(idleKb)], ['RSS MB 2 s after start', mb(startupKb)], ['start to ready ms (each start)', startMs.join(', ')],
          [`soak RSS MB, median of ${s.windowS} s after a ${s.warmS} s warm-up`, mb(s.startKb)], [`soak RSS MB, median of the last ${s.windowS} s`, mb(s.endKb)], ['soak RSS MB max', mb(s.maxKb)], ['soak RSS growth %', s.growthPct],
          ['soak success %', s.result.sent ? Math.round((s.result.ok / s.result.sent) * 10000) / 100 : 0],
          ['soak errors', s.result.errors ? `${s.result.errors} ${JSON.stringify(s.result.errorsByKind)}` : 0]],
        notes: ['The soak runs on a fresh gateway (same config) after the rate steps.'],
      };
      return resultsFile('throughput', ctx, startedAt, { latencyMs: LATENCY_MS, rates: ratesFor(ctx.quick), ...t }, [stepTable, directTable, memTable],
        { targets, loadAverageStart: la, startMs, idleKb, startupKb, steps, direct, soak });
    } finally {
      await stopAll(servers);
    }
  },
};
