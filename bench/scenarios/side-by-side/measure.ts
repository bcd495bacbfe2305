/**
 * Side-by-side measurement: for every load, a warm-up per arm, then `rounds` rounds in which every arm
 * gets one slot, the order rotating each round, so that drift (thermal, background work, GC in
 * long-lived processes) hits all arms alike.
 */
import { processCpuUs, type Progress } from '../../lib/index.js';
import type { LoadSpec, Loadgen } from '../../loadgen/index.js';
import type { StartedServer } from '../../stack/index.js';
import type { Arm, Load, Measurements, SideBySidePlan, Slot } from './types.js';

const cpuDelta = (pid: number | undefined, before: number | null): number | null => {
  if (pid === undefined || before === null) return null;
  const after = processCpuUs(pid);
  return after === null ? null : after - before;
};

/**
 * @param upstream the process behind all arms (its CPU is reported per request), or null
 * @param watch    processes that must stay alive; a death aborts the run with the process's output
 */
export async function measureSideBySide(plan: SideBySidePlan, arms: Arm[], upstream: StartedServer | null, lg: Loadgen, progress: Progress, watch: StartedServer[] = []): Promise<Measurements[]> {
  const watched = [...watch, ...(upstream ? [upstream] : []), ...arms.flatMap((a) => (a.server ? [a.server] : []))];
  const out: Measurements[] = [];
  const jit: Load = { label: 'JIT warm-up', mode: { kind: 'closed', concurrency: 16 } };
  for (const arm of plan.jitWarmupS ? arms : []) {
    progress.step(`${arm.id} · JIT warm-up`, plan.jitWarmupS! * 1000);
    const r = await lg.run(specFor(plan, jit, arm, 0, plan.jitWarmupS! * 1000));
    if (r.ok === 0) throw new Error(`${arm.id}: no successful request during the JIT warm-up (${JSON.stringify(r.errorsByKind)})`);
    assertAlive(watched);
  }
  for (const load of plan.loads) {
    const spec = (arm: Arm, warmupMs: number, durationMs: number): LoadSpec => specFor(plan, load, arm, warmupMs, durationMs);
    for (const arm of arms) {
      if (plan.warmupS <= 0) break;
      progress.step(`${load.label} · ${arm.id} · warm-up`, plan.warmupS * 1000);
      const r = await lg.run(spec(arm, 0, plan.warmupS * 1000));
      if (r.ok === 0) throw new Error(`${arm.id}: no successful request during warm-up (${JSON.stringify(r.errorsByKind)})`);
      assertAlive(watched);
    }

    const slots = new Map<string, Slot[]>(arms.map((a) => [a.id, []]));
    for (let round = 0; round < plan.rounds; round++) {
      for (let k = 0; k < arms.length; k++) {
        const arm = arms[(k + round) % arms.length];
        progress.step(`${load.label} · round ${round + 1}/${plan.rounds} · ${arm.id}`, (plan.slotS + plan.slotWarmupS) * 1000);
        const serverPid = arm.server?.service.pid;
        const upstreamPid = upstream?.service.pid;
        const serverBefore = serverPid === undefined ? null : processCpuUs(serverPid);
        const upstreamBefore = upstreamPid === undefined ? null : processCpuUs(upstreamPid);
        const result = await lg.run(spec(arm, plan.slotWarmupS * 1000, plan.slotS * 1000));
        slots.get(arm.id)!.push({
          round, order: k, result,
          serverCpuUs: cpuDelta(serverPid, serverBefore),
          upstreamCpuUs: cpuDelta(upstreamPid, upstreamBefore),
        });
        assertAlive(watched);
      }
    }
    out.push({ load, slots });
  }
  return out;
}

function specFor(plan: SideBySidePlan, load: Load, arm: Arm, warmupMs: number, durationMs: number): LoadSpec {
  return {
    target: {
      origin: arm.origin, path: arm.request?.path ?? plan.request.path, body: arm.request?.body ?? plan.request.body,
      headers: { ...plan.request.headers, ...arm.request?.headers },
    },
    expectStatus: arm.expectStatus,
    mode: load.mode,
    durationMs,
    warmupMs,
    connections: load.mode.kind === 'closed' ? load.mode.concurrency : plan.connections,
    timeoutMs: plan.timeoutMs,
    recordHeader: arm.overheadHeader,
  };
}

function assertAlive(servers: StartedServer[]): void {
  for (const s of servers) {
    if (!s.service.alive()) throw new Error(`${s.service.name} died during the benchmark (${s.service.exitStatus()})\n--- output ---\n${s.service.outputTail()}`);
  }
}

export type { Load };
