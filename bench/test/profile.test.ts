import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { buildSync } from 'esbuild';
import { chartsFor, packFlame, unpackFlame } from '../lib/charts.js';
import { RESULTS_SCHEMA, type ResultsFile } from '../lib/index.js';
import { categoryOf, leafName, pruneStacks, readCpuProfile, shortPath, stacksIn, type CpuProfile, type Frame } from '../profile/index.js';

const f = (name: string, source = ''): Frame => ({ name: source ? `${name} ${source}` : name, source });

test('a real --cpu-prof profile: self time per function, cut to a window on the monotonic clock', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-prof-test-'));
  try {
    // Two busy functions one after the other; the child reports when the second ran, on process.hrtime.
    const script = join(dir, 'spin.mjs');
    writeFileSync(script, [
      'const now = () => Number(process.hrtime.bigint() / 1000n);',
      'function spinFirst(ms) { const end = Date.now() + ms; let x = 0; while (Date.now() < end) x++; return x; }',
      'function spinSecond(ms) { const end = Date.now() + ms; let x = 0; while (Date.now() < end) x++; return x; }',
      'spinFirst(300); const t0 = now(); spinSecond(150); const t1 = now();',
      'console.log(JSON.stringify({ t0, t1 }));',
    ].join('\n'));
    const out = execFileSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${join(dir, 'p')}`, '--cpu-prof-interval=200', script], { encoding: 'utf8' });
    const { t0, t1 } = JSON.parse(out) as { t0: number; t1: number };
    const [file] = readdirSync(join(dir, 'p'));
    const p = readCpuProfile(join(dir, 'p', file));
    const self = (stacks: ReturnType<typeof stacksIn>, fn: string) => stacks.filter((s) => s.frames.at(-1)!.name.startsWith(`${fn} `)).reduce((a, s) => a + s.us, 0);

    const all = stacksIn(p);
    const first = self(all, 'spinFirst'), second = self(all, 'spinSecond');
    assert.ok(first > 200_000 && first < 400_000, `spinFirst ${first} µs`);
    assert.ok(second > 100_000 && second < 200_000, `spinSecond ${second} µs`);
    assert.ok(all.every((s) => s.frames[0].name !== '(root)' && s.frames.every((fr) => fr.name !== '(idle)')));
    // The frame names carry the script's path, and the stack runs root first down to the leaf.
    const leafStack = all.find((s) => s.frames.at(-1)!.name.startsWith('spinSecond'))!;
    assert.match(leafStack.frames.at(-1)!.source, /spin\.mjs$/);

    const window = stacksIn(p, t0, t1);
    assert.ok(self(window, 'spinFirst') < 20_000, `spinFirst inside the window: ${self(window, 'spinFirst')} µs`);
    assert.ok(self(window, 'spinSecond') > 100_000, `spinSecond inside the window: ${self(window, 'spinSecond')} µs`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('frames in compiled files are named after their TypeScript source through the source map', () => {
  // A TypeScript file compiled with an external source map, as the gateway's bundle is (esbuild).
  const dir = mkdtempSync(join(tmpdir(), 'sy-prof-map-'));
  try {
    mkdirSync(join(dir, 'src', 'governance'), { recursive: true });
    const ts = join(dir, 'src', 'governance', 'enforcer.ts');
    writeFileSync(ts, 'const pad: number = 1;\nexport function admit(n: number): number {\n  return n + pad;\n}\n');
    const js = join(dir, 'dist', 'bundle.js');
    buildSync({ entryPoints: [ts], outfile: js, bundle: true, format: 'esm', sourcemap: 'external', logLevel: 'silent' });
    const lines = readFileSync(js, 'utf8').split('\n');
    const line = lines.findIndex((l) => l.includes('function admit('));
    assert.ok(line >= 0);
    const p: CpuProfile = {
      startTime: 0, endTime: 30, samples: [2, 2, 2], timeDeltas: [0, 10, 10],
      nodes: [
        { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1, columnNumber: -1 }, children: [2] },
        { id: 2, callFrame: { functionName: 'admit', url: pathToFileURL(js).href, lineNumber: line, columnNumber: lines[line].indexOf('function') } },
      ],
    };
    const [s] = stacksIn(p);
    assert.deepEqual(s.frames, [{ name: 'admit src/governance/enforcer.ts', source: 'src/governance/enforcer.ts' }]);
    // The last sample has no successor, so only the first two count (10 µs each, as DevTools counts them).
    assert.equal(s.us, 20);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('shortPath keeps the part of a path that says whose code it is', () => {
  assert.equal(shortPath('/work/main/node_modules/undici/lib/core/util.js'), 'undici/lib/core/util.js');
  assert.equal(shortPath('file:///work/main/node_modules/@chainsafe/libp2p-gossipsub/dist/src/index.js'), '@chainsafe/libp2p-gossipsub/dist/src/index.js');
  assert.equal(shortPath('../../src/governance/enforcer.ts'), 'src/governance/enforcer.ts');
  assert.equal(shortPath('/home/x/src/app/bench/proxy/bare.ts'), 'bench/proxy/bare.ts');
  assert.equal(shortPath('/tmp/other.mjs'), '/tmp/other.mjs');
});

test('categories: builtins count for their caller, V8 pseudo-frames for themselves', () => {
  const server = f('dispatch', 'src/http/server.ts'), undici = f('write', 'undici/lib/dispatcher/client-h1.js');
  assert.equal(categoryOf([server, f('end')]), 'src/http');
  assert.equal(categoryOf([server, undici, f('writevGeneric', 'node:internal/stream_base_commons'), f('writev')]), 'undici');
  assert.equal(categoryOf([f('processTicksAndRejections', 'node:internal/process/task_queues')]), 'node internals');
  assert.equal(categoryOf([f('parse')]), 'builtins');
  assert.equal(categoryOf([f('(garbage collector)')]), 'garbage collection');
  assert.equal(categoryOf([f('(program)')]), 'native, not attributed (uWS, libuv, V8)');
  assert.equal(categoryOf([undici, f('wasm-function[20]', 'wasm://wasm/00034eea')]), 'undici (llhttp, wasm)');
  assert.equal(categoryOf([f('pack', '@scope/pkg/pack.js')]), '@scope/pkg');
  assert.equal(leafName([server, f('end')]), 'end ← dispatch src/http/server.ts');
  assert.equal(leafName([server]), 'dispatch src/http/server.ts');
  assert.equal(leafName([f('(garbage collector)')]), '(garbage collector)');
  assert.equal(leafName([server, f('createFromString', 'node:buffer'), f('(anonymous)')]), '(anonymous) ← createFromString node:buffer');
});

test('a results file with flame stacks yields flame graph charts', () => {
  const stacks = [{ frames: ['main thread', 'end src/http/respond.ts'], value: 300 }, { frames: ['main thread', '(garbage collector)'], value: 100 }];
  const packed = packFlame(stacks);
  assert.deepEqual(packed, { frames: ['main thread', 'end src/http/respond.ts', '(garbage collector)'], stacks: ['0;1 300', '0;2 100'] });
  assert.deepEqual(unpackFlame(packed), stacks);
  const file = {
    schema: RESULTS_SCHEMA, scenario: 'profile', startedAt: '', finishedAt: '', params: {}, tables: [],
    machine: {} as ResultsFile['machine'],
    raw: { flames: [{ name: 'open-500-bare-proxy', title: 'bare proxy: open loop', unit: 'µs per request', divisor: 10, ...packed }] },
  } as ResultsFile;
  const [chart] = chartsFor(file);
  assert.equal(chart.name, 'profile-open-500-bare-proxy');
  assert.match(chart.svg, /^<svg/);
  assert.ok(chart.svg.includes('end src/http/respond.ts — 30.0 µs per request (75.0 %)'), chart.svg);
  assert.ok(chart.svg.includes('fill="#60a5fa"') && chart.svg.includes('fill="#ef4444"'), 'our code and the collector get their colours');
});

test('pruning cuts small frames and leaves their time with the caller: every kept frame keeps its total', () => {
  const st = (names: string[], us: number) => ({ frames: names.map((n) => f(n, 'src/x/y.ts')), us });
  const stacks = [st(['main', 'a', 'b'], 600), st(['main', 'a', 'tiny'], 5), st(['main', 'a', 'tiny', 'deeper'], 4), st(['main', 'a'], 100), st(['main', 'c'], 291)];
  const kept = pruneStacks(stacks, 0.01); // 1 % of 1000 µs = 10 µs: "tiny" (9 µs with its callee) goes
  const total = (prefix: string) => kept.filter((s) => s.frames.join(';').startsWith(prefix)).reduce((a, s) => a + s.value, 0);
  assert.equal(total('main src/x/y.ts'), 1000);
  assert.equal(total('main src/x/y.ts;a src/x/y.ts'), 709);
  assert.ok(kept.every((s) => !s.frames.some((fr) => fr.startsWith('tiny') || fr.startsWith('deeper'))));
  assert.deepEqual(kept.find((s) => s.frames.length === 2 && s.frames[1].startsWith('a '))?.value, 109);
  assert.deepEqual(pruneStacks(stacks, 0).length, stacks.length);
});
