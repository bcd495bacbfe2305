/**
 * One open-loop step against a gateway with a slow upstream: the load, and what it cost the gateway process
 * (peak RSS sampled while it ran, CPU per completed request). Shared by the throughput and upstream-http2
 * scenarios so that both measure a step the same way.
 */
import { processCpuUs, sampleRss } from '../../lib/index.js';
import type { Loadgen, LoadResult } from '../../loadgen/index.js';
import { CHAT_PATH, chatBody } from '../common/index.js';

/** A request not answered within this is a failure (a healthy answer takes the upstream latency); also bounds the drain after an overloaded step. */
export const STEP_TIMEOUT_MS = 10_000;

export interface StepFigures { result: LoadResult; peakRssKb: number; hwmKb: number; cpuUsPerRequest: number | null; successRate: number }

export async function openStep(lg: Loadgen, gateway: { origin: string; pid: number }, rps: number, durationS: number, latencyMs: number): Promise<StepFigures> {
  const rss = sampleRss(gateway.pid);
  const cpu0 = processCpuUs(gateway.pid);
  const result = await lg.run({
    target: { origin: gateway.origin, path: CHAT_PATH, body: chatBody() }, mode: { kind: 'open', rps }, durationMs: durationS * 1000, warmupMs: 1000,
    connections: Math.ceil(rps * (latencyMs / 1000) * 1.5) + 200, timeoutMs: STEP_TIMEOUT_MS, maxInflight: 40_000,
  });
  const cpu1 = processCpuUs(gateway.pid);
  const mem = rss.stop();
  return {
    result, peakRssKb: mem.peakKb, hwmKb: mem.hwmKb, successRate: result.sent ? result.ok / result.sent : 0,
    cpuUsPerRequest: cpu0 !== null && cpu1 !== null && result.totalCompleted ? Math.round((cpu1 - cpu0) / result.totalCompleted) : null,
  };
}
