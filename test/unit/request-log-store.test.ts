/**
 * The lmdb request-log store: search returns exactly the matching entries newest first, cursor pages cover
 * everything once, retention deletes old entries, the tail yields only what is new. Also the worker queue
 * (drops and counts when full) and the cluster merge.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { open } from 'lmdb';
import { Registry } from 'prom-client';
import { mergePages } from '../../src/admin/logs.js';
import { RequestLogQueue } from '../../src/observe/index.js';
import {
  compareKeys, entryKey, matches, parseLogQuery, RequestLogStore, LogQueryError,
  type LogFilter, type LogKey, type RequestLogEntry, type WorkerLogEntry,
} from '../../src/store/index.js';

const dirs: string[] = [];
const stores: RequestLogStore[] = [];
after(async () => {
  for (const s of stores) await s.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function newStore(opts: { retentionMs?: number; now?: () => number; nodeId?: string } = {}): RequestLogStore {
  const dir = mkdtempSync(join(tmpdir(), 'sy-reqlog-'));
  dirs.push(dir);
  const s = new RequestLogStore(dir, { nodeId: opts.nodeId ?? 'node-a', retentionMs: opts.retentionMs ?? 7 * 86_400_000, now: opts.now });
  stores.push(s);
  return s;
}

function entry(i: number, over: Partial<WorkerLogEntry> = {}): WorkerLogEntry {
  return {
    time: 1_700_000_000_000 + i * 10, request_id: `req-${i}`, route: 'chat', key_id: null, team_id: null,
    provider: i % 2 ? 'openai' : 'mock', model: i % 3 ? 'gpt-4o' : 'm1', deployment: null, stream: false,
    status: i % 5 === 0 ? 502 : 200, latency_ms: i * 3, ttft_ms: null, upstream_ms: null, overhead_us: 50,
    tokens_in: 3, tokens_out: 7, cost: null, retries: 0, fallback_index: 0, error_type: null, error_code: null, ...over,
  };
}

async function filled(n: number): Promise<RequestLogStore> {
  const s = newStore();
  await s.append(Array.from({ length: n }, (_, i) => entry(i)));
  return s;
}

function allPages(s: RequestLogStore, q: Record<string, unknown>): { ids: string[]; pages: number } {
  const ids: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  for (;;) {
    const p = s.query({ ...q, cursor });
    pages++;
    ids.push(...p.data.map((e) => e.request_id));
    if (!p.next_cursor) return { ids, pages };
    cursor = p.next_cursor;
  }
}

test('search returns exactly the entries written, newest first, stamped with node and sequence', async () => {
  const s = await filled(25);
  const p = s.query({});
  assert.equal(p.next_cursor, null);
  assert.deepEqual(p.data.map((e) => e.request_id), Array.from({ length: 25 }, (_, i) => `req-${24 - i}`));
  assert.equal(p.data[0].node_id, 'node-a');
  assert.equal(p.data[0].latency_ms, 72);
  assert.equal(s.count(), 25);
});

test('filters: provider, model, status, min latency and the time range (inclusive)', async () => {
  const s = await filled(30);
  const ids = (f: Record<string, unknown>) => s.query(f).data.map((e) => Number(e.request_id.slice(4))).sort((a, b) => a - b);
  assert.deepEqual(ids({ provider: 'openai' }), [1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29]);
  assert.deepEqual(ids({ model: 'm1' }), [0, 3, 6, 9, 12, 15, 18, 21, 24, 27]);
  assert.deepEqual(ids({ status: 502 }), [0, 5, 10, 15, 20, 25]);
  assert.deepEqual(ids({ min_latency_ms: 81 }), [27, 28, 29]);
  assert.deepEqual(ids({ from: 1_700_000_000_050, to: 1_700_000_000_080 }), [5, 6, 7, 8]);
  assert.deepEqual(ids({ provider: 'mock', status: 502, model: 'm1' }), [0]);
  assert.deepEqual(ids({ key: 'vk-1' }), []);
});

test('cursor pagination covers every match exactly once', async () => {
  const s = await filled(23);
  const { ids, pages } = allPages(s, { limit: 5 });
  assert.equal(pages, 5);
  assert.deepEqual(ids, Array.from({ length: 23 }, (_, i) => `req-${22 - i}`));
  const filtered = allPages(s, { limit: 4, provider: 'openai' });
  assert.deepEqual(filtered.ids, [21, 19, 17, 15, 13, 11, 9, 7, 5, 3, 1].map((i) => `req-${i}`));
});

test('property: every filter and page size gives the reference answer', async () => {
  const s = newStore();
  const all: RequestLogEntry[] = [];
  const batch = Array.from({ length: 120 }, (_, i) => entry(i, { time: 1_700_000_000_000 + Math.floor(i / 3) * 7, latency_ms: (i * 37) % 101, status: [200, 400, 429, 502][i % 4] }));
  await s.append(batch);
  all.push(...s.query({ limit: 1000 }).data);
  assert.equal(all.length, 120);
  await fc.assert(fc.asyncProperty(
    fc.record({
      provider: fc.option(fc.constantFrom('openai', 'mock', 'none'), { nil: undefined }),
      status: fc.option(fc.constantFrom(200, 400, 429, 502), { nil: undefined }),
      min_latency_ms: fc.option(fc.integer({ min: 0, max: 110 }), { nil: undefined }),
      from: fc.option(fc.integer({ min: 1_700_000_000_000, max: 1_700_000_000_300 }), { nil: undefined }),
      to: fc.option(fc.integer({ min: 1_700_000_000_000, max: 1_700_000_000_300 }), { nil: undefined }),
    }),
    fc.integer({ min: 1, max: 50 }),
    async (f, limit) => {
      const filter = Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined)) as LogFilter;
      const want = all.filter((e) => matches(e, filter)).sort((a, b) => compareKeys(entryKey(b), entryKey(a))).map((e) => `${e.request_id}/${e.seq}`);
      const got: string[] = [];
      let cursor: string | undefined;
      for (let guard = 0; guard < 200; guard++) {
        const p = s.query({ ...filter, limit, cursor });
        assert.ok(p.data.length <= limit);
        got.push(...p.data.map((e) => `${e.request_id}/${e.seq}`));
        if (!p.next_cursor) break;
        cursor = p.next_cursor;
      }
      assert.deepEqual(got, want);
    },
  ), { numRuns: 60 });
});

test('retention: the sweep deletes entries older than the period and keeps the rest', async () => {
  let now = 1_700_000_000_000 + 1_000;
  const s = newStore({ retentionMs: 500, now: () => now });
  await s.append(Array.from({ length: 10 }, (_, i) => entry(i, { time: 1_700_000_000_000 + i * 100 })));
  // cutoff = 500: entries at 0..400 go, 500..900 stay.
  assert.equal(await s.sweep(), 5);
  assert.deepEqual(s.query({}).data.map((e) => e.request_id), ['req-9', 'req-8', 'req-7', 'req-6', 'req-5']);
  now += 10_000;
  assert.equal(await s.sweep(), 5);
  assert.equal(s.count(), 0);
});

test('tail: a cursor at the end, then only what arrived since, oldest first, filtered', async () => {
  const s = await filled(3);
  const start = s.tail(undefined);
  assert.deepEqual(start.data, []);
  assert.deepEqual(s.tail(start.cursor).data, []);
  await s.append([entry(10), entry(11), entry(12)]);
  const next = s.tail(start.cursor);
  assert.deepEqual(next.data.map((e) => e.request_id), ['req-10', 'req-11', 'req-12']);
  assert.deepEqual(s.tail(start.cursor, { provider: 'openai' }).data.map((e) => e.request_id), ['req-11']);
  assert.deepEqual(s.tail(next.cursor).data, []);
  // A long request that started before the others but finished (was written) after them is still tailed.
  await s.append([entry(1, { request_id: 'late-long-stream' })]);
  assert.deepEqual(s.tail(next.cursor).data.map((e) => e.request_id), ['late-long-stream']);
  assert.deepEqual(s.tail('999999999999999999').data, []);
});

test('query strings: filters parsed, unknown parameters and bad values rejected', () => {
  assert.deepEqual(parseLogQuery('provider=openai&status=429&min_latency_ms=10&from=2024-01-01T00:00:00Z&to=5&limit=7&cluster=1'),
    { provider: 'openai', status: 429, min_latency_ms: 10, from: Date.parse('2024-01-01T00:00:00Z'), to: 5, limit: 7, cluster: true });
  assert.throws(() => parseLogQuery('colour=red'), LogQueryError);
  assert.throws(() => parseLogQuery('status=abc'), LogQueryError);
  assert.throws(() => parseLogQuery('limit=0'), LogQueryError);
  assert.throws(() => parseLogQuery('cursor=zzz'), LogQueryError);
  assert.throws(() => parseLogQuery('from=yesterday'), LogQueryError);
});

test('worker queue: batches on flush, drops and counts when full', async () => {
  const sent: WorkerLogEntry[][] = [];
  const registry = new Registry();
  const q = new RequestLogQueue((b) => sent.push(b), { maxEntries: 3, flushMs: 60_000, registry });
  for (let i = 0; i < 5; i++) q.push(entry(i));
  assert.equal(q.size, 3);
  q.flush();
  assert.deepEqual(sent.map((b) => b.map((e) => e.request_id)), [['req-0', 'req-1', 'req-2']]);
  q.push(entry(9));
  q.stop();
  assert.deepEqual(sent[1].map((e) => e.request_id), ['req-9']);
  const m = await registry.getSingleMetricAsString('switchyard_request_log_dropped_total');
  assert.match(m, /^switchyard_request_log_dropped_total 2$/m);
});

test('cluster merge: newest first across nodes, next cursor when more remain, failed peers reported', async () => {
  const a = newStore({ nodeId: 'node-a' });
  const b = newStore({ nodeId: 'node-b' });
  await a.append([entry(0), entry(2), entry(4)]);
  await b.append([entry(1), entry(3), entry(5)]);
  const merged = mergePages([
    { node_id: 'node-a', page: a.query({ limit: 2 }) },
    { node_id: 'node-b', page: b.query({ limit: 2 }) },
    { node_id: 'node-c', error: 'answered 503' },
  ], 2);
  assert.deepEqual(merged.data.map((e) => `${e.node_id}:${e.request_id}`), ['node-b:req-5', 'node-a:req-4']);
  assert.deepEqual(merged.nodes, [{ node_id: 'node-a', ok: true, count: 2 }, { node_id: 'node-b', ok: true, count: 2 }, { node_id: 'node-c', ok: false, count: 0, error: 'answered 503' }]);
  // The next page, asked of every node with the merged cursor, continues where the merge stopped.
  const next = mergePages([
    { node_id: 'node-a', page: a.query({ limit: 2, cursor: merged.next_cursor! }) },
    { node_id: 'node-b', page: b.query({ limit: 2, cursor: merged.next_cursor! }) },
  ], 2);
  assert.deepEqual(next.data.map((e) => e.request_id), ['req-3', 'req-2']);
});

// --- Segments: the log is a sequence of lmdb environments, only the newest written (see request-log-store.ts).

/** A store on `dir` (a new temporary one by default) that rotates to a new segment every `rotateEntries` entries. */
function segStore(opts: { dir?: string; rotateEntries?: number; retentionMs?: number; now?: () => number } = {}): { s: RequestLogStore; dir: string } {
  let dir = opts.dir;
  if (!dir) { dir = mkdtempSync(join(tmpdir(), 'sy-reqlog-seg-')); dirs.push(dir); }
  const s = new RequestLogStore(dir, { nodeId: 'node-a', retentionMs: opts.retentionMs ?? 7 * 86_400_000, now: opts.now, rotateEntries: opts.rotateEntries ?? 7 });
  stores.push(s);
  return { s, dir };
}

const segmentFiles = (dir: string): string[] => readdirSync(join(dir, 'segments')).filter((f) => /^\d{15}\.mdb$/.test(f)).sort();
const ids = (es: RequestLogEntry[]): string[] => es.map((e) => `${e.request_id}/${e.seq}`);
const newestFirst = (es: RequestLogEntry[]): RequestLogEntry[] => es.slice().sort((a, b) => compareKeys(entryKey(b), entryKey(a)));
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Every page of a query, following cursors. */
function pagesOf(s: RequestLogStore, q: LogFilter & { limit?: number }): { all: RequestLogEntry[]; pages: number } {
  const all: RequestLogEntry[] = [];
  let cursor: string | undefined;
  for (let pages = 1; pages < 1000; pages++) {
    const p = s.query({ ...q, cursor });
    assert.ok(p.data.length <= (q.limit ?? 100));
    all.push(...p.data);
    if (!p.next_cursor) return { all, pages };
    cursor = p.next_cursor;
  }
  throw new Error('pagination did not end');
}

test('segments: appends rotate into many segments; queries, pages, filters and count span all of them', async () => {
  const { s, dir } = segStore({ rotateEntries: 7 });
  const written: RequestLogEntry[] = [];
  // Batches of uneven sizes, so rotations fall inside batches; batch k also carries a "long request" that arrived early.
  for (let k = 0; k < 10; k++) {
    const batch = Array.from({ length: 9 + k }, (_, i) => entry(100 + k * 30 + i));
    batch.push(entry(k * 3, { request_id: `long-${k}` }));
    await s.append(batch);
    written.push(...(batch as RequestLogEntry[]));
  }
  assert.equal(written.length, 145);
  assert.equal(segmentFiles(dir).length, Math.ceil(145 / 7));
  assert.equal(s.count(), 145);
  // Only the writer is open once the full segments' writes are committed.
  assert.equal(s.openSegments(), 1);

  const want = newestFirst(written);
  assert.deepEqual(s.query({ limit: 1000 }).data, want);
  assert.deepEqual(ids(pagesOf(s, { limit: 6 }).all), ids(want));
  assert.equal(pagesOf(s, { limit: 6 }).pages, Math.ceil(145 / 6));
  const f = { provider: 'openai', from: 1_700_000_000_000 + 20, to: 1_700_000_000_000 + 2_000, limit: 4 };
  assert.deepEqual(ids(pagesOf(s, f).all), ids(want.filter((e) => matches(e, f))));
  assert.deepEqual(s.query({ to: 1_700_000_000_000 + 300 }).data.map((e) => e.request_id), ['long-9', 'long-8', 'long-7', 'long-6', 'long-5', 'long-4', 'long-3', 'long-2', 'long-1', 'long-0']);

  // Queries reopen closed segments, but keep only a few of them open afterwards.
  await tick();
  assert.ok(s.openSegments() <= 1 + 4, `open after queries: ${s.openSegments()}`);

  // A new instance on the same directory finds everything, and writes to a new segment.
  await s.close();
  assert.equal(s.openSegments(), 0);
  const again = segStore({ dir, rotateEntries: 7 }).s;
  assert.equal(again.count(), 145);
  await tick(); // the segment measured at start (the old writer) is closed right after
  assert.equal(again.openSegments(), 0);
  assert.deepEqual(again.query({ limit: 1000 }).data, want);
  await again.append([entry(5000), entry(1, { request_id: 'late-after-restart' })]);
  assert.equal(segmentFiles(dir).length, Math.ceil(145 / 7) + 1);
  assert.equal(again.count(), 147);
  assert.deepEqual(again.query({ limit: 3 }).data.map((e) => e.request_id), ['req-5000', want[0].request_id, want[1].request_id]);
  assert.deepEqual(again.query({ to: 1_700_000_000_000 + 10 }).data.map((e) => e.request_id), ['late-after-restart', 'long-0']);
});

test('property: batches appended in several calls, later ones holding earlier times, read as one sorted log', async () => {
  const base = 1_700_000_000_000;
  const row = fc.record({
    dt: fc.integer({ min: -12, max: 3 }), provider: fc.constantFrom('openai', 'mock'),
    status: fc.constantFrom(200, 429, 502), latency: fc.integer({ min: 0, max: 50 }),
  });
  const filterArb = fc.record({
    provider: fc.option(fc.constantFrom('openai', 'mock'), { nil: undefined }),
    status: fc.option(fc.constantFrom(200, 429, 502), { nil: undefined }),
    min_latency_ms: fc.option(fc.integer({ min: 0, max: 55 }), { nil: undefined }),
    from: fc.option(fc.integer({ min: base - 120, max: base + 240 }), { nil: undefined }),
    to: fc.option(fc.integer({ min: base - 120, max: base + 240 }), { nil: undefined }),
  });
  await fc.assert(fc.asyncProperty(
    fc.array(fc.array(row, { maxLength: 25 }), { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 9 }), filterArb, fc.integer({ min: 1, max: 30 }),
    async (batches, rotateEntries, f, limit) => {
      const { s, dir } = segStore({ rotateEntries });
      try {
        const written: RequestLogEntry[] = [];
        let n = 0;
        for (const [k, rows] of batches.entries()) {
          // Batch k is written around time k * 40, with entries that arrived up to 120 ms earlier (long requests).
          // Times are multiples of 10, so many are equal and the order falls to node, request id and sequence.
          const batch = rows.map((r) => entry(n++, { time: base + (k * 4 + r.dt) * 10, provider: r.provider, status: r.status, latency_ms: r.latency }));
          await s.append(batch);
          written.push(...(batch as RequestLogEntry[]));
        }
        assert.equal(s.count(), written.length);
        const filter = Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined)) as LogFilter;
        assert.deepEqual(ids(pagesOf(s, { ...filter, limit }).all), ids(newestFirst(written).filter((e) => matches(e, filter))));
      } finally {
        await s.close();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  ), { numRuns: 60 });
});

test('retention across segments: expired segments are deleted whole, the straddling one per entry', async () => {
  const base = 1_700_000_000_000;
  let now = base + 3_000;
  const { s, dir } = segStore({ rotateEntries: 7, retentionMs: 500, now: () => now });
  // 50 entries 100 ms apart in batches of 10: segments of 7 entries each (0-6, 7-13, ...), 8 segments.
  for (let b = 0; b < 5; b++) await s.append(Array.from({ length: 10 }, (_, i) => entry(b * 10 + i, { time: base + (b * 10 + i) * 100 })));
  const before = segmentFiles(dir);
  assert.equal(before.length, 8);
  // cutoff = base + 2500: entries 0..24 go. Segments 0-6, 7-13, 14-20 whole; 21-27 loses 21..24.
  assert.equal(await s.sweep(), 25);
  assert.deepEqual(segmentFiles(dir), before.slice(3));
  assert.equal(s.count(), 25);
  assert.deepEqual(s.query({}).data.map((e) => e.request_id), Array.from({ length: 25 }, (_, i) => `req-${49 - i}`));
  assert.equal(await s.sweep(), 0);

  // The state survives a restart (the swept segment's new count included).
  await s.close();
  const again = segStore({ dir, rotateEntries: 7, retentionMs: 500, now: () => now }).s;
  assert.equal(again.count(), 25);
  assert.deepEqual(again.query({ limit: 1000 }).data.map((e) => e.request_id), Array.from({ length: 25 }, (_, i) => `req-${49 - i}`));
  now += 10_000;
  assert.equal(await again.sweep(), 25);
  assert.equal(again.count(), 0);
  assert.deepEqual(segmentFiles(dir), []);
  assert.deepEqual(again.query({}).data, []);
});

test('the segment catalog is only a cache: without it a restart measures every segment', async () => {
  const { s, dir } = segStore({ rotateEntries: 5 });
  await s.append(Array.from({ length: 23 }, (_, i) => entry(i)));
  const want = s.query({ limit: 1000 }).data;
  await s.close();
  for (const f of readdirSync(join(dir, 'segments'))) if (f.startsWith('catalog.mdb')) rmSync(join(dir, 'segments', f));
  const again = segStore({ dir, rotateEntries: 5 }).s;
  assert.equal(again.count(), 23);
  assert.deepEqual(again.query({ limit: 1000 }).data, want);
  assert.deepEqual(again.query({ from: 1_700_000_000_000 + 50, to: 1_700_000_000_000 + 80 }).data.map((e) => e.request_id), ['req-8', 'req-7', 'req-6', 'req-5']);
});

test('a requests.mdb from the single-environment layout is read, swept and never written', async () => {
  const base = 1_700_000_000_000;
  const dir = mkdtempSync(join(tmpdir(), 'sy-reqlog-legacy-'));
  dirs.push(dir);
  const legacyPath = join(dir, 'requests.mdb');
  const old = open({ path: legacyPath, compression: true });
  const oldDb = old.openDB<RequestLogEntry, LogKey>({ name: 'requests' });
  const legacy = Array.from({ length: 10 }, (_, i) => ({ ...entry(i * 2, { request_id: `old-${i}` }), node_id: 'node-a', seq: i }) as RequestLogEntry);
  for (const e of legacy) void oldDb.put(entryKey(e), e);
  await old.close();

  let now = base + 1_000;
  const { s } = segStore({ dir, rotateEntries: 4, retentionMs: 1_000, now: () => now });
  assert.equal(s.count(), 10);
  assert.deepEqual(s.query({}).data, newestFirst(legacy));
  // New entries interleave in time with the old ones.
  const fresh = Array.from({ length: 6 }, (_, i) => entry(i * 2 + 1)) as RequestLogEntry[];
  await s.append(fresh);
  assert.equal(s.count(), 16);
  assert.deepEqual(ids(pagesOf(s, { limit: 3 }).all), ids(newestFirst([...legacy, ...fresh])));
  assert.equal(segmentFiles(dir).length, 2);

  // The legacy environment still holds exactly the old entries (appends went to segments).
  const check = open({ path: legacyPath, compression: true, readOnly: true });
  assert.equal(check.openDB<RequestLogEntry, LogKey>({ name: 'requests' }).getCount(), 10);
  await check.close();

  // cutoff = base + 55: old-0..old-2 (times 0, 20, 40) go per entry, and so do req-1, req-3, req-5 (10, 30, 50)
  // from the first new segment (req-1..req-7); the writer (req-9, req-11) keeps its entries.
  now = base + 1_055;
  assert.equal(await s.sweep(), 6);
  assert.deepEqual(s.query({}).data.map((e) => e.request_id), ['old-9', 'old-8', 'old-7', 'old-6', 'req-11', 'old-5', 'req-9', 'old-4', 'req-7', 'old-3']);
  // Past everything: the legacy file is deleted like any expired segment.
  now = base + 10_000;
  assert.equal(await s.sweep(), 10);
  assert.equal(existsSync(legacyPath), false);
  assert.equal(s.count(), 0);
});
