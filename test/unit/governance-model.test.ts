import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayError } from '../../src/core/errors.js';
import { parseBudget, parseTeam, parseVirtualKey, validateCustomer, validateUser, validateVirtualKey } from '../../src/governance/index.js';

const HASH = 'a'.repeat(64);
const base = { id: 'k1', name: 'ci', hash: HASH, prefix: 'sk-sy-abcd', active: true, createdAt: 1_700_000_000_000 };

test('a minimal virtual key gets defaults for budgets, limits and metadata', () => {
  assert.deepEqual(parseVirtualKey(base), { ...base, budgets: [], limits: {}, metadata: {} });
});

test('a full virtual key round-trips', () => {
  const full = {
    ...base,
    expiresAt: 1_800_000_000_000,
    allowedModels: ['openai/*', '*/gpt-4o*', 'claude-3-5-sonnet'],
    allowedProviders: ['openai'],
    teamId: 't1',
    customerId: 'c1',
    budgets: [{ amountUsd: 10, period: '1d', calendarAligned: true }, { amountUsd: 2.5, period: '1M', provider: 'openai' }],
    limits: { rpm: 60, tpm: 100_000, maxConcurrent: 4 },
    metadata: { owner: 'ci' },
  };
  assert.deepEqual(parseVirtualKey(full), full);
});

test('validation errors name the field', () => {
  const r = validateVirtualKey({ ...base, budgets: [{ amountUsd: -1, period: '2d' }], limits: { rpm: 0 }, hash: 'nope' });
  assert.equal(r.ok, false);
  assert.deepEqual(!r.ok && r.errors.sort(), [
    'budgets[0].amountUsd: must not be negative',
    'budgets[0].period: must be one of 1m, 1h, 1d, 1w, 1M, 1Y',
    'hash: must be a lower-case hex SHA-256 digest',
    'limits.rpm: must be greater than 0',
  ]);
});

test('unknown fields (typos) are rejected by name; missing fields are "required"', () => {
  const r = validateVirtualKey({ ...base, allowed_models: ['x'] });
  assert.deepEqual(r, { ok: false, errors: ['allowed_models: unknown field'] });
  const { createdAt: _c, ...noCreated } = base;
  assert.deepEqual(validateVirtualKey(noCreated), { ok: false, errors: ['createdAt: is required'] });
  assert.deepEqual(validateVirtualKey({ ...base, allowedModels: ['gpt 4'] }), { ok: false, errors: ['allowedModels[0]: must not contain whitespace'] });
});

test('parse throws a 400 GatewayError with param = first offending field', () => {
  assert.throws(
    () => parseBudget({ amountUsd: 5, period: '1d', calendarAligned: 'yes' }),
    (e: unknown) =>
      e instanceof GatewayError &&
      e.status === 400 &&
      e.param === 'calendarAligned' &&
      e.code === 'invalid_budget' &&
      e.message === 'invalid budget: calendarAligned: Expected boolean, received string',
  );
  assert.throws(
    () => parseTeam({ id: 't', name: 'T', budgets: [{ amountUsd: 1, period: '1d', foo: 1 }] }),
    (e: unknown) => e instanceof GatewayError && e.param === 'budgets[0].foo' && e.message === 'invalid team: budgets[0].foo: unknown field',
  );
});

test('customers and users', () => {
  assert.deepEqual(validateCustomer({ id: 'c', name: 'Acme' }), { ok: true, value: { id: 'c', name: 'Acme', budgets: [] } });
  assert.deepEqual(validateUser({ id: 'u', name: 'U', role: 'root', tokenHash: HASH }), { ok: false, errors: ['role: must be one of admin, editor, viewer'] });
  assert.equal(validateUser({ id: 'u', name: 'U', role: 'viewer', tokenHash: HASH }).ok, true);
});
