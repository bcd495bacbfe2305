/**
 * Profiles the bare proxy and Switchyard with every feature under the same load: each runs under
 * `node --cpu-prof` (every thread writes its own profile on exit), is warmed up, then loaded for a measured
 * window whose start and end are taken on the monotonic clock the profiles use. Only samples inside that
 * window count, divided by the requests completed in it.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FLAME_MIN_FRACTION } from '../lib/charts.js';
import type { FlameStack } from '../lib/flamegraph.js';
import { processCpuUs, tempDir, type Progress } from '../lib/index.js';
import { startLoadgen, type Loadgen, type LoadMode } from '../loadgen/index.js';
import { CHAT_PATH, chatBody } from '../scenarios/common/index.js';
import { promptOf } from '../scenarios/large-prompts/index.js';
import { startBareProxyProcess, startMockProcess, startSwitchyardArm, type StartedServer } from '../stack/index.js';
import { categoryOf, leafName, sumBy, totalUs } from './attribute.js';
import { mergeStacks, readCpuProfile, stacksIn, type StackTime } from './cpuprofile.js';
import { pruneStacks } from './prune.js';

/** The hottest functions kept per arm. */
const STORE_FUNCTIONS = 60;

export interface ProfileLoad {
  id: string;
  label: string;
  upstreamLatencyMs: number;
  mode: LoadMode;
  body: () => string;
  connections?: number;
  /** gateway config for this load (thousands in flight need the throughput scenario's limits) */
  gatewayConfig?: (upstreamOrigin: string) => Record<string, unknown>;
}

/** As the throughput scenario configures the gateway for thousands of requests in flight. */
const manyInFlight = (origin: string) => ({
  providers: { up: { type: 'custom', base_url: `${origin}/v1`, api_key: 'bench-key', max_connections: 50_000, timeout_ms: 60_000 } },
  routing: { max_concurrency: 50_000, queue_size: 50_000, retries: 0 },
});

/** The loads behind the missed targets: the CPU ratio (500 rps, c=16), thousands in flight, a 100k-token prompt. */
export const LOADS: ProfileLoad[] = [
  { id: 'open-500', label: 'open loop 500 rps, instant upstream', upstreamLatencyMs: 0, mode: { kind: 'open', rps: 500 }, body: () => chatBody() },
  { id: 'closed-16', label: 'closed loop c=16, instant upstream', upstreamLatencyMs: 0, mode: { kind: 'closed', concurrency: 16 }, body: () => chatBody() },
  { id: 'in-flight', label: 'open loop 2000 rps, 1.5 s upstream (3000 in flight)', upstreamLatencyMs: 1500, mode: { kind: 'open', rps: 2000 }, body: () => chatBody(), connections: 4700, gatewayConfig: manyInFlight },
  { id: 'prompt-100k', label: 'closed loop c=1, ~100k-token prompt', upstreamLatencyMs: 0, mode: { kind: 'closed', concurrency: 1 }, body: () => promptOf(100_000) },
];

export const ARMS = [
  { id: 'bare-proxy', label: 'bare proxy (uWS + undici)' },
  { id: 'switchyard-full', label: 'Switchyard, every feature (key, budget, rpm, log, metrics)' },
] as const;
export type ArmId = (typeof ARMS)[number]['id'];

export interface ThreadFigure { thread: string; sampledUs: number }

export interface ArmProfile {
  arm: ArmId;
  requests: number;
  ok: number;
  windowUs: number;
  /** utime + stime of the whole process over the window (all threads, kernel included); null off Linux */
  processCpuUs: number | null;
  threads: ThreadFigure[];
  /** self µs per distinct stack, the first frame being the thread (small stacks folded, see storedStacks) */
  stacks: FlameStack[];
  categories: Record<string, number>;
  functions: Record<string, number>;
}

export interface RunOptions { seconds: number; warmS: number; intervalUs: number; progress: Progress }

const nowUs = () => Number(process.hrtime.bigint() / 1000n);
const threadOf = (file: string) => (/\.\d+\.(\d+)\.\d+\.cpuprofile$/.exec(file)?.[1] === '0' ? 'main thread' : 'worker threads');

export async function profileLoad(load: ProfileLoad, o: RunOptions): Promise<ArmProfile[]> {
  const servers: StartedServer[] = [];
  let lg: Loadgen | null = null;
  try {
    const mock = await startMockProcess({ latencyMs: load.upstreamLatencyMs });
    servers.push(mock);
    lg = await startLoadgen();
    const out: ArmProfile[] = [];
    for (const arm of ARMS) out.push(await profileArm(arm.id, load, mock, lg, o));
    return out;
  } finally {
    await lg?.close();
    await Promise.all(servers.map((s) => s.service.stop()));
  }
}

async function profileArm(arm: ArmId, load: ProfileLoad, mock: StartedServer, lg: Loadgen, o: RunOptions): Promise<ArmProfile> {
  const dir = tempDir('switchyard-profile');
  const nodeArgs = ['--cpu-prof', `--cpu-prof-dir=${dir.path}`, `--cpu-prof-interval=${o.intervalUs}`];
  o.progress.step(`${load.id}: ${arm} starting`, 1500);
  const server = arm === 'bare-proxy'
    ? { ...(await startBareProxyProcess(mock.origin, load.connections ?? 256, nodeArgs)), headers: {} as Record<string, string> }
    : await startSwitchyardArm({ upstreamOrigin: mock.origin, governance: true, requestLog: true, nodeArgs, extraConfig: load.gatewayConfig?.(mock.origin) });
  try {
    const target = { origin: server.origin, path: CHAT_PATH, headers: server.headers, body: load.body() };
    const base = { connections: load.connections, timeoutMs: 30_000, maxInflight: 40_000 };
    // The JIT first (as bench:overhead does), then the load itself, both unrecorded.
    o.progress.step(`${load.id}: ${arm} warm-up`, o.warmS * 2000);
    await lg.run({ ...base, connections: undefined, target: { ...target, body: chatBody() }, mode: { kind: 'closed', concurrency: 16 }, durationMs: o.warmS * 1000 });
    await lg.run({ ...base, target, mode: load.mode, durationMs: o.warmS * 1000 });
    o.progress.step(`${load.id}: ${arm} profiled load`, o.seconds * 1000);
    const cpu0 = processCpuUs(server.service.pid), t0 = nowUs();
    const r = await lg.run({ ...base, target, mode: load.mode, durationMs: o.seconds * 1000 });
    const t1 = nowUs(), cpu1 = processCpuUs(server.service.pid);
    if (r.ok === 0) throw new Error(`${arm} answered no request under ${load.id}: ${JSON.stringify(r.errorsByKind)}`);
    o.progress.step(`${load.id}: ${arm} writing profiles`, 3000);
    await server.service.stop(30_000);
    return analyse(arm, dir.path, t0, t1, { requests: r.totalCompleted, ok: r.ok, processCpuUs: cpu0 !== null && cpu1 !== null ? cpu1 - cpu0 : null });
  } finally {
    await server.service.stop();
    dir.remove();
  }
}

function analyse(arm: ArmId, dir: string, t0: number, t1: number, m: { requests: number; ok: number; processCpuUs: number | null }): ArmProfile {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  if (files.length === 0) throw new Error(`${arm} wrote no CPU profile (did it exit cleanly?)`);
  const threads = new Map<string, number>();
  const all: StackTime[] = [];
  for (const f of files) {
    const thread = threadOf(f);
    const stacks = stacksIn(readCpuProfile(join(dir, f)), t0, t1);
    threads.set(thread, (threads.get(thread) ?? 0) + totalUs(stacks));
    for (const s of stacks) all.push({ frames: [{ name: thread, source: '' }, ...s.frames], us: s.us });
  }
  const merged = mergeStacks(all);
  const noThread = merged.map((s) => s.frames.slice(1));
  const record = (m: Map<string, number>) => Object.fromEntries([...m].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, Math.round(v)]));
  return {
    arm, ...m, windowUs: t1 - t0,
    threads: [...threads].map(([thread, sampledUs]) => ({ thread, sampledUs: Math.round(sampledUs) })),
    // Frames the flame graphs would not draw are not stored; their time stays with their caller (prune.ts).
    stacks: pruneStacks(merged, FLAME_MIN_FRACTION),
    categories: record(sumBy(noThread.map((frames, i) => ({ frames, us: merged[i].us })), categoryOf)),
    functions: Object.fromEntries(Object.entries(record(sumBy(noThread.map((frames, i) => ({ frames, us: merged[i].us })), leafName))).slice(0, STORE_FUNCTIONS)),
  };
}
