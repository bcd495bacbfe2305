/**
 * Measures the mock upstream on uWebSockets.js against node:http (why the mock defaults to uWS):
 *   node dist/bench/mock-engines.js [--rounds 3] [--slot-s 2]
 */
import { machineLine, opt, parseCli, renderText, UsageError, writeResults } from './lib/index.js';
import { runMockEngines } from './scenarios/mock-engines/index.js';

try {
  const a = parseCli('usage: mock-engines [options]', {
    rps: opt.numbers('open-loop rates', [2000]),
    concurrency: opt.numbers('closed-loop concurrencies', [1, 16]),
    rounds: opt.number('rounds', 3),
    'slot-s': opt.number('measured seconds per engine per round', 2),
    'dry-run': opt.flag('do not write a results file'),
  });
  const results = await runMockEngines({ rps: a.rps, concurrency: a.concurrency, rounds: Math.max(1, Math.round(a.rounds)), slotS: a['slot-s'] });
  console.log(`\nMock upstream engines — ${machineLine(results.machine)}\n`);
  for (const t of results.tables) console.log(renderText(t) + '\n');
  if (!a['dry-run']) console.log(`results: ${writeResults(results)}`);
} catch (err) {
  console.error(`mock-engines: ${(err as Error).message}`);
  process.exit(err instanceof UsageError ? 2 : 1);
}
