/** Turns side-by-side measurements into per-arm figures (raw) and the two standard tables. */
import type { Cell, Table } from '../../lib/index.js';
import { Histogram, type CompactHistogram, type HistogramSnapshot, type Percentiles } from '../../loadgen/index.js';
import type { Arm, Measurements, Slot } from './types.js';

export interface ArmFigures {
  arm: string;
  label: string;
  latency: Percentiles;
  /** merged over all rounds: the raw distribution behind every percentile (Histogram.fromCompact reads it) */
  latencyHistogram: CompactHistogram;
  /** from the actual send instead of the schedule (differs from latency in open loop only) */
  service: Percentiles;
  selfReported: Percentiles | null;
  selfReportedHistogram: CompactHistogram | null;
  ok: number;
  errors: number;
  errorsByKind: Record<string, number>;
  achievedRps: number;
  serverCpuUsPerRequest: number | null;
  upstreamCpuUsPerRequest: number | null;
  loadgenCpuUsPerRequest: number | null;
  sendLagP99: number;
  /** this arm's p50 / p99 minus the baseline's in the same round, µs (null for the baseline itself) */
  addedP50ByRound: number[] | null;
  addedP99ByRound: number[] | null;
  rounds: Array<{ round: number; order: number; ok: number; errors: number; achievedRps: number; p50: number; p99: number; max: number; serverCpuUs: number | null; upstreamCpuUs: number | null }>;
}

export interface LoadFigures {
  load: string;
  mode: Measurements['load']['mode'];
  arms: ArmFigures[];
}

const merge = (slots: Slot[], pick: (s: Slot) => HistogramSnapshot | null) =>
  Histogram.merge(slots.map(pick).filter((h): h is HistogramSnapshot => h !== null).map((h) => Histogram.from(h)));

/** Sum of a per-slot CPU figure divided by all requests completed in those slots (warm-ups included, like the CPU). */
const perRequest = (slots: Slot[], pick: (s: Slot) => number | null): number | null => {
  const vals = slots.map(pick);
  if (vals.length === 0 || vals.some((v) => v === null)) return null;
  const reqs = slots.reduce((n, s) => n + s.result.totalCompleted, 0);
  return reqs ? Math.round((vals as number[]).reduce((a, b) => a + b, 0) / reqs) : null;
};

export function figures(ms: Measurements[], arms: Arm[], baselineId: string): LoadFigures[] {
  return ms.map((m) => {
    const base = m.slots.get(baselineId);
    return {
      load: m.load.label,
      mode: m.load.mode,
      arms: arms.map((arm): ArmFigures => {
        const slots = m.slots.get(arm.id) ?? [];
        const latency = merge(slots, (s) => s.result.latency);
        const self = arm.overheadHeader ? merge(slots, (s) => s.result.header) : null;
        const errorsByKind: Record<string, number> = {};
        for (const s of slots) for (const [k, v] of Object.entries(s.result.errorsByKind)) errorsByKind[k] = (errorsByKind[k] ?? 0) + v;
        const ok = slots.reduce((n, s) => n + s.result.ok, 0);
        const measuredMs = slots.reduce((t, s) => t + s.result.durationMs, 0);
        const perRound = slots.map((s) => Histogram.from(s.result.latency).summary());
        const paired = (pick: (p: Percentiles) => number): number[] | null => {
          if (!base || arm.id === baselineId) return null;
          return slots.flatMap((s, i) => {
            const b = base.find((x) => x.round === s.round);
            return b ? [pick(perRound[i]) - pick(Histogram.from(b.result.latency).summary())] : [];
          });
        };
        return {
          arm: arm.id,
          label: arm.label,
          latency: latency.summary(),
          latencyHistogram: latency.toCompact(),
          service: merge(slots, (s) => s.result.service).summary(),
          selfReported: self && self.count ? self.summary() : null,
          selfReportedHistogram: self && self.count ? self.toCompact() : null,
          ok,
          errors: slots.reduce((n, s) => n + s.result.errors, 0),
          errorsByKind,
          achievedRps: measuredMs ? Math.round((ok / measuredMs) * 1000 * 10) / 10 : 0,
          serverCpuUsPerRequest: arm.server ? perRequest(slots, (s) => s.serverCpuUs) : null,
          upstreamCpuUsPerRequest: perRequest(slots, (s) => s.upstreamCpuUs),
          loadgenCpuUsPerRequest: perRequest(slots, (s) => s.result.loadgenCpuUs),
          sendLagP99: merge(slots, (s) => s.result.sendLag).percentile(99),
          addedP50ByRound: paired((p) => p.p50),
          addedP99ByRound: paired((p) => p.p99),
          rounds: slots.map((s, i) => ({
            round: s.round, order: s.order, ok: s.result.ok, errors: s.result.errors, achievedRps: s.result.achievedRps,
            p50: perRound[i].p50, p99: perRound[i].p99, max: perRound[i].max, serverCpuUs: s.serverCpuUs, upstreamCpuUs: s.upstreamCpuUs,
          })),
        };
      }),
    };
  });
}

const range = (xs: number[] | null): Cell => (xs && xs.length ? `${Math.min(...xs)} … ${Math.max(...xs)}` : '-');

export interface TableWording {
  /** e.g. "direct" */
  baselineName: string;
  /** column title for the self-reported overhead header, or omit the columns */
  selfReportedName?: string;
  selfReportedNote?: string;
  upstreamName: string;
}

export function sideBySideTables(fs: LoadFigures[], baselineId: string, w: TableWording): Table[] {
  const self = w.selfReportedName;
  const added: Table = {
    title: `Added latency versus ${w.baselineName} (µs; open loop counts from the scheduled send time)`,
    columns: ['load', 'arm', 'p50', 'p99', '+p50', '+p99', '+p50 per round', ...(self ? [`${self} p50`, `${self} p99`] : [])],
    rows: [],
    notes: [
      `+p50/+p99: the arm's percentile minus the ${w.baselineName} arm's, all rounds merged; "per round" is the range of the same difference paired round by round (the noise).`,
      ...(w.selfReportedNote ? [w.selfReportedNote] : []),
    ],
  };
  const detail: Table = {
    title: 'Detail (latency µs, CPU µs per request)',
    columns: ['load', 'arm', 'requests', 'errors', 'achieved rps', 'p90', 'p99.9', 'max', 'server CPU/req', `${w.upstreamName} CPU/req`, 'loadgen CPU/req', 'loadgen lag p99'],
    rows: [],
    notes: [`server CPU/req: user+system CPU of the arm's process (all threads) per request, warm-up included. loadgen lag p99: how late the generator sent versus its schedule (open loop).`],
  };
  for (const f of fs) {
    const base = f.arms.find((a) => a.arm === baselineId);
    for (const a of f.arms) {
      const isBase = a.arm === baselineId;
      const diff = (pick: (p: Percentiles) => number): Cell => (isBase ? 0 : base ? pick(a.latency) - pick(base.latency) : null);
      added.rows.push([
        f.load, a.label, a.latency.p50, a.latency.p99, diff((p) => p.p50), diff((p) => p.p99), range(a.addedP50ByRound),
        ...(self ? [a.selfReported?.p50 ?? '-', a.selfReported?.p99 ?? '-'] : []),
      ]);
      detail.rows.push([
        f.load, a.label, a.ok + a.errors, a.errors ? `${a.errors} ${JSON.stringify(a.errorsByKind)}` : 0, a.achievedRps,
        a.latency.p90, a.latency.p999, a.latency.max,
        a.serverCpuUsPerRequest, a.upstreamCpuUsPerRequest, a.loadgenCpuUsPerRequest, f.mode.kind === 'open' ? a.sendLagP99 : '-',
      ]);
    }
  }
  return [added, detail];
}
