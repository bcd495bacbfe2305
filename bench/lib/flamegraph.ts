/**
 * CPU flame graph as a self-contained SVG string (no browser, no dependency), in the style of svg.ts:
 * root "all" at the bottom, callees stacked upwards, children sorted by name like flamegraph.pl so the
 * picture depends only on the merged tree, never on the order the samples arrived in.
 */
import { esc } from './svg.js';

export interface FlameStack { frames: string[]; value: number } // frames root-first, value = self time of the leaf (> 0)
export interface FlameOptions {
  title: string;
  /** unit label for tooltips, e.g. 'µs per request' */
  unit: string;
  /** the value shown in tooltips is value / divisor (e.g. total µs / requests) — default 1 */
  divisor?: number;
  /** fill colour for a frame name (e.g. by category); default: a warm palette hashed from the name */
  colorOf?: (frame: string) => string;
  /** legend entries drawn under the title: [label, colour] */
  legend?: Array<[string, string]>;
  /** frames narrower than this fraction of the total are dropped (their time stays in the parent's width); default 0.002 */
  minFraction?: number;
  width?: number; // default 1200
}

interface Node { name: string; total: number; children: Map<string, Node> }
interface Placed { node: Node; depth: number; offset: number }

const ROW = 16, GAP = 1, PAD = 10, CHAR = 6.5;
const r2 = (v: number) => Math.round(v * 100) / 100; // keeps attributes short without visible error
const byName = (a: Node, b: Node) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0); // code-unit order: locale-independent

/** Tooltip value: precision shrinks as magnitude grows, so small per-request costs stay readable. */
function formatValue(v: number): string {
  const a = Math.abs(v);
  return a >= 100 ? String(Math.round(v)) : a >= 10 ? v.toFixed(1) : v.toFixed(2);
}

/** Warm palette (red/orange/yellow) like flamegraph.pl; hashed so a name keeps its colour across graphs. */
function warm(name: string): string {
  let h = 2166136261; // FNV-1a
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619) >>> 0;
  const v1 = (h & 0xff) / 255, v2 = ((h >>> 8) & 0xff) / 255, v3 = ((h >>> 16) & 0xff) / 255;
  return `rgb(${205 + Math.round(50 * v3)},${Math.round(230 * v1)},${Math.round(55 * v2)})`;
}

function merge(stacks: FlameStack[]): Node {
  const root: Node = { name: 'all', total: 0, children: new Map() };
  for (const s of stacks) {
    if (!Number.isFinite(s.value) || s.value <= 0) continue;
    let node = root;
    node.total += s.value;
    for (const f of s.frames) {
      let child = node.children.get(f);
      if (!child) node.children.set(f, (child = { name: f, total: 0, children: new Map() }));
      child.total += s.value; // totals include descendants, so self time is the gap left above the children
      node = child;
    }
  }
  return root;
}

function header(width: number, height: number, title: string): string[] {
  return [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`, `<text x="${width / 2}" y="18" text-anchor="middle" font-size="14" font-weight="bold">${esc(title)}</text>`];
}

export function flameGraph(stacks: FlameStack[], o: FlameOptions): string {
  const width = o.width ?? 1200, graphWidth = width - 2 * PAD;
  const divisor = o.divisor !== undefined && Number.isFinite(o.divisor) && o.divisor > 0 ? o.divisor : 1;
  const minFraction = o.minFraction ?? 0.002, colorOf = o.colorOf ?? warm;
  const root = merge(stacks), grand = root.total;
  if (!(grand > 0)) {
    return [...header(width, 60, o.title), `<text x="${width / 2}" y="44" text-anchor="middle">no samples</text>`, '</svg>'].join('\n') + '\n';
  }

  // Pruning a frame drops its whole subtree (descendants are never wider), but the parent's width comes from
  // its own total, so the pruned time still shows as unlabelled space above the parent.
  const placed: Placed[] = [];
  const place = (node: Node, depth: number, offset: number): void => {
    placed.push({ node, depth, offset });
    let x = offset;
    for (const child of [...node.children.values()].sort(byName)) {
      if (child.total / grand >= minFraction) place(child, depth + 1, x);
      x += child.total; // advance even when pruned, so siblings keep their true positions
    }
  };
  place(root, 0, 0);
  const maxDepth = Math.max(...placed.map((p) => p.depth));

  const legend = o.legend ?? [];
  const top = legend.length ? 48 : 30;
  const height = top + (maxDepth + 1) * (ROW + GAP) + PAD;
  const out = header(width, height, o.title);
  let lx = PAD;
  for (const [label, colour] of legend) {
    out.push(`<rect x="${lx}" y="28" width="10" height="10" fill="${esc(colour)}"/>`, `<text x="${lx + 14}" y="37">${esc(label)}</text>`);
    lx += 14 + label.length * CHAR + 16;
  }

  const labels: string[] = [];
  for (const { node, depth, offset } of placed) {
    const x = PAD + (offset / grand) * graphWidth, w = (node.total / grand) * graphWidth;
    const y = top + (maxDepth - depth) * (ROW + GAP); // root on the bottom row
    const tip = `${node.name} — ${formatValue(node.total / divisor)} ${o.unit} (${((100 * node.total) / grand).toFixed(1)} %)`;
    out.push(`<rect x="${r2(x)}" y="${y}" width="${r2(w)}" height="${ROW}" fill="${esc(colorOf(node.name))}" rx="2"><title>${esc(tip)}</title></rect>`);
    const fit = Math.floor((w - 6) / CHAR); // 3 px padding each side
    if (fit < 3) continue;
    const text = node.name.length > fit ? node.name.slice(0, fit - 1) + '…' : node.name; // truncate before escaping: never cut an entity
    labels.push(`<text x="${r2(x + 3)}" y="${y + 12}">${esc(text)}</text>`);
  }
  // Labels sit on top of the rects; without this they would swallow the hover that shows the tooltip.
  out.push('<g pointer-events="none">', ...labels, '</g>', '</svg>');
  return out.join('\n') + '\n';
}
