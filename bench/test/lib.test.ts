import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  describeMachine, newestPerScenario, opt, parseCli, processCpuUs, readResults, renderMarkdown, renderText, resultsPath,
  resultsToMarkdown, RESULTS_SCHEMA, spawnService, UsageError, writeResults, type ResultsFile, type Table,
} from '../lib/index.js';

const table: Table = {
  title: 'T',
  columns: ['load', 'arm', 'p50', '+p50'],
  rows: [['open 500 rps', 'direct', 152, 0], ['open 500 rps', 'a|b', 442.25, null]],
  notes: ['note'],
};

test('tables render identically as text and Markdown from the same data', () => {
  assert.equal(renderText(table), [
    'T',
    'load          arm     p50  +p50',
    '------------  ------  ---  ----',
    'open 500 rps  direct  152     0',
    'open 500 rps  a|b     442   n/a',
    '  note',
  ].join('\n'));
  assert.equal(renderMarkdown(table), [
    '**T**', '', '| load | arm | p50 | +p50 |', '|---|---|---:|---:|',
    '| open 500 rps | direct | 152 | 0 |', '| open 500 rps | a\\|b | 442 | n/a |', '', '_note_',
  ].join('\n'));
});

test('parseCli: defaults, numbers, number lists, flags and clear errors', () => {
  const spec = { rps: opt.numbers('r', [500]), rounds: opt.number('n'), name: opt.string('s', 'x'), quick: opt.flag('q') };
  assert.deepEqual(parseCli('u', spec, []), { help: false, rps: [500], rounds: undefined, name: 'x', quick: false });
  assert.deepEqual(parseCli('u', spec, ['--rps', '100,2000', '--rounds=3', '--quick', '--name', 'y']), { help: false, rps: [100, 2000], rounds: 3, name: 'y', quick: true });
  assert.throws(() => parseCli('u', spec, ['--rps', 'fast']), (e) => e instanceof UsageError && /--rps expects a comma-separated list/.test(e.message));
  assert.throws(() => parseCli('u', spec, ['--rounds', '1,2']), /--rounds expects one number/);
  assert.throws(() => parseCli('u', spec, ['--bogus']), (e) => e instanceof UsageError && /Unknown option '--bogus'/.test(e.message) && /--rps <n,n,...>/.test(e.message));
});

test('results files: dated name, round trip, Markdown, newest per scenario', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-results-'));
  try {
    assert.equal(resultsPath('overhead', new Date('2026-03-04T23:59:00Z'), dir), join(dir, '2026-03-04-overhead.json'));
    assert.throws(() => resultsPath('Bad Name', new Date(), dir), /kebab-case/);
    const file: ResultsFile = {
      schema: RESULTS_SCHEMA, scenario: 'overhead', startedAt: '2026-03-04T10:00:00.000Z', finishedAt: '2026-03-04T10:05:00.000Z',
      machine: describeMachine(), params: { rps: [500], quick: false }, tables: [table], raw: { anything: 1 },
    };
    const p = writeResults(file, resultsPath('overhead', new Date(file.startedAt), dir));
    assert.deepEqual(readResults(p), file);
    writeFileSync(join(dir, '2026-03-01-overhead.json'), '{}');
    writeFileSync(join(dir, '2026-03-02-mock-engines.json'), '{}');
    writeFileSync(join(dir, 'notes.txt'), '');
    assert.deepEqual(newestPerScenario(dir).sort(), [join(dir, '2026-03-02-mock-engines.json'), p].sort());
    assert.throws(() => readResults(join(dir, '2026-03-01-overhead.json')), /not a switchyard-bench\/1 results file/);
    const md = resultsToMarkdown(file);
    assert.match(md, /^### overhead — 2026-03-04\n\nMachine: .+ cores/);
    assert.match(md, /Parameters: rps=500, quick=false\./);
    assert.ok(md.includes(renderMarkdown(table)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('machine description and CPU accounting of a live process', () => {
  const m = describeMachine();
  assert.equal(m.node, process.version);
  assert.ok(m.cpus >= 1 && m.cpuModel.length > 0);
  if (process.platform === 'linux') {
    // Compared with node's own account of its CPU time, not wall time: the machine may be busy.
    const before = processCpuUs(process.pid)!;
    const own = process.cpuUsage();
    const until = Date.now() + 150;
    while (Date.now() < until);
    const spent = processCpuUs(process.pid)! - before;
    const ownDelta = process.cpuUsage(own);
    const expected = ownDelta.user + ownDelta.system;
    assert.ok(expected > 0 && Math.abs(spent - expected) <= 25_000, `node says ${expected} µs, /proc says ${spent} µs`);
  }
  assert.equal(processCpuUs(2 ** 30), null);
});

test('spawnService waits for the ready line, reports early death with output, and stops children', async () => {
  const s = await spawnService({
    name: 'echo', command: process.execPath,
    args: ['-e', 'console.log("starting"); setTimeout(() => console.log("LISTENING 4321"), 100); setInterval(() => {}, 1000)'],
    readyLine: /^LISTENING (\d+)$/,
  });
  assert.equal(s.port, 4321);
  assert.equal(s.alive(), true);
  assert.equal(s.exitStatus(), undefined);
  await s.stop();
  assert.equal(s.alive(), false);
  assert.equal(s.exitStatus(), 'signal SIGTERM');
  assert.throws(() => process.kill(s.pid, 0), /ESRCH/);

  await assert.rejects(
    spawnService({ name: 'broken', command: process.execPath, args: ['-e', 'console.error("config is bad"); process.exit(3)'], readyLine: /^LISTENING/ }),
    (e: Error) => /broken did not start: broken exited \(code 3/.test(e.message) && e.message.includes('config is bad'),
  );
  await assert.rejects(
    spawnService({ name: 'silent', command: process.execPath, args: ['-e', 'setInterval(() => {}, 1000)'], readyLine: /^LISTENING/, timeoutMs: 300 }),
    /silent did not start: no "\^LISTENING" line within 300 ms/,
  );
});

test('children are killed when the parent process exits', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-orphan-'));
  const pidFile = join(dir, 'pid');
  // A parent that starts a long-lived child through spawnService and then exits on its own.
  const parent = `
    import { spawnService } from ${JSON.stringify(new URL('../lib/index.ts', import.meta.url).href)};
    import { writeFileSync } from 'node:fs';
    const s = await spawnService({ name: 'sleeper', command: process.execPath, args: ['-e', 'console.log("LISTENING 1"); setInterval(() => {}, 1000)'], readyLine: /^LISTENING/ });
    writeFileSync(${JSON.stringify(pidFile)}, String(s.pid));
    process.exit(0);
  `;
  try {
    const p = await spawnService({ name: 'parent', command: process.execPath, args: ['--import', import.meta.resolve('tsx'), '--input-type=module', '-e', parent] });
    await new Promise<void>((r) => (p.alive() ? p.child.once('exit', () => r()) : r()));
    assert.ok(existsSync(pidFile), 'parent wrote the child pid');
    const pid = Number(readFileSync(pidFile, 'utf8'));
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(isGone(pid), true, 'the child outlived its parent');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Gone, or a zombie: an orphan is reparented to pid 1, which in some containers never reaps it. */
function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return true;
  }
}
