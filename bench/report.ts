/**
 * Markdown (and SVG charts) from results files, for READMEs and PRs:
 *   node dist/bench/report.js [--charts] [files...]   (default: the newest file of each scenario in bench/results)
 * --charts also writes bench/results/charts/<scenario>-<n>.svg for every chartable table.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chartsFor } from './lib/charts.js';
import { newestPerScenario, readResults, resultsDir, resultsToMarkdown } from './lib/index.js';

const args = process.argv.slice(2);
const charts = args.includes('--charts');
const files = args.filter((a) => a !== '--charts');
try {
  const paths = files.length ? files : newestPerScenario(resultsDir());
  if (paths.length === 0) throw new Error(`no results files in ${resultsDir()}`);
  const parsed = paths.map(readResults);
  process.stdout.write(parsed.map((r) => resultsToMarkdown(r)).join('\n'));
  if (charts) {
    const dir = join(resultsDir(), 'charts');
    mkdirSync(dir, { recursive: true });
    for (const r of parsed) for (const c of chartsFor(r)) writeFileSync(join(dir, `${c.name}.svg`), c.svg);
    console.error(`charts: ${dir}`);
  }
} catch (err) {
  console.error(`report: ${(err as Error).message}`);
  process.exit(1);
}
