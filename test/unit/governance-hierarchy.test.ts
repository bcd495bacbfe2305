import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  budgetExceededError,
  chain,
  check,
  exhaustedProviders,
  mapDirectory,
  resolve,
  spendTargets,
  type Customer,
  type Team,
  type VirtualKey,
} from '../../src/governance/index.js';

const DAY = Date.parse('2024-03-01T00:00:00Z');
const NOW = DAY + 6 * 3600_000; // 06:00Z

const key: VirtualKey = {
  id: 'k1',
  name: 'ci',
  hash: 'a'.repeat(64),
  prefix: 'sk-sy-abcd',
  active: true,
  teamId: 'eng',
  budgets: [
    { amountUsd: 10, period: '1d', calendarAligned: true },
    { amountUsd: 3, period: '1d', calendarAligned: true, provider: 'openai' },
    { amountUsd: 4, period: '1d', calendarAligned: true, provider: 'anthropic' },
  ],
  limits: {},
  metadata: {},
  createdAt: DAY - 1000,
};
const team: Team = { id: 'eng', name: 'Eng', customerId: 'acme', budgets: [{ amountUsd: 100, period: '1M', calendarAligned: true }], limits: {} };
const customer: Customer = { id: 'acme', name: 'Acme', budgets: [{ amountUsd: 1000, period: '1Y', calendarAligned: true }] };
const dir = mapDirectory(new Map([['eng', team]]), new Map([['acme', customer]]));

const K = {
  key: `spend:key:k1:*:1d:c:${DAY}`,
  keyOpenai: `spend:key:k1:openai:1d:c:${DAY}`,
  keyAnthropic: `spend:key:k1:anthropic:1d:c:${DAY}`,
  team: `spend:team:eng:*:1M:c:${DAY}`,
  customer: `spend:customer:acme:*:1Y:c:${Date.parse('2024-01-01T00:00:00Z')}`,
};

test('resolve: key -> team -> customer (team customer inherited); key customerId wins; dangling refs reported', () => {
  const r = resolve(key, dir);
  assert.equal(r.team?.id, 'eng');
  assert.equal(r.customer?.id, 'acme');
  assert.deepEqual(r.dangling, []);
  const other = resolve({ ...key, customerId: 'globex' }, dir);
  assert.equal(other.customer, undefined);
  assert.deepEqual(other.dangling, ['customer:globex']);
  assert.deepEqual(resolve({ ...key, teamId: 'gone' }, dir).dangling, ['team:gone']);
});

test('chain lists every applicable budget in order with its counter key', () => {
  const levels = chain(resolve(key, dir), NOW, { provider: 'openai' });
  assert.deepEqual(
    levels.map((l) => [l.level, l.entityId, l.counterKey, new Date(l.resetAt).toISOString()]),
    [
      ['key', 'k1', K.key, '2024-03-02T00:00:00.000Z'],
      ['key:provider', 'k1', K.keyOpenai, '2024-03-02T00:00:00.000Z'],
      ['team', 'eng', K.team, '2024-04-01T00:00:00.000Z'],
      ['customer', 'acme', K.customer, '2025-01-01T00:00:00.000Z'],
    ],
  );
  // without a provider, every provider budget is listed
  assert.deepEqual(chain(resolve(key, dir), NOW).map((l) => l.counterKey), [K.key, K.keyOpenai, K.keyAnthropic, K.team, K.customer]);
});

test('check returns the first exhausted level; exact fill is allowed; reservations count', () => {
  const levels = chain(resolve(key, dir), NOW, { provider: 'openai' });
  const spend = (m: Record<string, number>) => (k: string) => m[k] ?? 0;
  assert.deepEqual(check(levels, spend({}), 0, NOW), { ok: true });
  assert.deepEqual(check(levels, spend({ [K.keyOpenai]: 2 }), 1, NOW), { ok: true }); // 2 + 1 == 3 fits exactly
  const over = check(levels, spend({ [K.keyOpenai]: 2 }), 1.01, NOW);
  assert.deepEqual(over, {
    ok: false,
    level: 'key:provider',
    entityId: 'k1',
    provider: 'openai',
    limitUsd: 3,
    spentUsd: 2,
    reservedUsd: 1.01,
    counterKey: K.keyOpenai,
    resetAt: DAY + 86_400_000,
    retryAfterSeconds: 18 * 3600,
  });
  const team = check(levels, spend({ [K.team]: 100 }), 0, NOW);
  assert.equal(team.ok === false && team.level, 'team');
  const both = check(levels, spend({ [K.team]: 100, [K.key]: 10 }), 0, NOW);
  assert.equal(both.ok === false && both.level, 'key');
  const cust = check(levels, spend({ [K.customer]: 999.5 }), (k) => (k === K.customer ? 0.6 : 0), NOW);
  assert.equal(cust.ok === false && cust.level, 'customer');
  // zero budget blocks everything
  const zero = chain(resolve({ ...key, teamId: undefined, budgets: [{ amountUsd: 0, period: '1h' }] }, dir), NOW);
  assert.equal(check(zero, spend({}), 0, NOW).ok, false);
});

test('a new period starts at 0: yesterday\'s spend does not count today', () => {
  const yesterday = chain(resolve(key, dir), NOW - 86_400_000);
  const today = chain(resolve(key, dir), NOW);
  const spent = new Map<string, number>([[yesterday[0]!.counterKey, 10]]);
  assert.equal(check(yesterday, (k) => spent.get(k) ?? 0, 0, NOW - 86_400_000).ok, false);
  assert.deepEqual(check(today, (k) => spent.get(k) ?? 0, 0, NOW), { ok: true });
});

test('exhaustedProviders and spendTargets', () => {
  const levels = chain(resolve(key, dir), NOW);
  assert.deepEqual([...exhaustedProviders(levels, (k) => (k === K.keyAnthropic ? 4 : 0))], ['anthropic']);
  assert.deepEqual(spendTargets(levels, 'openai'), [K.key, K.keyOpenai, K.team, K.customer]);
  assert.deepEqual(spendTargets(levels, 'mistral'), [K.key, K.team, K.customer]);
});

test('budgetExceededError: 402 budget_exceeded naming the level', () => {
  const levels = chain(resolve(key, dir), NOW, { provider: 'openai' });
  const r = check(levels, (k) => (k === K.team ? 120 : 0), 0, NOW);
  assert.ok(!r.ok);
  const e = budgetExceededError(r);
  assert.equal(e.status, 402);
  assert.equal(e.type, 'budget_exceeded');
  assert.equal(e.param, 'team');
  assert.equal(e.retryAfter, Math.ceil((Date.parse('2024-04-01T00:00:00Z') - NOW) / 1000));
  assert.equal(e.message, "Budget exceeded: team 'eng' budget of $100.00 (spent $120.0000); resets at 2024-04-01T00:00:00.000Z");
});
