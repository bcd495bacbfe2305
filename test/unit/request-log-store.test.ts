/**
 * The lmdb request-log store: search returns exactly the matching entries newest first, cursor pages cover
 * everything once, retention deletes old entries, the tail yields only what is new. Also the worker queue
 * (drops and counts when full) and the cluster merge.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { Registry } from 'prom-client';
import { mergePages } from '../../src/admin/logs.js';
import { RequestLogQueue } from '../../src/observe/index.js';
import {
  compareKeys, entryKey, matches, parseLogQuery, RequestLogStore, LogQueryError,
  type LogFilter, type RequestLogEntry, type WorkerLogEntry,
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
