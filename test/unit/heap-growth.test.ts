/**
 * server.heap_growth_percent: applied on the main thread before the workers start, it bounds how far a
 * worker's heap grows past its live size. Each case runs in a child process, because V8 flags are
 * process-wide and cannot be unset.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadConfig } from '../../src/config/index.js';

const HEAP_GROWTH = new URL('../../src/node/heap-growth.js', import.meta.url).href;

/** Peak heap size (MB) of a worker whose live set (~40 MB) keeps turning over for 1.5 s. */
function workerPeakMb(percent: number): number {
  const script = `
    import { Worker } from 'node:worker_threads';
    import { applyHeapGrowth } from ${JSON.stringify(HEAP_GROWTH)};
    applyHeapGrowth(${percent});
    const w = new Worker(\`
      const { getHeapStatistics } = require('node:v8');
      const ring = new Array(20000);
      let peak = 0;
      const t0 = Date.now();
      for (let i = 0; Date.now() - t0 < 1500; i++) {
        ring[i % ring.length] = { a: new Array(200).fill(i), s: 'x' + i };
        if ((i & 1023) === 0) peak = Math.max(peak, getHeapStatistics().total_heap_size);
      }
      require('node:worker_threads').parentPort.postMessage(peak);
    \`, { eval: true, execArgv: [] });
    w.once('message', (peak) => { console.log(Math.round(peak / 1048576)); process.exit(0); });
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  return Number(r.stdout.trim());
}

test('a growth percent set before a worker starts keeps that worker\'s heap closer to its live size', () => {
  const v8Default = workerPeakMb(0);
  const doubled = workerPeakMb(100);
  // Measured here: about 250 MB with V8's own factor, 160 MB at 100 %.
  assert.ok(doubled < v8Default * 0.8, `peak ${doubled} MB at 100 % vs ${v8Default} MB with V8's factor`);
});

test('the setting defaults to 100 %, 0 leaves V8 its own factor, and nonsense is refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-heap-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (server: object) => {
    const path = join(dir, 'c.json');
    writeFileSync(path, JSON.stringify({ server }));
    return path;
  };
  assert.equal(loadConfig({}, {}).heapGrowthPercent, 100);
  assert.equal(loadConfig({ config: file({ heap_growth_percent: 0 }) }, {}).heapGrowthPercent, 0);
  assert.equal(loadConfig({ config: file({ heap_growth_percent: 50 }) }, {}).heapGrowthPercent, 50);
  assert.throws(() => loadConfig({ config: file({ heap_growth_percent: -1 }) }, {}), /heap_growth_percent/);
  assert.throws(() => loadConfig({ config: file({ heap_growth_percent: 'lots' }) }, {}), /heap_growth_percent/);
});
