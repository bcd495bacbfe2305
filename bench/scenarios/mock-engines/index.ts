/**
 * Which HTTP server should the mock upstream use? Both engines of bench/mock answer the same requests
 * side by side; the faster, cheaper one is the default (the mock must never be the bottleneck).
 */
import { describeMachine, Progress, repoRoot, RESULTS_SCHEMA, type ResultsFile } from '../../lib/index.js';
import { startLoadgen } from '../../loadgen/index.js';
import { startMockProcess } from '../../stack/index.js';
import { expectedMs, figures, loadsFrom, measureSideBySide, sideBySideTables, type Arm, type LoadFigures, type SideBySidePlan } from '../side-by-side/index.js';

export interface MockEnginesOptions {
  rps: number[];
  concurrency: number[];
  rounds: number;
  slotS: number;
}

export async function runMockEngines(o: MockEnginesOptions): Promise<ResultsFile<{ loads: LoadFigures[] }>> {
  const startedAt = new Date().toISOString();
  const machine = describeMachine(repoRoot());
  const servers = [await startMockProcess({ engine: 'uws' }), await startMockProcess({ engine: 'node' })];
  const arms: Arm[] = [
    { id: 'uws', label: 'mock on uWebSockets.js', origin: servers[0].origin, server: servers[0] },
    { id: 'node', label: 'mock on node:http', origin: servers[1].origin, server: servers[1] },
  ];
  const lg = await startLoadgen();
  try {
    const plan: SideBySidePlan = {
      loads: loadsFrom(o.rps, o.concurrency), rounds: o.rounds, slotS: o.slotS, slotWarmupS: 0.3, warmupS: 1,
      connections: 256, timeoutMs: 10_000,
      request: { path: '/v1/chat/completions', body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello.' }] }) },
    };
    const progress = new Progress(expectedMs(plan, arms.length));
    const loads = figures(await measureSideBySide(plan, arms, null, lg, progress), arms, 'uws');
    progress.finish();
    return {
      schema: RESULTS_SCHEMA, scenario: 'mock-engines', startedAt, finishedAt: new Date().toISOString(), machine,
      params: { ...o }, tables: sideBySideTables(loads, 'uws', { baselineName: 'uws', upstreamName: 'upstream' }), raw: { loads },
    };
  } finally {
    await lg.close();
    await Promise.all(servers.map((s) => s.service.stop()));
  }
}
