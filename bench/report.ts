/**
 * Markdown from results files, for READMEs and PRs:
 *   node dist/bench/report.js [files...]     (default: the newest file of each scenario in bench/results)
 */
import { newestPerScenario, readResults, resultsDir, resultsToMarkdown } from './lib/index.js';

const files = process.argv.slice(2);
try {
  const paths = files.length ? files : newestPerScenario(resultsDir());
  if (paths.length === 0) throw new Error(`no results files in ${resultsDir()}`);
  process.stdout.write(paths.map((p) => resultsToMarkdown(readResults(p))).join('\n'));
} catch (err) {
  console.error(`report: ${(err as Error).message}`);
  process.exit(1);
}
