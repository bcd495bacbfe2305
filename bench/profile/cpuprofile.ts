/**
 * Reading V8 `.cpuprofile` files (written by `node --cpu-prof`, one per thread) into self time per call
 * stack within a time window. Sample timestamps are V8 TimeTicks, which on Linux are CLOCK_MONOTONIC in µs,
 * the same clock as `process.hrtime` in any process, so the bench can cut the profile to its load window.
 * Frames in bundled or compiled files are named after their original source through the source maps.
 */
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

interface CallFrame { functionName: string; url: string; lineNumber: number; columnNumber: number }
interface ProfileNode { id: number; callFrame: CallFrame; children?: number[] }
export interface CpuProfile { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] }

/** A frame after source mapping: `name` for display, `source` for grouping (e.g. `src/governance/budget.ts`). */
export interface Frame { name: string; source: string }

/** Self time (µs) of one distinct stack, root first. */
export interface StackTime { frames: Frame[]; us: number }

/** V8's pseudo-frames: time in native code it cannot attribute, in the collector, and waiting for work. */
export const PROGRAM = '(program)', GC = '(garbage collector)', IDLE = '(idle)';

export function readCpuProfile(path: string): CpuProfile {
  const p = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  if (!Array.isArray(p.nodes) || !Array.isArray(p.samples) || !Array.isArray(p.timeDeltas)) throw new Error(`${path}: not a V8 CPU profile`);
  return p;
}

/** Maps a generated position to its original file, one parsed source map per generated file. */
class SourceNamer {
  private readonly maps = new Map<string, SourceMap | null>();

  source(cf: CallFrame): string {
    if (!cf.url) return '';
    if (cf.url.startsWith('node:')) return cf.url;
    const map = this.mapOf(cf.url);
    const entry = map?.findEntry(cf.lineNumber, cf.columnNumber) as { originalSource?: string } | undefined;
    return shortPath(entry?.originalSource ?? cf.url);
  }

  private mapOf(url: string): SourceMap | null {
    if (!this.maps.has(url)) {
      let map: SourceMap | null = null;
      try {
        const file = url.startsWith('file:') ? fileURLToPath(url) : url;
        map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')));
      } catch { /* no map: keep the generated path */ }
      this.maps.set(url, map);
    }
    return this.maps.get(url)!;
  }
}

/** `…/node_modules/undici/lib/x.js` → `undici/lib/x.js`; `…/src/a/b.ts` → `src/a/b.ts` (also cluster/, bench/). */
export function shortPath(p: string): string {
  const nm = p.lastIndexOf('node_modules/');
  if (nm >= 0) return p.slice(nm + 'node_modules/'.length);
  const m = /(?:^|\/)((?:src|cluster|bench)\/(?!.*\/(?:src|cluster|bench)\/).*)$/.exec(p.replace(/^file:\/\//, ''));
  return m ? m[1] : p.replace(/^file:\/\//, '');
}

/**
 * Self time per distinct stack for samples taken in [fromUs, toUs] (V8 TimeTicks). A sample's time is the
 * delta to the next sample, as Chrome DevTools counts it. Idle samples are left out.
 */
export function stacksIn(p: CpuProfile, fromUs = -Infinity, toUs = Infinity): StackTime[] {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  let t = p.startTime;
  for (let i = 0; i < p.samples.length; i++) {
    t += p.timeDeltas[i] ?? 0;
    if (t < fromUs || t > toUs) continue;
    const dt = p.timeDeltas[i + 1] ?? 0;
    if (dt > 0) selfUs.set(p.samples[i], (selfUs.get(p.samples[i]) ?? 0) + dt);
  }
  const namer = new SourceNamer();
  const frameOf = new Map<number, Frame>();
  const frame = (id: number): Frame => {
    let f = frameOf.get(id);
    if (!f) {
      const cf = byId.get(id)!.callFrame;
      const source = namer.source(cf);
      f = { name: `${cf.functionName || '(anonymous)'}${source ? ` ${source}` : ''}`, source };
      frameOf.set(id, f);
    }
    return f;
  };
  const out: StackTime[] = [];
  for (const [id, us] of selfUs) {
    if (byId.get(id)!.callFrame.functionName === IDLE) continue;
    const frames: Frame[] = [];
    // The root node is V8's "(root)": it is every stack's first element, so it is left out.
    for (let cur: number | undefined = id; cur !== undefined && parent.has(cur); cur = parent.get(cur)) frames.push(frame(cur));
    out.push({ frames: frames.reverse(), us });
  }
  return out;
}

/** Merges stacks that print the same (different nodes can map to the same source-level frames). */
export function mergeStacks(stacks: StackTime[]): StackTime[] {
  const by = new Map<string, StackTime>();
  for (const s of stacks) {
    const key = s.frames.map((f) => f.name).join('\n');
    const cur = by.get(key);
    if (cur) cur.us += s.us;
    else by.set(key, { frames: s.frames, us: s.us });
  }
  return [...by.values()];
}
