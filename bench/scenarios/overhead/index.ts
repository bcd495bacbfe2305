/**
 * Overhead scenario: how much latency does each arm add on top of going straight to the upstream?
 * All arms measured side by side in one run, alternating in short rounds.
 */
import os from 'node:os';
import { describeMachine, Progress, repoRoot, RESULTS_SCHEMA, type ResultsFile } from '../../lib/index.js';
import { startLoadgen } from '../../loadgen/index.js';
import { preflightChat, startMockProcess } from '../../stack/index.js';
import { expectedMs, figures, loadsFrom, measureSideBySide, sideBySideTables, type LoadFigures, type SideBySidePlan } from '../side-by-side/index.js';
import { startArms, stopArms, type SkippedArm } from './arms.js';
import type { OverheadOptions } from './options.js';

export { ALL_ARMS, FULL, QUICK, type ArmId, type OverheadOptions } from './options.js';
export type { SkippedArm } from './arms.js';

export const CHAT_PATH = '/v1/chat/completions';
/** The same body for every arm; the mock ignores the model, Switchyard routes "up/..." to the mock. */
export const CHAT_BODY = JSON.stringify({ model: 'up/gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello.' }] });

export interface OverheadRaw {
  skipped: SkippedArm[];
  /** 1-minute load average before and after: other work on the machine shows up here */
  loadAverage: { start: number; end: number };
  loads: LoadFigures[];
}

export async function runOverhead(o: OverheadOptions): Promise<ResultsFile<OverheadRaw>> {
  const startedAt = new Date().toISOString();
  const machine = describeMachine(repoRoot());
  const mock = await startMockProcess({ latencyMs: o.latencyMs });
  let arms: Awaited<ReturnType<typeof startArms>>['arms'] = [];
  try {
    const started = await startArms(o.arms, mock, o.connections, o.progress ?? new Progress(0));
    arms = started.arms;
    if (arms.length === 0) throw new Error('no arm could be started');
    for (const a of arms) await preflightChat(a.origin, CHAT_PATH, CHAT_BODY, a.request?.headers);
    const plan: SideBySidePlan = {
      loads: loadsFrom(o.rps, o.concurrency), rounds: o.rounds, slotS: o.slotS, slotWarmupS: o.slotWarmupS, warmupS: o.warmupS,
      jitWarmupS: o.jitWarmupS, connections: o.connections, timeoutMs: 10_000 + o.latencyMs, request: { path: CHAT_PATH, body: CHAT_BODY },
    };
    const baseline = arms.some((a) => a.id === 'direct') ? 'direct' : arms[0].id;
    const lg = await startLoadgen();
    const progress = o.progress ?? new Progress(expectedMs(plan, arms.length));
    let loads: LoadFigures[];
    try {
      loads = figures(await measureSideBySide(plan, arms, mock, lg, progress), arms, baseline);
    } finally {
      if (!o.progress) progress.finish();
      await lg.close();
    }
    return {
      schema: RESULTS_SCHEMA,
      scenario: o.quick ? 'overhead-quick' : 'overhead',
      startedAt,
      finishedAt: new Date().toISOString(),
      machine,
      params: { ...o, progress: undefined, armsRun: arms.map((a) => a.id), body: CHAT_BODY },
      tables: sideBySideTables(loads, baseline, {
        baselineName: baseline,
        selfReportedName: 'gateway-reported',
        selfReportedNote: 'gateway-reported: the x-switchyard-overhead-us response header (time spent inside the gateway, upstream excluded).',
        upstreamName: 'mock',
      }),
      raw: { skipped: started.skipped, loadAverage: { start: machine.loadAverage1m, end: Math.round(os.loadavg()[0] * 100) / 100 }, loads },
    };
  } finally {
    await stopArms(arms);
    await mock.service.stop();
  }
}
