import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NO_COOLDOWNS, availableKeys, clearCooldown, coolDown, isCoolingDown, nextAvailableAt, pruneCooldowns } from '../../src/routing/index.js';

const T = 1_000_000;

test('a key is cooling down until exactly its end time', () => {
  const s = coolDown(NO_COOLDOWNS, 'k1', T + 500);
  assert.equal(NO_COOLDOWNS.size, 0); // the input is not mutated
  assert.equal(isCoolingDown(s, 'k1', T), true);
  assert.equal(isCoolingDown(s, 'k1', T + 499), true);
  assert.equal(isCoolingDown(s, 'k1', T + 500), false);
  assert.equal(isCoolingDown(s, 'k2', T), false);
});

test('a longer cooldown is never shortened; invalid ends are ignored', () => {
  const s = coolDown(NO_COOLDOWNS, 'k1', T + 5000);
  assert.equal(coolDown(s, 'k1', T + 100), s);
  assert.equal(coolDown(s, 'k1', Number.NaN), s);
  assert.equal(coolDown(s, 'k1', T + 9000).get('k1'), T + 9000);
});

test('availableKeys keeps order; nextAvailableAt finds the soonest', () => {
  let s = coolDown(NO_COOLDOWNS, 'b', T + 300);
  s = coolDown(s, 'c', T + 100);
  const keys = ['a', 'b', 'c'];
  assert.deepEqual(availableKeys(keys, s, T), ['a']);
  assert.equal(nextAvailableAt(keys, s, T), T);
  assert.deepEqual(availableKeys(['b', 'c'], s, T), []);
  assert.equal(nextAvailableAt(['b', 'c'], s, T), T + 100);
  assert.deepEqual(availableKeys(keys, s, T + 100), ['a', 'c']);
  assert.equal(nextAvailableAt([], s, T), null);
});

test('clear and prune', () => {
  let s = coolDown(NO_COOLDOWNS, 'a', T + 10);
  s = coolDown(s, 'b', T + 20);
  assert.deepEqual([...pruneCooldowns(s, T + 10)], [['b', T + 20]]);
  assert.equal(pruneCooldowns(s, T), s);
  assert.deepEqual([...clearCooldown(s, 'a')], [['b', T + 20]]);
  assert.equal(clearCooldown(s, 'zzz'), s);
});
