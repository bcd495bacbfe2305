/**
 * `npm run bench:overhead` — gateway overhead versus going direct, and versus a bare uWS+undici proxy.
 *   node dist/bench/overhead.js [--quick] [--rps 500] [--concurrency 1,4,16] [--rounds 5] ...
 * Prints the tables and writes bench/results/<date>-overhead(-quick).json.
 */
import { machineLine, opt, parseCli, renderText, UsageError, writeResults } from './lib/index.js';
import { targetsTable } from './scenarios/common/index.js';
import { ALL_ARMS, FULL, QUICK, runOverhead, type ArmId } from './scenarios/overhead/index.js';
import { overheadTargets } from './scenarios/overhead/suite.js';

const USAGE = 'usage: overhead [options]   (arms: direct, bare proxy, switchyard with 1 and default workers, switchyard with every feature, portkey)';

async function main(): Promise<void> {
  const a = parseCli(USAGE, {
    quick: opt.flag('short run (about a minute) for a smoke check'),
    rps: opt.numbers('open-loop rates', [500]),
    concurrency: opt.numbers('closed-loop concurrencies', [1, 4, 16]),
    arms: opt.string(`comma-separated subset of ${ALL_ARMS.join(',')}`, ALL_ARMS.join(',')),
    rounds: opt.number(`rounds per load (default ${FULL.rounds}, quick ${QUICK.rounds})`),
    'slot-s': opt.number(`measured seconds per arm per round (default ${FULL.slotS}, quick ${QUICK.slotS})`),
    'slot-warmup-s': opt.number(`unrecorded seconds at the start of each slot (default ${FULL.slotWarmupS}, quick ${QUICK.slotWarmupS})`),
    'warmup-s': opt.number(`warm-up seconds per arm per load (default ${FULL.warmupS}, quick ${QUICK.warmupS})`),
    'jit-warmup-s': opt.number(`closed-loop (c=16) seconds per arm before the first load, for the JIT (default ${FULL.jitWarmupS}, quick ${QUICK.jitWarmupS})`),
    'latency-ms': opt.number('mock upstream latency', 0),
    connections: opt.number('open-loop connections from the load generator', 256),
    out: opt.string('results file (default bench/results/<date>-<scenario>.json)'),
    'dry-run': opt.flag('do not write a results file'),
  });
  const arms = a.arms.split(',').map((s) => s.trim()).filter(Boolean) as ArmId[];
  const unknown = arms.filter((x) => !ALL_ARMS.includes(x));
  if (unknown.length || arms.length === 0) throw new UsageError(`--arms: unknown arm(s) ${unknown.join(',')}; choose from ${ALL_ARMS.join(',')}`);
  if (a.rps.some((r) => r <= 0) || a.concurrency.some((c) => !Number.isInteger(c) || c < 1)) throw new UsageError('--rps must be > 0 and --concurrency whole numbers >= 1');
  const preset = a.quick ? QUICK : FULL;
  const rounds = a.rounds ?? preset.rounds;
  if (!Number.isInteger(rounds) || rounds < 1) throw new UsageError('--rounds must be a whole number >= 1');

  const results = await runOverhead({
    rps: a.rps, concurrency: a.concurrency, arms, rounds,
    slotS: a['slot-s'] ?? preset.slotS, slotWarmupS: a['slot-warmup-s'] ?? preset.slotWarmupS, warmupS: a['warmup-s'] ?? preset.warmupS,
    jitWarmupS: a['jit-warmup-s'] ?? preset.jitWarmupS,
    latencyMs: a['latency-ms'], connections: a.connections, quick: a.quick,
  });

  // The targets, evaluated as the suite does, so this run can stand as the overhead figure of record.
  const targets = overheadTargets(results.raw.loads);
  if (targets.length) results.tables.unshift(targetsTable(targets));
  const withTargets = { ...results, raw: { ...results.raw, targets } };

  console.log(`\nSwitchyard overhead — ${machineLine(results.machine)}\n`);
  for (const t of results.tables) console.log(renderText(t) + '\n');
  for (const s of results.raw.skipped) console.log(`skipped ${s.id}: ${s.reason}`);
  if (!a['dry-run']) console.log(`results: ${writeResults(withTargets, a.out)}`);
}

main().catch((err: Error) => {
  console.error(`overhead: ${err instanceof UsageError ? '' : 'failed: '}${err.message}`);
  process.exit(err instanceof UsageError ? 2 : 1);
});
