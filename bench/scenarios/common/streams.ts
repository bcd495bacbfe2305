/** Side-by-side streaming measurement: arms take turns in rotated rounds, histograms merged per arm. */
import { Histogram, type HistogramSnapshot } from '../../loadgen/index.js';
import { runStreams, type StreamResult, type StreamSpec } from '../../streams/index.js';
import type { Cell, Table } from '../../lib/index.js';
import type { ScenarioContext } from './index.js';

export interface StreamArm {
  id: string;
  label: string;
  origin: string;
  path?: string;
  body?: string;
  headers?: Record<string, string>;
}

export interface StreamFigures {
  arm: string;
  label: string;
  streams: number;
  ok: number;
  errors: number;
  errorsByKind: Record<string, number>;
  ttft: HistogramSnapshot;
  gaps: HistogramSnapshot;
  total: HistogramSnapshot;
  toolCallMismatches: number;
  toolCallsChecked: number;
}

export async function streamSideBySide(ctx: ScenarioContext, arms: StreamArm[], o: {
  label: string; path: string; body: string; concurrency: number; rounds: number; slotMs: number; warmupMs: number;
  expectToolCall?: StreamSpec['expectToolCall'];
}): Promise<StreamFigures[]> {
  const per = new Map<string, StreamResult[]>(arms.map((a) => [a.id, []]));
  for (let round = 0; round < o.rounds; round++) {
    for (let k = 0; k < arms.length; k++) {
      const arm = arms[(k + round) % arms.length];
      ctx.progress.step(`${o.label} · round ${round + 1}/${o.rounds} · ${arm.id}`, o.slotMs + o.warmupMs);
      per.get(arm.id)!.push(await runStreams({
        origin: arm.origin, path: arm.path ?? o.path, body: arm.body ?? o.body, headers: arm.headers,
        concurrency: o.concurrency, durationMs: o.slotMs, warmupMs: o.warmupMs, expectToolCall: o.expectToolCall,
      }));
    }
  }
  return arms.map((a) => mergeStreams(a, per.get(a.id)!));
}

export function mergeStreams(a: { id: string; label: string }, rs: StreamResult[]): StreamFigures {
  const m = (pick: (r: StreamResult) => HistogramSnapshot) => Histogram.merge(rs.map((r) => Histogram.from(pick(r)))).toJSON();
  const errorsByKind: Record<string, number> = {};
  for (const r of rs) for (const [k, v] of Object.entries(r.errorsByKind)) errorsByKind[k] = (errorsByKind[k] ?? 0) + v;
  const sum = (pick: (r: StreamResult) => number) => rs.reduce((n, r) => n + pick(r), 0);
  return {
    arm: a.id, label: a.label, streams: sum((r) => r.streams), ok: sum((r) => r.ok), errors: sum((r) => r.errors), errorsByKind,
    ttft: m((r) => r.ttft), gaps: m((r) => r.gaps), total: m((r) => r.total),
    toolCallMismatches: sum((r) => r.toolCallMismatches), toolCallsChecked: sum((r) => r.toolCallsChecked),
  };
}

const pct = (h: HistogramSnapshot, p: number) => Histogram.from(h).percentile(p);

/** TTFT and inter-chunk gap percentiles per arm, with the difference versus the baseline arm. */
export function streamTable(title: string, fs: StreamFigures[], baseline: string): Table {
  const base = fs.find((f) => f.arm === baseline);
  const diff = (f: StreamFigures, pick: (f: StreamFigures) => HistogramSnapshot, p: number): Cell =>
    base ? (f.arm === baseline ? 0 : pct(pick(f), p) - pct(pick(base), p)) : null;
  return {
    title,
    columns: ['arm', 'streams ok', 'errors', 'TTFT p50', 'TTFT p99', '+TTFT p50', '+TTFT p99', 'gap p50', 'gap p99', '+gap p50', '+gap p99', 'stream p99'],
    rows: fs.map((f) => [
      f.label, f.ok, f.errors ? `${f.errors} ${JSON.stringify(f.errorsByKind)}` : 0,
      pct(f.ttft, 50), pct(f.ttft, 99), diff(f, (x) => x.ttft, 50), diff(f, (x) => x.ttft, 99),
      pct(f.gaps, 50), pct(f.gaps, 99), diff(f, (x) => x.gaps, 50), diff(f, (x) => x.gaps, 99), pct(f.total, 99),
    ]),
    notes: [`µs. TTFT: send to first SSE event. gap: time between consecutive events of one stream (jitter). +: minus the ${baseline} arm.`],
  };
}

export { pct };
