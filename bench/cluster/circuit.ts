/**
 * Circuit-state convergence: an upstream outage that only node 0 sees (only node 0 gets traffic for the
 * model while the mock fails it). Every other node must open the circuit from gossiped statistics alone.
 * Measured from the first failed upstream call (the mock's receive time) to each node's decision (the
 * `since` of its open circuit in /api/cluster, taken from its own clock — all nodes share this machine's
 * clock) and to when our polling first saw it open.
 */
import { chat } from './http.js';
import { TRIP_FAILURES, UPSTREAM, type BenchContext } from './context.js';
import { watchNodes } from './watch.js';

export interface CircuitSample {
  deployment: string;
  /** statuses node 0 answered the failing requests with */
  statuses: number[];
  /** per node: decision time (its open circuit's `since`) minus the first failure, ms */
  decidedMs: number[];
  /** per node: when polling first saw the circuit open, minus the first failure, ms */
  observedMs: number[];
}

export async function measureCircuit(ctx: BenchContext, reps: number): Promise<CircuitSample[]> {
  const out: CircuitSample[] = [];
  for (let rep = 0; rep < reps; rep++) {
    ctx.progress.step(`circuit convergence ${rep + 1}/${reps}`, 700);
    out.push(await oneOutage(ctx, `outage-${ctx.tag}-${rep}`));
  }
  await ctx.mock.reset();
  return out;
}

async function oneOutage(ctx: BenchContext, model: string): Promise<CircuitSample> {
  const deployment = `${UPSTREAM}/${model}`;
  const [origin] = ctx.cluster.nodes;
  await ctx.mock.reset();
  await ctx.mock.setFaults([{ match: { model }, status: 503 }]);
  const watching = watchNodes(ctx.cluster.nodes, (n) => n.cluster(), (s) => s.routing[deployment]?.circuit === 'open',
    { everyMs: ctx.pollMs, timeoutMs: 15_000, label: `circuit of ${deployment} open` });
  const statuses: number[] = [];
  for (let i = 0; i < TRIP_FAILURES; i++) statuses.push(await chat(origin!.origin, deployment));
  const seen = await watching;
  const calls = (await ctx.mock.requests()).filter((r) => r.body?.model === model);
  if (calls.length < TRIP_FAILURES) throw new Error(`only ${calls.length} of ${TRIP_FAILURES} failing calls reached the mock for ${deployment}`);
  const firstFailure = Math.min(...calls.map((c) => c.receivedAt));
  return {
    deployment,
    statuses,
    decidedMs: seen.values.map((s) => s.routing[deployment]!.since! - firstFailure),
    observedMs: seen.seenAt.map((t) => t - firstFailure),
  };
}
