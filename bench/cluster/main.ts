/**
 * `npm run bench:cluster` — how fast a cluster of real gateway processes converges, and what its gossip costs.
 *   node dist/bench/cluster/main.js [--quick] [--sizes 3,5] [--circuit-reps 20] ...
 * Prints the tables and writes bench/results/<date>-cluster(-quick).json.
 */
import { machineLine, opt, parseCli, renderText, UsageError, writeResults } from '../lib/index.js';
import { FULL, QUICK, runClusterBench, type ClusterBenchParams } from './index.js';

const USAGE = 'usage: cluster [options]   (3 and 5 gateway nodes on 127.0.0.1; needs `npm run build`)';

async function main(): Promise<void> {
  const a = parseCli(USAGE, {
    quick: opt.flag('short run (under 90 s) for a smoke check'),
    sizes: opt.numbers('cluster sizes (gateway processes)', FULL.sizes),
    'circuit-reps': opt.number(`outages per size (default ${FULL.circuitReps}, quick ${QUICK.circuitReps})`),
    'weights-reps': opt.number(`slowdowns per size (default ${FULL.weightsReps}, quick ${QUICK.weightsReps})`),
    'spend-reps': opt.number(`priced requests per size (default ${FULL.spendReps}, quick ${QUICK.spendReps})`),
    'idle-s': opt.number(`idle bandwidth window, seconds (default ${FULL.idleS}, quick ${QUICK.idleS})`),
    'load-s': opt.number(`bandwidth-under-load window, seconds (default ${FULL.loadS}, quick ${QUICK.loadS})`),
    rps: opt.number('client requests per second over the cluster during the load window', FULL.loadRps),
    'poll-ms': opt.number('polling interval of every node while waiting', FULL.pollMs),
    out: opt.string('results file (default bench/results/<date>-<scenario>.json)'),
    'dry-run': opt.flag('do not write a results file'),
  });
  const preset = a.quick ? QUICK : FULL;
  const p: ClusterBenchParams = {
    ...preset,
    sizes: a.sizes,
    circuitReps: a['circuit-reps'] ?? preset.circuitReps,
    weightsReps: a['weights-reps'] ?? preset.weightsReps,
    spendReps: a['spend-reps'] ?? preset.spendReps,
    idleS: a['idle-s'] ?? preset.idleS,
    loadS: a['load-s'] ?? preset.loadS,
    loadRps: a.rps,
    pollMs: a['poll-ms'],
  };
  if (p.sizes.some((s) => !Number.isInteger(s) || s < 2)) throw new UsageError('--sizes must be whole numbers >= 2 (a cluster needs peers)');
  for (const k of ['circuitReps', 'weightsReps', 'spendReps'] as const) {
    if (!Number.isInteger(p[k]) || p[k] < 1) throw new UsageError(`--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} must be a whole number >= 1`);
  }
  if (p.idleS <= 0 || p.loadS <= 0 || p.loadRps <= 0 || p.pollMs <= 0) throw new UsageError('--idle-s, --load-s, --rps and --poll-ms must be > 0');

  const results = await runClusterBench(p);
  console.log(`\nSwitchyard cluster convergence — ${machineLine(results.machine)}\n`);
  for (const t of results.tables) console.log(renderText(t) + '\n');
  if (!a['dry-run']) console.log(`results: ${writeResults(results, a.out)}`);
}

main().catch((err: Error) => {
  console.error(`cluster: ${err instanceof UsageError ? '' : 'failed: '}${err.message}`);
  process.exit(err instanceof UsageError ? 2 : 1);
});
