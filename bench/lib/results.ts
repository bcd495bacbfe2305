/**
 * Results files: `bench/results/<YYYY-MM-DD>-<scenario>.json`, one per scenario and day (a rerun on the same
 * day replaces it). They hold the raw figures, the derived tables and the machine description; Markdown and
 * charts are generated from them, never typed by hand.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MachineDescription } from './machine.js';
import type { Table } from './table.js';

export const RESULTS_SCHEMA = 'switchyard-bench/1';

export interface ResultsFile<Raw = unknown> {
  schema: typeof RESULTS_SCHEMA;
  scenario: string;
  startedAt: string;
  finishedAt: string;
  machine: MachineDescription;
  /** the options the scenario ran with (rates, durations, arms ...) */
  params: Record<string, unknown>;
  /** derived, human-facing tables */
  tables: Table[];
  /** scenario-specific raw figures (histograms, per-round numbers) */
  raw: Raw;
}

/** The checkout root: the nearest directory above this module that has both package.json and bench/. */
export function repoRoot(fromUrl: string = import.meta.url): string {
  let dir = dirname(fileURLToPath(fromUrl));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'bench'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the repository root above ' + fileURLToPath(fromUrl));
    dir = up;
  }
}

export function resultsDir(): string {
  return join(repoRoot(), 'bench', 'results');
}

/** `YYYY-MM-DD` in UTC, so a file name does not depend on the machine's time zone. */
export function isoDate(d: Date = new Date()): string {
  return d.toISOString().slice(0, 10);
}

export function resultsPath(scenario: string, date: Date = new Date(), dir: string = resultsDir()): string {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(scenario)) throw new Error(`scenario name must be kebab-case, got "${scenario}"`);
  return join(dir, `${isoDate(date)}-${scenario}.json`);
}

export function writeResults(file: ResultsFile, path: string = resultsPath(file.scenario, new Date(file.startedAt))): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(file, null, 1) + '\n');
  return path;
}

export function readResults(path: string): ResultsFile {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<ResultsFile>;
  if (parsed.schema !== RESULTS_SCHEMA) throw new Error(`${path}: not a ${RESULTS_SCHEMA} results file (schema ${String(parsed.schema)})`);
  if (!Array.isArray(parsed.tables) || typeof parsed.scenario !== 'string' || !parsed.machine) throw new Error(`${path}: incomplete results file`);
  return parsed as ResultsFile;
}

/** The newest `<date>-<scenario>.json` of each scenario in `dir` (ISO dates sort lexically). */
export function newestPerScenario(dir: string = resultsDir()): string[] {
  const newest = new Map<string, string>();
  for (const f of readdirSync(dir).filter((n) => /^\d{4}-\d{2}-\d{2}-[a-z0-9-]+\.json$/.test(n)).sort()) {
    newest.set(f.slice(11, -5), f);
  }
  return [...newest.values()].map((f) => join(dir, f));
}
