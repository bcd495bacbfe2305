/**
 * What every suite scenario shares: its context (quick or full, progress display), the met/missed targets
 * it reports, results-file assembly, and a side-by-side helper for plain latency comparisons.
 */
import os from 'node:os';
import { describeMachine, repoRoot, RESULTS_SCHEMA, type Progress, type ResultsFile, type Table } from '../../lib/index.js';
import { Histogram, startLoadgen, type HistogramSnapshot, type Percentiles } from '../../loadgen/index.js';
import type { StartedServer } from '../../stack/index.js';
import { figures, measureSideBySide, sideBySideTables, type Arm, type Load, type LoadFigures, type SideBySidePlan } from '../side-by-side/index.js';

export interface ScenarioContext {
  quick: boolean;
  progress: Progress;
}

/** A target from the issue, evaluated on this run's figures. */
export interface Target {
  target: string;
  measured: string;
  /** null: could not be measured in this run */
  met: boolean | null;
}

export interface SuiteRaw {
  targets: Target[];
  loadAverage: { start: number; end: number };
  [k: string]: unknown;
}

export interface Scenario {
  name: string;
  /** expected wall time, seconds, for the progress display */
  expectedS(quick: boolean): number;
  run(ctx: ScenarioContext): Promise<ResultsFile<SuiteRaw>>;
}

export const CHAT_PATH = '/v1/chat/completions';
export const chatBody = (extra: Record<string, unknown> = {}, model = 'up/gpt-4o-mini') =>
  JSON.stringify({ model, messages: [{ role: 'user', content: 'Say hello.' }], ...extra });

export function targetsTable(targets: Target[]): Table {
  return {
    title: 'Targets',
    columns: ['target', 'measured', 'status'],
    rows: targets.map((t) => [t.target, t.measured, t.met === null ? 'not measured' : t.met ? 'met' : 'MISSED']),
  };
}

export function target(name: string, measured: string, met: boolean | null): Target {
  return { target: name, measured, met };
}

/** Assembles a results file; the scenario name gets `-quick` in quick mode so a smoke run never replaces a full one. */
export function resultsFile(scenario: string, ctx: ScenarioContext, startedAt: string, params: Record<string, unknown>, tables: Table[], raw: { targets: Target[]; loadAverageStart: number; [k: string]: unknown }): ResultsFile<SuiteRaw> {
  const { loadAverageStart, targets, ...rest } = raw;
  const machine = describeMachine(repoRoot());
  return {
    schema: RESULTS_SCHEMA,
    scenario: ctx.quick ? `${scenario}-quick` : scenario,
    startedAt,
    finishedAt: new Date().toISOString(),
    machine: { ...machine, loadAverage1m: loadAverageStart },
    params: { ...params, quick: ctx.quick },
    tables: targets.length ? [targetsTable(targets), ...tables] : tables,
    raw: { ...rest, targets, loadAverage: { start: loadAverageStart, end: loadAvg() } },
  };
}

export const loadAvg = () => Math.round(os.loadavg()[0] * 100) / 100;
export const summary = (h: HistogramSnapshot): Percentiles => Histogram.from(h).summary();
export const ms = (us: number) => `${(us / 1000).toFixed(us < 10_000 ? 2 : 1)} ms`;

export interface SideBySideRun {
  loads: LoadFigures[];
  tables: Table[];
}

/** Runs a plain side-by-side latency comparison (alternating rounds) with the given timing. */
export async function sideBySide(ctx: ScenarioContext, o: {
  arms: Arm[]; loads: Load[]; upstream: StartedServer | null; baseline: string; body: string; path?: string;
  timing: Pick<SideBySidePlan, 'rounds' | 'slotS' | 'slotWarmupS' | 'warmupS'>; connections?: number; timeoutMs?: number;
  wording?: { baselineName?: string; upstreamName?: string };
}): Promise<SideBySideRun> {
  const plan: SideBySidePlan = {
    loads: o.loads, ...o.timing, connections: o.connections ?? 256, timeoutMs: o.timeoutMs ?? 30_000,
    request: { path: o.path ?? CHAT_PATH, body: o.body },
  };
  const lg = await startLoadgen();
  try {
    const loads = figures(await measureSideBySide(plan, o.arms, o.upstream, lg, ctx.progress), o.arms, o.baseline);
    const tables = sideBySideTables(loads, o.baseline, {
      baselineName: o.wording?.baselineName ?? o.baseline,
      selfReportedName: 'gateway-reported',
      selfReportedNote: 'gateway-reported: the x-switchyard-overhead-us response header (time inside the gateway, upstream excluded).',
      upstreamName: o.wording?.upstreamName ?? 'mock',
    });
    return { loads, tables };
  } finally {
    await lg.close();
  }
}

export const armOf = (f: LoadFigures, id: string) => f.arms.find((a) => a.arm === id);

/** Stops every started server, ignoring the ones that already died. */
export async function stopAll(servers: Array<StartedServer | null | undefined>): Promise<void> {
  await Promise.all(servers.map((s) => s?.service.stop().catch(() => undefined)));
}
