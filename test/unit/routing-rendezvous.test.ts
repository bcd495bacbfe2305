import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { pickOwner, rankMembers, rendezvousScore } from '../../src/routing/index.js';

test('score is the first 64 bits of SHA-256(key NUL member): identical in every process', () => {
  // printf 'k\0m' | sha256sum → 0a782b3d3de18bc8...
  assert.equal(rendezvousScore('k', 'm'), 0x0a782b3d3de18bc8n);
  assert.notEqual(rendezvousScore('ab', 'c'), rendezvousScore('a', 'bc'));
});

test('pickOwner: exact owner, order-independent, empty → null', () => {
  const members = ['node-a', 'node-b', 'node-c'];
  assert.equal(pickOwner('openai/gpt-4o#0', members), 'node-a');
  assert.deepEqual(rankMembers('openai/gpt-4o#0', members), ['node-a', 'node-c', 'node-b']);
  assert.equal(pickOwner('openai/gpt-4o#0', [...members].reverse()), 'node-a');
  assert.equal(pickOwner('openai/gpt-4o#0', ['node-a', 'node-a', 'node-b', 'node-c']), 'node-a');
  assert.equal(pickOwner('x', []), null);
  assert.equal(pickOwner('x', ['only']), 'only');
});

test('property: deterministic and independent of member order', () => {
  fc.assert(
    fc.property(fc.string(), fc.uniqueArray(fc.string({ minLength: 1 }), { minLength: 1, maxLength: 10 }), (key, members) => {
      const owner = pickOwner(key, members);
      assert.equal(pickOwner(key, [...members].reverse()), owner);
      assert.equal(pickOwner(key, new Set(members)), owner);
      assert.equal(rankMembers(key, members)[0], owner);
      assert.deepEqual([...rankMembers(key, members)].sort(), [...members].sort());
    }),
  );
});

test('roughly uniform: 8000 keys over 4 members', () => {
  const members = ['n0', 'n1', 'n2', 'n3'];
  const counts = new Map<string, number>(members.map((m) => [m, 0]));
  for (let i = 0; i < 8000; i++) {
    const o = pickOwner(`deployment-${i}`, members)!;
    counts.set(o, counts.get(o)! + 1);
  }
  for (const [m, c] of counts) assert.ok(c > 1800 && c < 2200, `${m} owns ${c} of 8000`);
});

test('property: when a member leaves, only the keys it owned move', () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.string({ minLength: 1, maxLength: 12 }), { minLength: 2, maxLength: 8 }),
      fc.nat(),
      fc.array(fc.string(), { minLength: 1, maxLength: 30 }),
      (members, leaverIndex, keys) => {
        const leaver = members[leaverIndex % members.length]!;
        const rest = members.filter((m) => m !== leaver);
        for (const k of keys) {
          const before = pickOwner(k, members);
          const after = pickOwner(k, rest);
          if (before !== leaver) assert.equal(after, before);
          else assert.equal(after, rankMembers(k, members)[1]); // the runner-up takes over
        }
      },
    ),
  );
});
