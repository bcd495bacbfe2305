/**
 * Tables are stored as data in results files (columns + rows of numbers/strings) and rendered here, so the
 * console output, the Markdown in READMEs and the JSON all come from the same figures.
 */
export type Cell = string | number | null;

export interface Table {
  title: string;
  columns: string[];
  rows: Cell[][];
  /** short explanations printed under the table */
  notes?: string[];
}

export function formatCell(c: Cell): string {
  if (c === null) return 'n/a';
  if (typeof c === 'string') return c;
  if (!Number.isFinite(c)) return String(c);
  if (Number.isInteger(c)) return String(c);
  const abs = Math.abs(c);
  return c.toFixed(abs >= 100 ? 0 : abs >= 10 ? 1 : 2);
}

const isNumeric = (rows: Cell[][], i: number) => rows.some((r) => typeof r[i] === 'number');

export function renderMarkdown(t: Table): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const out = [`**${esc(t.title)}**`, '', `| ${t.columns.map(esc).join(' | ')} |`,
    `|${t.columns.map((_, i) => (isNumeric(t.rows, i) ? '---:' : '---')).join('|')}|`];
  for (const r of t.rows) out.push(`| ${r.map((c) => esc(formatCell(c))).join(' | ')} |`);
  for (const n of t.notes ?? []) out.push('', `_${n}_`);
  return out.join('\n');
}

export function renderText(t: Table): string {
  const cells = t.rows.map((r) => r.map(formatCell));
  const widths = t.columns.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const right = t.columns.map((_, i) => isNumeric(t.rows, i));
  const line = (r: string[]) => r.map((c, i) => (right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  const out = [t.title, line(t.columns), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const r of cells) out.push(line(r));
  for (const n of t.notes ?? []) out.push(`  ${n}`);
  return out.join('\n');
}
