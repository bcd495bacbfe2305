/**
 * Minimal SVG charts written by hand (no browser, no dependency): grouped bars and lines with a linear or
 * log10 value axis, value labels and a legend. Good enough for README figures generated from results files.
 */
export interface Series { name: string; values: Array<number | null> }

const COLORS = ['#2563eb', '#f97316', '#16a34a', '#dc2626', '#7c3aed', '#0891b2'];
/** Escapes text for SVG content and attribute values. */
export const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const fmt = (v: number) => (Math.abs(v) >= 1000 ? `${Math.round(v).toLocaleString('en-US')}` : Number.isInteger(v) ? String(v) : v.toFixed(1));

interface Axis { toY(v: number): number; ticks: number[] }

function axis(values: number[], top: number, bottom: number): Axis {
  const pos = values.filter((v) => v > 0);
  const max = Math.max(1, ...values);
  const min = pos.length ? Math.min(...pos) : 1;
  if (max / min > 50) {
    const lo = Math.floor(Math.log10(min)), hi = Math.ceil(Math.log10(max));
    const toY = (v: number) => bottom - ((Math.log10(Math.max(v, 10 ** lo)) - lo) / Math.max(1, hi - lo)) * (bottom - top);
    return { toY, ticks: Array.from({ length: hi - lo + 1 }, (_, i) => 10 ** (lo + i)) };
  }
  const step = 10 ** Math.floor(Math.log10(max / 4 || 1));
  const nice = Math.ceil(max / step / 4) * step;
  const toY = (v: number) => bottom - (Math.max(0, v) / (nice * 4)) * (bottom - top);
  return { toY, ticks: [0, 1, 2, 3, 4].map((i) => i * nice) };
}

function frame(title: string, unit: string, width: number, height: number, ax: Axis, left: number, right: number, series: Series[]): string[] {
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`, `<text x="${width / 2}" y="18" text-anchor="middle" font-size="14" font-weight="bold">${esc(title)}</text>`,
    `<text x="12" y="${height / 2}" transform="rotate(-90 12 ${height / 2})" text-anchor="middle">${esc(unit)}</text>`];
  for (const t of ax.ticks) {
    const y = ax.toY(t);
    out.push(`<line x1="${left}" x2="${right}" y1="${y}" y2="${y}" stroke="#e5e7eb"/>`, `<text x="${left - 4}" y="${y + 4}" text-anchor="end">${fmt(t)}</text>`);
  }
  series.forEach((s, i) => {
    const x = left + i * 150;
    out.push(`<rect x="${x}" y="28" width="10" height="10" fill="${COLORS[i % COLORS.length]}"/>`, `<text x="${x + 14}" y="37">${esc(s.name)}</text>`);
  });
  return out;
}

export function barChart(title: string, categories: string[], series: Series[], unit: string): string {
  const group = Math.max(40, series.length * 22 + 14);
  const left = 70, top = 50, bottom = 250;
  const width = Math.max(480, left + categories.length * group + 20);
  const height = bottom + 120;
  const ax = axis(series.flatMap((s) => s.values.filter((v): v is number => v !== null)), top, bottom);
  const out = frame(title, unit, width, height, ax, left, width - 10, series);
  categories.forEach((c, ci) => {
    const x0 = left + ci * group + 7;
    series.forEach((s, si) => {
      const v = s.values[ci];
      if (v === null || v === undefined) return;
      const y = ax.toY(v), x = x0 + si * 22;
      out.push(`<rect x="${x}" y="${y}" width="18" height="${Math.max(0, bottom - y)}" fill="${COLORS[si % COLORS.length]}"><title>${esc(`${c} ${s.name}: ${fmt(v)} ${unit}`)}</title></rect>`,
        `<text x="${x + 9}" y="${y - 3}" text-anchor="middle" font-size="9">${fmt(v)}</text>`);
    });
    const cx = x0 + (series.length * 22) / 2;
    out.push(`<text x="${cx}" y="${bottom + 12}" text-anchor="end" transform="rotate(-35 ${cx} ${bottom + 12})">${esc(c.length > 40 ? c.slice(0, 39) + '…' : c)}</text>`);
  });
  out.push(`<line x1="${left}" x2="${width - 10}" y1="${bottom}" y2="${bottom}" stroke="#111"/>`, '</svg>');
  return out.join('\n') + '\n';
}

export function lineChart(title: string, xs: number[], xLabel: string, series: Series[], unit: string): string {
  const left = 70, top = 50, bottom = 250, width = 560, right = width - 20, height = 300;
  const ax = axis(series.flatMap((s) => s.values.filter((v): v is number => v !== null)), top, bottom);
  const out = frame(title, unit, width, height, ax, left, right, series);
  const toX = (i: number) => left + (xs.length === 1 ? 0 : (i / (xs.length - 1)) * (right - left));
  xs.forEach((x, i) => out.push(`<text x="${toX(i)}" y="${bottom + 16}" text-anchor="middle">${fmt(x)}</text>`));
  out.push(`<text x="${(left + right) / 2}" y="${bottom + 34}" text-anchor="middle">${esc(xLabel)}</text>`);
  series.forEach((s, si) => {
    const pts = s.values.map((v, i) => (v === null ? null : `${toX(i)},${ax.toY(v)}`)).filter(Boolean).join(' ');
    out.push(`<polyline fill="none" stroke="${COLORS[si % COLORS.length]}" stroke-width="2" points="${pts}"/>`);
    s.values.forEach((v, i) => { if (v !== null) out.push(`<circle cx="${toX(i)}" cy="${ax.toY(v)}" r="3" fill="${COLORS[si % COLORS.length]}"/><text x="${toX(i)}" y="${ax.toY(v) - 6}" text-anchor="middle" font-size="9">${fmt(v)}</text>`); });
  });
  out.push(`<line x1="${left}" x2="${right}" y1="${bottom}" y2="${bottom}" stroke="#111"/>`, '</svg>');
  return out.join('\n') + '\n';
}
