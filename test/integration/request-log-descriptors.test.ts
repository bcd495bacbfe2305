/**
 * The request log when the process runs out of file descriptors. lmdb-js corrupts the C heap when an
 * environment open fails part-way (EMFILE with 1–2 descriptors free), and a node whose sockets use up the
 * open-files limit kept retrying the segment open on every batch until the process aborted. The store now
 * opens a segment only with a wide margin of free descriptors: the open writer keeps filling past its size
 * meanwhile, a store with no writer yet refuses the batch with a plain error, and segments rotate again once
 * descriptors are free.
 *
 * Runs in a child process under a low open-files limit, because the failure mode is the process dying.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const STORE = new URL('../../src/store/index.js', import.meta.url).href;

/**
 * Appends with the descriptors exhausted (leaving `free` of them): first before the store has a segment
 * open, then, per round, while it writes one. Segments rotate every 2 entries when descriptors allow.
 */
const child = (dir: string) => `
  import { closeSync, openSync, readdirSync } from 'node:fs';
  import { RequestLogStore } from ${JSON.stringify(STORE)};
  const store = new RequestLogStore(${JSON.stringify(dir)}, { nodeId: 'n1', retentionMs: 86_400_000, rotateEntries: 2 });
  let i = 0;
  const entry = () => ({
    time: Date.now(), request_id: 'req-' + i++, route: 'chat', key_id: null, team_id: null, provider: 'p', model: 'm',
    deployment: null, stream: false, status: 200, latency_ms: 1, ttft_ms: null, upstream_ms: null, overhead_us: 1,
    tokens_in: 1, tokens_out: 1, cost: null, retries: 0, fallback_index: 0, error_type: null, error_code: null,
  });
  const segments = () => readdirSync(${JSON.stringify(dir)} + '/segments').filter((f) => /^\\d+\\.mdb$/.test(f)).length;
  const exhaust = (free) => {
    const fds = [];
    try { for (;;) fds.push(openSync('/dev/null', 'r')); } catch {}
    for (let k = 0; k < free; k++) closeSync(fds.pop());
    return () => { for (const fd of fds) closeSync(fd); };
  };
  let written = 0;
  const appendSome = async (batches) => {
    const errors = {};
    for (let b = 0; b < batches; b++) {
      try { if (await store.append([entry(), entry(), entry()])) written += 3; }
      catch (e) { errors[e.message] = (errors[e.message] ?? 0) + 1; }
    }
    return errors;
  };
  let release = exhaust(1);
  const beforeFirst = await appendSome(5);
  release();
  await new Promise((r) => setTimeout(r, 1100)); // past the recount pause of a refusal
  await appendSome(1); // opens the writer
  const rounds = [];
  for (const free of [0, 1, 2, 3]) {
    await new Promise((r) => setTimeout(r, 1100)); // past the recount pause of a refusal
    const before = segments();
    release = exhaust(free);
    const errors = await appendSome(20);
    release();
    const during = segments() - before; // counted after the release: listing needs a descriptor too
    await new Promise((r) => setTimeout(r, 1100));
    const s0 = segments();
    await appendSome(3);
    rounds.push({ free, errors, during, after: segments() - s0 });
  }
  const stored = store.query({ limit: 1000 }).data.length;
  await store.close();
  console.log(JSON.stringify({ beforeFirst, rounds, written, stored }));
`;

test('without descriptor headroom no segment is opened; the writer keeps filling and the process lives on', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-reqlog-fd-'));
  try {
    // The soft limit only; 400 leaves room for Node itself and keeps the exhaustion loop short.
    const r = spawnSync('sh', ['-c', `ulimit -n 400 && exec "${process.execPath}" --input-type=module -e "$SCRIPT"`], {
      env: { ...process.env, SCRIPT: child(dir) }, encoding: 'utf8', timeout: 60_000,
    });
    assert.equal(r.signal, null, `the child died by ${r.signal}: ${r.stderr}`);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as {
      beforeFirst: Record<string, number>; written: number; stored: number;
      rounds: Array<{ free: number; errors: Record<string, number>; during: number; after: number }>;
    };
    // No segment open yet: the batch is refused with a plain error, before anything reaches lmdb.
    assert.deepEqual(out.beforeFirst, { 'not opening a request-log segment: fewer than 256 file descriptors are free (the open-files limit is nearly reached)': 5 });
    for (const round of out.rounds) {
      assert.deepEqual(round.errors, {}, `with ${round.free} descriptors free the open writer takes every batch`);
      assert.equal(round.during, 0, 'no segment was opened without headroom');
      assert.ok(round.after > 0, 'segments rotate again once descriptors are free');
    }
    assert.equal(out.written, (1 + out.rounds.length * 23) * 3);
    assert.equal(out.stored, out.written);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
