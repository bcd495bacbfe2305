/**
 * `npm run bench:profile` — where the CPU goes, for the loads behind the missed targets: the bare proxy and
 * Switchyard with every feature each run under `node --cpu-prof`, and their samples in the measured window
 * become tables (by the code that spent the time, hottest functions) and flame graphs.
 *   node dist/bench/profile.js [--quick] [--loads open-500,closed-16,in-flight,prompt-100k] [--seconds 15]
 * Writes bench/results/<date>-profile(-quick).json; `npm run bench:report` renders the flame graphs.
 */
import { describeMachine, machineLine, opt, parseCli, Progress, renderText, repoRoot, RESULTS_SCHEMA, UsageError, writeResults, type ResultsFile, type Table } from './lib/index.js';
import { packFlame, type FlameChart } from './lib/charts.js';
import { loadAvg } from './scenarios/common/index.js';
import { ARMS, categoryTable, hottestTable, LOADS, profileLoad, type LoadProfile } from './profile/index.js';

const USAGE = 'usage: profile [options]   (CPU profiles of the bare proxy and Switchyard with every feature, same loads)';

async function main(): Promise<void> {
  const a = parseCli(USAGE, {
    quick: opt.flag('short windows (about a minute in all)'),
    loads: opt.string(`comma-separated subset of ${LOADS.map((l) => l.id).join(',')}`, LOADS.map((l) => l.id).join(',')),
    seconds: opt.number('measured seconds per arm and load (default 15, quick 3)'),
    'warmup-s': opt.number('unrecorded seconds of JIT warm-up and of the load itself before each window (default 3, quick 1)'),
    'interval-us': opt.number('sampling interval of the V8 profiler', 500),
    'dry-run': opt.flag('do not write a results file'),
  });
  const ids = a.loads.split(',').map((s) => s.trim()).filter(Boolean);
  const loads = ids.map((id) => LOADS.find((l) => l.id === id) ?? (() => { throw new UsageError(`--loads: unknown load ${id}; choose from ${LOADS.map((l) => l.id).join(',')}`); })());
  const seconds = a.seconds ?? (a.quick ? 3 : 15), warmS = a['warmup-s'] ?? (a.quick ? 1 : 3);
  if (!(seconds > 0) || !(warmS >= 0) || !(a['interval-us'] >= 50)) throw new UsageError('--seconds must be > 0, --warmup-s >= 0 and --interval-us >= 50');

  const startedAt = new Date().toISOString(), la = loadAvg();
  const progress = new Progress(loads.length * 2 * (warmS * 2 + seconds + 5) * 1000);
  const profiles: LoadProfile[] = [];
  for (const load of loads) profiles.push({ load: { id: load.id, label: load.label }, arms: await profileLoad(load, { seconds, warmS, intervalUs: a['interval-us'], progress }) });
  progress.finish();

  const tables: Table[] = profiles.flatMap((p) => [categoryTable(p), hottestTable(p)].filter((t): t is Table => t !== null));
  const flames: FlameChart[] = profiles.flatMap((p) => p.arms.map((arm) => ({
    name: `${p.load.id}-${arm.arm}`, title: `${ARMS.find((x) => x.id === arm.arm)!.label}: ${p.load.label}`,
    unit: 'µs per request', divisor: arm.requests, ...packFlame(arm.stacks),
  })));
  const file: ResultsFile = {
    schema: RESULTS_SCHEMA, scenario: a.quick ? 'profile-quick' : 'profile', startedAt, finishedAt: new Date().toISOString(),
    machine: { ...describeMachine(repoRoot()), loadAverage1m: la },
    params: { loads: ids, seconds, warmS, intervalUs: a['interval-us'], quick: a.quick },
    tables,
    raw: { targets: [], loadAverage: { start: la, end: loadAvg() }, loads: profiles.map((p) => ({ load: p.load, arms: p.arms.map(({ stacks: _, ...rest }) => rest) })), flames },
  };
  console.log(`\nSwitchyard CPU profile — ${machineLine(file.machine)}\n`);
  for (const t of tables) console.log(renderText(t) + '\n');
  if (!a['dry-run']) console.log(`results: ${writeResults(file)}`);
}

main().catch((err: Error) => {
  console.error(`profile: ${err instanceof UsageError ? '' : 'failed: '}${err.message}`);
  process.exit(err instanceof UsageError ? 2 : 1);
});
