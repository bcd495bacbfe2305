/** SVG charts derived from a results file's tables (so they always agree with the tables and the README). */
import type { ResultsFile } from './results.js';
import type { Cell, Table } from './table.js';
import { barChart, lineChart } from './svg.js';
import { flameGraph, type FlameStack } from './flamegraph.js';
import { FLAME_LEGEND, frameColor } from './flame-colors.js';

export interface Chart { name: string; title: string; svg: string }

/**
 * A flame graph's data as stored in a results file: self time per stack, shown divided by `divisor`. Stacks
 * are in the folded format of flamegraph.pl with frame names replaced by their index in `frames`
 * (`"0;4;9 1234"`: root first, then the value), which keeps the file several times smaller.
 */
/** Frames narrower than this share of the samples are not drawn (the profile report does not store them either). */
export const FLAME_MIN_FRACTION = 0.003;

export interface FlameChart { name: string; title: string; unit: string; divisor: number; frames: string[]; stacks: string[] }

export function packFlame(stacks: FlameStack[]): Pick<FlameChart, 'frames' | 'stacks'> {
  const index = new Map<string, number>();
  const at = (n: string) => { let i = index.get(n); if (i === undefined) index.set(n, (i = index.size)); return i; };
  return { stacks: stacks.map((s) => `${s.frames.map(at).join(';')} ${s.value}`), frames: [...index.keys()] };
}

export function unpackFlame(f: Pick<FlameChart, 'frames' | 'stacks'>): FlameStack[] {
  return f.stacks.map((line) => {
    const [path, value] = line.split(' ');
    return { frames: path.split(';').map((i) => f.frames[Number(i)]), value: Number(value) };
  });
}

const num = (c: Cell | undefined): number | null => (typeof c === 'number' && Number.isFinite(c) ? c : null);
const col = (t: Table, name: string) => t.columns.indexOf(name);

export function chartsFor(file: ResultsFile): Chart[] {
  const out: Chart[] = [];
  // Flame graphs come from the (pruned) stacks a results file keeps in raw.flames (the profile report).
  for (const f of (file.raw as { flames?: FlameChart[] } | null)?.flames ?? []) {
    out.push({ name: `${file.scenario}-${f.name}`, title: f.title, svg: flameGraph(unpackFlame(f), { title: f.title, unit: f.unit, divisor: f.divisor, colorOf: frameColor, legend: FLAME_LEGEND, minFraction: FLAME_MIN_FRACTION }) });
  }
  file.tables.forEach((t, i) => {
    const name = `${file.scenario}-${i}`;
    const iArm = col(t, 'arm'), iLoad = col(t, 'load');
    if (iArm >= 0 && col(t, 'p50') >= 0 && col(t, 'p99') >= 0) {
      const cats = t.rows.map((r) => (iLoad >= 0 ? `${r[iLoad]} · ${r[iArm]}` : String(r[iArm])));
      const series = ['p50', 'p99'].map((s) => ({ name: `${s} latency`, values: t.rows.map((r) => num(r[col(t, s)])) }));
      out.push({ name, title: t.title, svg: barChart(`${file.scenario}: latency (µs)`, cats, series, 'µs') });
    } else if (iArm >= 0 && col(t, 'TTFT p99') >= 0 && col(t, 'gap p99') >= 0) {
      const series = ['TTFT p50', 'TTFT p99', 'gap p50', 'gap p99'].map((s) => ({ name: s, values: t.rows.map((r) => num(r[col(t, s)])) }));
      out.push({ name, title: t.title, svg: barChart(`${file.scenario}: TTFT and inter-chunk gaps (µs)`, t.rows.map((r) => String(r[iArm])), series, 'µs') });
    } else if (col(t, 'offered rps') >= 0) {
      const xs = t.rows.map((r) => num(r[col(t, 'offered rps')]) ?? 0);
      out.push({ name: `${name}-latency`, title: t.title, svg: lineChart(`${file.scenario}: latency vs offered load`, xs, 'offered requests/s', ['p50 ms', 'p99 ms'].map((s) => ({ name: s, values: t.rows.map((r) => num(r[col(t, s)])) })), 'ms') });
      if (col(t, 'peak RSS MB') >= 0) out.push({ name: `${name}-memory`, title: t.title, svg: lineChart(`${file.scenario}: success and peak RSS`, xs, 'offered requests/s', ['success %', 'peak RSS MB'].map((s) => ({ name: s, values: t.rows.map((r) => num(r[col(t, s)])) })), '% / MB') });
    }
  });
  return out;
}
