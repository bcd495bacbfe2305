/**
 * Weights convergence: a deployment that only node 0 uses turns slow (the mock delays its answers);
 * measured until every node's effective weight for it (from /api/cluster, computed from the merged
 * statistics) fell below a threshold. Weights are relative — health compares a deployment's latency with
 * the fastest one next to it — so each repetition has a pair: a reference deployment that stays fast and
 * the one that turns slow. Both first get a fast baseline that every node has seen (weight about 1),
 * then the target gets one burst of slow requests; the clock starts when the latency changed and,
 * separately, when the last slow answer was back — from then on node 0 had every sample and what
 * remains is gossip and recomputation.
 */
import { chat } from './http.js';
import { UPSTREAM, type BenchContext } from './context.js';
import { watchNodes } from './watch.js';

export interface WeightsOptions {
  reps: number;
  /** fast requests before the change (>= the health function's 10 samples, so the baseline counts) */
  baseline: number;
  /** slow requests after the change, sent at once */
  slow: number;
  /** added upstream latency, ms */
  slowMs: number;
  /** a node has converged when the effective weight is below this (configured weight 1) */
  threshold: number;
}

export interface WeightsSample {
  deployment: string;
  /** per node: effective weight before the change (every node had seen the baseline) */
  before: number[];
  /** per node: the first effective weight below the threshold */
  after: number[];
  /** per node: first seen below the threshold, ms after the latency change */
  fromChangeMs: number[];
  /** per node: first seen below the threshold, ms after the last slow answer reached the client */
  fromSlowDoneMs: number[];
  /** how long the slow burst took (change -> last slow answer), ms */
  burstMs: number;
}

export interface WeightsResult {
  samples: WeightsSample[];
  /** repetitions dropped because the fast baseline did not look healthy on every node (noisy machine) */
  discarded: string[];
}

/** A repetition whose baseline never settled: it is retried under a new name, not counted. */
class BaselineNotSettled extends Error {}

export async function measureWeights(ctx: BenchContext, o: WeightsOptions): Promise<WeightsResult> {
  const samples: WeightsSample[] = [];
  const discarded: string[] = [];
  for (let attempt = 0; samples.length < o.reps; attempt++) {
    ctx.progress.step(`weights convergence ${samples.length + 1}/${o.reps}`, 1200 + o.slowMs);
    try {
      samples.push(await oneSlowdown(ctx, `slow-${ctx.tag}-${attempt}`, o));
    } catch (err) {
      if (!(err instanceof BaselineNotSettled) || discarded.length >= o.reps) throw err;
      discarded.push(err.message);
      ctx.progress.log(`weights: repetition discarded (${err.message.slice(0, 300)})`);
    }
  }
  await ctx.mock.reset();
  return { samples, discarded };
}

async function oneSlowdown(ctx: BenchContext, model: string, o: WeightsOptions): Promise<WeightsSample> {
  const deployment = `${UPSTREAM}/${model}`;
  const reference = `${UPSTREAM}/ref-${model}`;
  const origin = ctx.cluster.nodes[0]!.origin;
  const weightOf = (s: { routing: Record<string, { effective_weight?: number; requests: number }> }) => s.routing[deployment];
  await ctx.mock.reset();

  // One at a time: concurrent first requests would pay for connection set-up and look slow themselves.
  for (let i = 0; i < o.baseline; i++) {
    for (const d of [reference, deployment]) {
      const status = await chat(origin, d);
      if (status !== 200) throw new Error(`baseline request to ${d} answered ${status}`);
    }
  }
  const base = await watchNodes(ctx.cluster.nodes, (n) => n.cluster(), (s) => {
    const r = weightOf(s);
    return r !== undefined && r.requests >= o.baseline && (s.routing[reference]?.requests ?? 0) >= o.baseline && (r.effective_weight ?? 0) > o.threshold;
  }, { everyMs: ctx.pollMs, timeoutMs: 5_000, label: `baseline of ${deployment} on every node`, show: (s) => JSON.stringify({ [deployment]: s.routing[deployment], [reference]: s.routing[reference] }) })
    .catch((err: Error) => { throw new BaselineNotSettled(err.message); });

  await ctx.mock.setFaults([{ match: { model }, delayMs: o.slowMs }]);
  const changedAt = Date.now();
  const watching = watchNodes(ctx.cluster.nodes, (n) => n.cluster(), (s) => (weightOf(s)?.effective_weight ?? 1) < o.threshold,
    { everyMs: ctx.pollMs, timeoutMs: 15_000, label: `effective weight of ${deployment} below ${o.threshold}`, show: (s) => JSON.stringify(s.routing[deployment]) });
  const slow = await Promise.all(Array.from({ length: o.slow }, () => chat(origin, deployment)));
  const slowDoneAt = Date.now();
  if (slow.some((s) => s !== 200)) throw new Error(`slow requests to ${deployment} answered ${slow.join(',')}`);
  const seen = await watching;
  return {
    deployment,
    before: base.values.map((s) => weightOf(s)!.effective_weight!),
    after: seen.values.map((s) => weightOf(s)!.effective_weight!),
    fromChangeMs: seen.seenAt.map((t) => t - changedAt),
    fromSlowDoneMs: seen.seenAt.map((t) => t - slowDoneAt),
    burstMs: slowDoneAt - changedAt,
  };
}
