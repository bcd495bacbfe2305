/**
 * One cluster benchmark run: for each cluster size, start that many gateway processes against one shared
 * mock upstream, measure idle gossip, circuit / weights / spend convergence, then gossip under load, and
 * stop them again. Returns the results file (tables + raw samples); writing it is the caller's choice.
 */
import { randomBytes } from 'node:crypto';
import { spawnOpenAIMock } from '../../test/mocks/index.js';
import { describeMachine, Progress, repoRoot, track, type ResultsFile, RESULTS_SCHEMA } from '../lib/index.js';
import { switchyardBuilt } from '../stack/index.js';
import { measureIdle, measureUnderLoad } from './bandwidth.js';
import { measureCircuit } from './circuit.js';
import { benchConfig, type BenchContext } from './context.js';
import { launchCluster } from './gateway-cluster.js';
import { sleep } from './http.js';
import type { ClusterBenchParams } from './presets.js';
import { measureSpend } from './spend.js';
import { bandwidthTable, convergenceTable, startupTable, type SizeRaw } from './tables.js';
import { measureWeights } from './weights.js';

export type ClusterResults = ResultsFile<{ sizes: SizeRaw[] }>;

/** Rough duration of one run, for the progress line. */
export function expectedMs(p: ClusterBenchParams): number {
  const perSize = 8000 + p.circuitReps * 700 + p.weightsReps * (1200 + p.slowMs) + p.spendReps * 500
    + (p.idleS + p.loadS + p.loadWarmupS) * 1000;
  return p.sizes.length * perSize;
}

export async function runClusterBench(p: ClusterBenchParams, progress = new Progress(expectedMs(p))): Promise<ClusterResults> {
  const built = switchyardBuilt();
  if (!built.ok) throw new Error(`the gateway is not built: ${built.reason}`);
  const root = repoRoot();
  const machineAtStart = describeMachine(root);
  const startedAt = new Date().toISOString();
  const mock = await spawnOpenAIMock();
  track(mock.child);
  const sizes: SizeRaw[] = [];
  try {
    for (const size of p.sizes) sizes.push(await runSize(size));
  } finally {
    await mock.close();
  }
  progress.finish();
  const machine = describeMachine(root);
  return {
    schema: RESULTS_SCHEMA,
    scenario: p.quick ? 'cluster-quick' : 'cluster',
    startedAt,
    finishedAt: new Date().toISOString(),
    machine: { ...machine, loadAverage1m: machineAtStart.loadAverage1m },
    params: { ...p, loadAverage1mAtEnd: machine.loadAverage1m, workersPerNode: 1, clusterTimings: 'defaults (heartbeat 1000 ms, stats flush 100 ms, sync 5000 ms)' },
    tables: [convergenceTable(sizes, p), bandwidthTable(sizes), startupTable(sizes)],
    raw: { sizes },
  };

  async function runSize(size: number): Promise<SizeRaw> {
    progress.step(`starting ${size} gateway nodes`, 6000);
    const cluster = await launchCluster({ size, config: benchConfig(mock.url) });
    try {
      const ctx: BenchContext = { cluster, mock, pollMs: p.pollMs, progress, tag: `${size}n${randomBytes(3).toString('hex')}` };
      // Let the start-up sync rounds settle, so "idle" means heartbeats only.
      await sleep(1500);
      const idle = await measureIdle(ctx, p.idleS);
      const circuit = await measureCircuit(ctx, p.circuitReps);
      const weights = await measureWeights(ctx, {
        reps: p.weightsReps, baseline: p.baselineRequests, slow: p.slowRequests, slowMs: p.slowMs, threshold: p.weightThreshold,
      });
      const spend = await measureSpend(ctx, p.spendReps);
      const load = await measureUnderLoad(ctx, { seconds: p.loadS, rps: p.loadRps, deployments: p.loadDeployments, warmupS: p.loadWarmupS });
      progress.log(`${size} nodes: done`);
      return { size, startup: cluster.startup, circuit, weights, spend, bandwidth: [idle, load] };
    } catch (err) {
      const tails = cluster.nodes.map((n) => `--- node-${n.index} ---\n${n.service.outputTail()}`).join('\n');
      throw new Error(`${(err as Error).message}\n${tails}`);
    } finally {
      await cluster.stop();
    }
  }
}
