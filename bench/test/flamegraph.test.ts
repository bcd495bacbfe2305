import assert from 'node:assert/strict';
import { test } from 'node:test';
import { flameGraph, type FlameOptions, type FlameStack } from '../lib/flamegraph.js';

interface Frame { x: number; y: number; w: number; fill: string; tip: string }

/** Frame rects keyed by name (the tooltip up to ' — '); the background and legend squares have no tooltip. */
function frames(svg: string): Map<string, Frame> {
  const out = new Map<string, Frame>();
  const re = /<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="16" fill="([^"]*)" rx="2"><title>([^<]*)<\/title><\/rect>/g;
  for (const m of svg.matchAll(re)) out.set(m[5]!.split(' — ')[0]!, { x: +m[1]!, y: +m[2]!, w: +m[3]!, fill: m[4]!, tip: m[5]! });
  return out;
}
const get = (f: Map<string, Frame>, name: string) => { const v = f.get(name); assert.ok(v, `frame ${name} drawn`); return v; };
const near = (a: number, b: number, msg: string) => assert.ok(Math.abs(a - b) < 0.05, `${msg}: ${a} vs ${b}`);
const count = (s: string, sub: string) => s.split(sub).length - 1;
const stacks = (spec: string): FlameStack[] =>
  spec.split(' ').map((p) => { const [path, v] = p.split('='); return { frames: path!.split(';'), value: Number(v) }; });
const opts: FlameOptions = { title: 'CPU', unit: 'µs per request' };

test('flameGraph: widths proportional to totals, children sorted by name, root at the bottom', () => {
  const svg = flameGraph(stacks('a;b=30 a;c=10 d=60'), opts);
  const f = frames(svg);
  assert.equal(f.size, 5); // all, a, b, c, d
  const all = get(f, 'all'), a = get(f, 'a'), b = get(f, 'b'), c = get(f, 'c'), d = get(f, 'd');
  near(all.w, 1200 - 20, 'root spans the graph width');
  near(a.w, 0.4 * all.w, 'a = 40 %');
  near(d.w, 0.6 * all.w, 'd = 60 %');
  near(b.w, 3 * c.w, 'b = 3 × c');
  near(a.x, all.x, 'a starts at the left edge');
  near(d.x, a.x + a.w, 'd follows a');
  near(c.x, b.x + b.w, 'c follows b');
  assert.ok(b.y < a.y && a.y < all.y && d.y === a.y && c.y === b.y, 'deeper frames are higher up');
  // three rows of 17 px: the picture grows with depth
  const deeper = flameGraph(stacks('a;b;c;d=1'), opts);
  assert.equal(Number(/height="(\d+)"/.exec(deeper)![1]) - Number(/height="(\d+)"/.exec(svg)![1]), 2 * 17);
});

test('flameGraph: self time of an inner frame leaves a gap above it', () => {
  const f = frames(flameGraph(stacks('a=50 a;b=50'), opts));
  near(get(f, 'b').w, get(f, 'a').w / 2, 'b is half of a');
});

test('flameGraph: same output regardless of input order and of how samples are split', () => {
  const input = stacks('x;y=5 a;b=30 x;a=7 a;c=10 d=60 a;b;z=3');
  const svg = flameGraph(input, opts);
  assert.equal(flameGraph([...input].reverse(), opts), svg);
  assert.equal(flameGraph([input[3]!, input[0]!, input[5]!, input[1]!, input[4]!, input[2]!], opts), svg);
  assert.equal(flameGraph([...input, ...stacks('a;b=0 a;b=-4 a;b=NaN a;b=Infinity')], opts), svg, 'invalid values ignored');
  assert.equal(flameGraph(stacks('x;y=5 a;b=10 a;b=20 x;a=7 a;c=10 d=60 a;b;z=3'), opts), svg, 'equal stacks merge');
});

test('flameGraph: frames below minFraction are dropped, the parent keeps its full width', () => {
  const input = stacks('a;b=999 a;tiny=1 a;tiny;deeper=0.5');
  const f = frames(flameGraph(input, opts));
  assert.equal(f.has('tiny'), false);
  assert.equal(f.has('deeper'), false);
  near(get(f, 'a').w, get(f, 'all').w, 'a still spans everything');
  near(get(f, 'b').w, get(f, 'all').w * (999 / 1000.5), 'b keeps its own share');
  const kept = frames(flameGraph(input, { ...opts, minFraction: 0 }));
  assert.ok(kept.has('tiny') && kept.has('deeper'));
  near(get(kept, 'tiny').x, get(kept, 'b').x + get(kept, 'b').w, 'tiny sits right of b');
});

test('flameGraph: tooltip shows value / divisor in the unit and the share of the total', () => {
  const svg = flameGraph(stacks('b=30 c=70'), { ...opts, divisor: 10 });
  assert.equal(get(frames(svg), 'b').tip, 'b — 3.00 µs per request (30.0 %)');
  assert.equal(get(frames(svg), 'c').tip, 'c — 7.00 µs per request (70.0 %)');
  assert.equal(get(frames(svg), 'all').tip, 'all — 10.0 µs per request (100.0 %)');
  const big = frames(flameGraph(stacks('b=1234.6 c=1'), { ...opts, minFraction: 0 }));
  assert.equal(get(big, 'all').tip, 'all — 1236 µs per request (100.0 %)');
  assert.equal(get(big, 'c').tip, 'c — 1.00 µs per request (0.1 %)');
});

test('flameGraph: frame names, title and legend are escaped; labels truncate or disappear', () => {
  const name = '<anon> & "x"';
  const svg = flameGraph([{ frames: [name], value: 1 }], { ...opts, title: 'a<b', legend: [['I/O & "net"', '#f00']] });
  assert.ok(svg.includes('&lt;anon&gt; &amp; &quot;x&quot; — 1.00 µs per request (100.0 %)'));
  assert.ok(svg.includes('>&lt;anon&gt; &amp; &quot;x&quot;</text>'), 'label escaped');
  assert.ok(svg.includes('>a&lt;b</text>') && svg.includes('>I/O &amp; &quot;net&quot;</text>'));
  assert.ok(!svg.includes('<anon>') && !svg.includes('"x"'));

  const long = 'veryLongFunctionName'.repeat(3); // 60 chars
  const narrow = flameGraph(stacks(`${long}=50 pad=50 n=1`), { ...opts, width: 220 });
  const w = get(frames(narrow), long).w;
  const label = /<text x="[\d.]+" y="\d+">(veryLong[^<]*)<\/text>/.exec(narrow)?.[1] ?? '';
  assert.ok(label.endsWith('…') && long.startsWith(label.slice(0, -1)), `truncated: ${label}`);
  assert.ok(label.length >= 3 && label.length * 6.5 <= w, `label fits ${w} px: ${label}`);
  assert.ok(!/>n<\/text>/.test(narrow), 'no label for a sliver');
});

test('flameGraph: colours come from colorOf, default palette is deterministic', () => {
  const f = frames(flameGraph(stacks('io;read=1 cpu=1'), { ...opts, colorOf: (n) => (n === 'read' ? '#00f' : '#ccc') }));
  assert.equal(get(f, 'read').fill, '#00f');
  assert.equal(get(f, 'cpu').fill, '#ccc');
  const d1 = frames(flameGraph(stacks('io;read=1'), opts)), d2 = frames(flameGraph(stacks('read=5 zz=1'), opts));
  assert.match(get(d1, 'read').fill, /^rgb\(\d+,\d+,\d+\)$/);
  assert.equal(get(d1, 'read').fill, get(d2, 'read').fill);
});

test('flameGraph: empty input or zero total → valid SVG saying "no samples"', () => {
  for (const input of [[], stacks('a=0 b=-1 c=NaN')]) {
    const svg = flameGraph(input, opts);
    assert.ok(svg.startsWith('<svg') && svg.trimEnd().endsWith('</svg>'));
    assert.ok(svg.includes('>no samples</text>'));
    assert.equal(frames(svg).size, 0);
  }
});

test('flameGraph: well-formed enough — one rect per frame, legend square and background', () => {
  const svg = flameGraph(stacks('a;b=30 a;c=10 d=60'), { ...opts, legend: [['js', '#f80'], ['native', '#888']] });
  assert.ok(svg.startsWith('<svg') && svg.trimEnd().endsWith('</svg>'));
  assert.equal(count(svg, '<rect'), 5 + 2 + 1);
  assert.equal(count(svg, '<svg'), 1);
  assert.equal(count(svg, '<text'), count(svg, '</text>'));
  assert.equal(count(svg, '<title>'), count(svg, '</title>'));
  assert.equal(count(svg, '<g'), count(svg, '</g>'));
  const selfClosing = svg.match(/<rect[^>]*\/>/g)?.length ?? 0;
  assert.equal(count(svg, '<rect'), selfClosing + count(svg, '</rect>'), 'every rect is closed');
});
