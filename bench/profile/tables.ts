/** The profile report's tables, derived from the stored figures only. */
import type { Table } from '../lib/index.js';
import { GC_CATEGORY, NATIVE_CATEGORY } from './attribute.js';
import type { ArmProfile, ProfileLoad } from './run.js';

export interface LoadProfile { load: Pick<ProfileLoad, 'id' | 'label'>; arms: ArmProfile[] }

const perReq = (us: number | null, a: ArmProfile) => (us === null || a.requests === 0 ? null : Math.round((us / a.requests) * 10) / 10);
const sampled = (a: ArmProfile) => a.threads.reduce((s, t) => s + t.sampledUs, 0);
/** Categories under this many µs per request in both arms are folded into one row. */
const SMALL_US = 1;

export function categoryTable({ load, arms }: LoadProfile): Table {
  const [bare, sy] = [arms.find((a) => a.arm === 'bare-proxy'), arms.find((a) => a.arm === 'switchyard-full')];
  const names = [...new Set(arms.flatMap((a) => Object.keys(a.categories)))];
  const v = (a: ArmProfile | undefined, c: string) => (a ? perReq(a.categories[c] ?? 0, a) ?? 0 : 0);
  const big = names.filter((c) => Math.max(v(bare, c), v(sy, c)) >= SMALL_US).sort((x, y) => v(sy, y) - v(sy, x));
  const small = names.filter((c) => !big.includes(c));
  const row = (label: string, b: number | null, s: number | null) => [label, b, s, b !== null && s !== null ? Math.round((s - b) * 10) / 10 : null];
  const rows = big.map((c) => row(c, v(bare, c), v(sy, c)));
  if (small.length) rows.push(row(`${small.length} others, each under ${SMALL_US} µs`, sumOf(small, bare), sumOf(small, sy)));
  rows.push(row('sampled on JS threads, total', bare ? perReq(sampled(bare), bare) : null, sy ? perReq(sampled(sy), sy) : null));
  rows.push(row('whole process (/proc: all threads, kernel)', bare ? perReq(bare.processCpuUs, bare) : null, sy ? perReq(sy.processCpuUs, sy) : null));
  const threads = (a: ArmProfile | undefined) => a?.threads.map((t) => `${t.thread} ${perReq(t.sampledUs, a)}`).join(', ') ?? 'n/a';
  return {
    title: `Where the CPU goes, µs per request: ${load.label}`,
    columns: ['code that spent it', 'bare proxy', 'switchyard full', 'extra'],
    rows,
    notes: [
      `Self time of V8 CPU-profile samples in the measured window, counted for the nearest caller in our code or a package (so JSON.parse, socket writes and uWS calls count for the code that made them); ${GC_CATEGORY} and ${NATIVE_CATEGORY} have no JS caller.`,
      `Requests: bare proxy ${bare?.requests ?? 'n/a'}, switchyard ${sy?.requests ?? 'n/a'}. By thread: bare proxy ${threads(bare)}; switchyard ${threads(sy)}.`,
      'The whole-process figure also holds what the samples cannot see: the kernel side of socket I/O, V8\'s compiler and GC helper threads. Profiling itself adds to every figure.',
    ],
  };
  function sumOf(cs: string[], a: ArmProfile | undefined) { return Math.round(cs.reduce((s, c) => s + v(a, c), 0) * 10) / 10; }
}

export function hottestTable({ load, arms }: LoadProfile, top = 12): Table | null {
  const sy = arms.find((a) => a.arm === 'switchyard-full');
  if (!sy) return null;
  const total = sampled(sy) || 1;
  return {
    title: `Hottest functions in Switchyard, self µs per request: ${load.label}`,
    columns: ['function (source)', 'µs per request', '% of samples'],
    rows: Object.entries(sy.functions).slice(0, top).map(([f, us]) => [f, perReq(us, sy), Math.round((us / total) * 1000) / 10]),
    notes: ['A builtin without source (JSON.parse, a uWS or socket call) is shown with its nearest caller that has one (after ←).'],
  };
}
