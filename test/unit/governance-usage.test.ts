/**
 * Usage counters (src/governance/usage.ts): what one finished request adds, and what the analytics query
 * reads back from those counters, across an hour boundary (the keys are remembered per hour).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { UsageEvent } from '../../src/governance/snapshot.js';
import { addUsageCounters, queryUsage } from '../../src/governance/usage.js';

const HOUR = 3600_000;
const event = (at: number, extra: Partial<UsageEvent> = {}): UsageEvent => ({
  at, keyId: 'k1', teamId: 'team/a', provider: 'openai', model: 'gpt-4o', costUsd: 0.5, inputTokens: 10, outputTokens: 4, spendKeys: [], rateKeys: [], ...extra,
});

function counters(events: UsageEvent[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const e of events) addUsageCounters(e, (k, v) => { if (v > 0) m.set(k, (m.get(k) ?? 0) + v); });
  return m;
}

test('one request adds spend, tokens and a request count for each dimension it has', () => {
  const at = 1000 * HOUR + 5;
  const seen: Array<[string, number, number]> = [];
  addUsageCounters(event(at), (k, v, exp) => seen.push([k, v, exp]));
  const h = 1000;
  assert.deepEqual(seen.map(([k, v]) => [k, v]), [
    [`use/${h}/key/k1/spend_usd`, 0.5], [`use/${h}/key/k1/input_tokens`, 10], [`use/${h}/key/k1/output_tokens`, 4], [`use/${h}/key/k1/requests`, 1],
    [`use/${h}/team/team%2Fa/spend_usd`, 0.5], [`use/${h}/team/team%2Fa/input_tokens`, 10], [`use/${h}/team/team%2Fa/output_tokens`, 4], [`use/${h}/team/team%2Fa/requests`, 1],
    [`use/${h}/model/openai%2Fgpt-4o/spend_usd`, 0.5], [`use/${h}/model/openai%2Fgpt-4o/input_tokens`, 10], [`use/${h}/model/openai%2Fgpt-4o/output_tokens`, 4], [`use/${h}/model/openai%2Fgpt-4o/requests`, 1],
    [`use/${h}/provider/openai/spend_usd`, 0.5], [`use/${h}/provider/openai/input_tokens`, 10], [`use/${h}/provider/openai/output_tokens`, 4], [`use/${h}/provider/openai/requests`, 1],
  ]);
  assert.ok(seen.every(([, , exp]) => exp > at + 365 * 24 * HOUR));
});

test('requests in consecutive hours land in their own hour, also for a value seen before', () => {
  const start = 2000 * HOUR;
  const m = counters([event(start + 1), event(start + HOUR - 1), event(start + HOUR), event(start + 2 * HOUR + 7, { teamId: 'team/b' })]);
  const rows = queryUsage(m, { groupBy: 'team', granularity: 'hour' });
  const byPeriod = rows.map((r) => [r.period, r.team, r.requests, r.spend_usd]);
  assert.deepEqual(byPeriod, [
    [new Date(start).toISOString(), 'team/a', 2, 1],
    [new Date(start + HOUR).toISOString(), 'team/a', 1, 0.5],
    [new Date(start + 2 * HOUR).toISOString(), 'team/b', 1, 0.5],
  ]);
});
