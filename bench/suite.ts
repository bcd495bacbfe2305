/**
 * `npm run bench` — the whole benchmark suite, scenario by scenario, each writing its own results file.
 *   node dist/bench/suite.js [--quick] [--only streaming,fallback] [--soak-s 600]
 * Quick mode (whole suite under about 2 minutes) writes `<date>-<scenario>-quick.json`.
 * Prints every scenario's tables and the targets met/missed; `bench:report` renders the README section.
 */
import { machineLine, opt, parseCli, Progress, renderText, UsageError, writeResults } from './lib/index.js';
import { OPT_IN, SCENARIOS } from './scenarios/suite.js';
import { setSoakSeconds } from './scenarios/throughput/index.js';
import type { Target } from './scenarios/common/index.js';

async function main(): Promise<void> {
  const names = SCENARIOS.map((s) => s.name);
  const a = parseCli('usage: suite [options]', {
    quick: opt.flag('short run (whole suite in about 2 minutes)'),
    only: opt.string(`comma-separated subset of ${names.join(',')} (default: all but the opt-in ${[...OPT_IN].join(',')})`, names.filter((n) => !OPT_IN.has(n)).join(',')),
    'soak-s': opt.number('throughput soak length in seconds (default 600 full, 10 quick)'),
    'dry-run': opt.flag('do not write results files'),
  });
  const only = a.only.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = only.filter((n) => !names.includes(n));
  if (unknown.length) throw new UsageError(`--only: unknown scenario(s) ${unknown.join(',')}`);
  if (a['soak-s'] !== undefined) setSoakSeconds(a['soak-s']);
  const chosen = SCENARIOS.filter((s) => only.includes(s.name));
  const progress = new Progress(chosen.reduce((t, s) => t + s.expectedS(a.quick) * 1000, 0));
  const all: Array<Target & { scenario: string }> = [];
  const failed: string[] = [];
  for (const s of chosen) {
    progress.log(`== ${s.name}`);
    try {
      const r = await s.run({ quick: a.quick, progress });
      progress.finish();
      console.log(`\n## ${r.scenario} — ${machineLine(r.machine)}\n`);
      for (const t of r.tables) console.log(renderText(t) + '\n');
      all.push(...r.raw.targets.map((t) => ({ ...t, scenario: s.name })));
      if (!a['dry-run']) console.log(`results: ${writeResults(r)}`);
    } catch (err) {
      progress.finish();
      failed.push(s.name);
      console.error(`scenario ${s.name} failed: ${(err as Error).stack ?? err}`);
    }
  }
  console.log('\n## Targets\n');
  for (const t of all) console.log(`${t.met === null ? 'n/a   ' : t.met ? 'met   ' : 'MISSED'}  [${t.scenario}] ${t.target}: ${t.measured}`);
  if (failed.length) {
    console.error(`\nfailed scenarios: ${failed.join(', ')}`);
    process.exitCode = 1;
  }
}

main().catch((err: Error) => {
  console.error(`suite: ${err instanceof UsageError ? '' : 'failed: '}${err.message}`);
  process.exit(err instanceof UsageError ? 2 : 1);
});
