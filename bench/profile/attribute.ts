/**
 * Turns sampled stacks into the two views the profile report prints: CPU by the code that asked for it
 * (a source folder of Switchyard or a package), and the hottest functions by self time.
 */
import { GC, PROGRAM, type Frame, type StackTime } from './cpuprofile.js';

const PSEUDO = new Set([GC, PROGRAM]);

export const GC_CATEGORY = 'garbage collection';
export const NATIVE_CATEGORY = 'native, not attributed (uWS, libuv, V8)';

/** The code a frame belongs to: `src/<folder>`, `cluster`, `bench/<folder>`, a package, or null for node internals and builtins. */
function owner(f: Frame): string | null {
  const s = f.source;
  if (!s || s.startsWith('node:')) return null;
  const ours = /^(src|bench)\/([^/]+)\//.exec(s);
  if (ours) return `${ours[1]}/${ours[2]}`;
  if (s.startsWith('cluster/')) return 'cluster';
  // The only WebAssembly in these processes is undici's HTTP parser (llhttp).
  if (s.startsWith('wasm:')) return 'undici (llhttp, wasm)';
  const pkg = /^(@[^/]+\/[^/]+|[^/]+)\//.exec(s);
  return pkg ? pkg[1] : s;
}

/**
 * A stack's category: the nearest frame, from the leaf down, that belongs to our code or to a package.
 * Time in node internals and builtins (JSON.parse, socket writes, uWS calls) thus counts for whoever
 * called them, which is the question the report answers: what each part of the gateway costs.
 */
export function categoryOf(frames: Frame[]): string {
  const leaf = frames[frames.length - 1]?.name;
  if (leaf === GC) return GC_CATEGORY;
  if (leaf === PROGRAM) return NATIVE_CATEGORY;
  for (let i = frames.length - 1; i >= 0; i--) {
    const o = owner(frames[i]);
    if (o) return o;
  }
  return frames.some((f) => f.source.startsWith('node:')) ? 'node internals' : 'builtins';
}

/** A leaf without source (a builtin such as `parse`, or a native call) is named with its nearest caller that has one. */
export function leafName(frames: Frame[]): string {
  const leaf = frames[frames.length - 1];
  if (!leaf || leaf.source || PSEUDO.has(leaf.name)) return leaf?.name ?? '';
  for (let i = frames.length - 2; i >= 0; i--) if (frames[i].source) return `${leaf.name} ← ${frames[i].name}`;
  return leaf.name;
}

export function sumBy(stacks: StackTime[], key: (frames: Frame[]) => string): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of stacks) {
    const k = key(s.frames);
    out.set(k, (out.get(k) ?? 0) + s.us);
  }
  return out;
}

export const totalUs = (stacks: StackTime[]) => stacks.reduce((a, s) => a + s.us, 0);
