/** Markdown for READMEs and PR descriptions, generated from results files. */
import { machineLine } from './machine.js';
import type { ResultsFile } from './results.js';
import { renderMarkdown } from './table.js';

export function resultsToMarkdown(file: ResultsFile): string {
  const m = file.machine;
  const head = [
    `### ${file.scenario} — ${file.startedAt.slice(0, 10)}`,
    '',
    `Machine: ${machineLine(m)}${m.commit ? `; commit \`${m.commit.slice(0, 10)}\`` : ''}.`,
  ];
  const params = Object.entries(file.params)
    .filter(([, v]) => v !== undefined && (typeof v !== 'object' || Array.isArray(v)))
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : String(v)}`);
  if (params.length) head.push(`Parameters: ${params.join(', ')}.`);
  return [...head, '', ...file.tables.map(renderMarkdown).flatMap((t) => [t, ''])].join('\n').trimEnd() + '\n';
}
