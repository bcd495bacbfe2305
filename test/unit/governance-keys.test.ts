import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import {
  KeyIndex,
  authError,
  displayPrefix,
  extractKey,
  generateKey,
  hashKey,
  hashesEqual,
  isVirtualKeyFormat,
  randomBase62,
  verifyKey,
  type VirtualKey,
} from '../../src/governance/index.js';

test('generated keys have the sk-sy- shape, 43 base62 chars, and are unique', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const g = generateKey();
    assert.match(g.key, /^sk-sy-[0-9A-Za-z]{43}$/);
    assert.equal(isVirtualKeyFormat(g.key), true);
    assert.equal(g.prefix, g.key.slice(0, 10));
    assert.equal(g.hash, createHash('sha256').update(g.key).digest('hex'));
    assert.equal(g.hash.includes(g.key.slice(6)), false);
    seen.add(g.key);
  }
  assert.equal(seen.size, 200);
});

test('randomBase62 rejects biased bytes (>= 248) instead of folding them', () => {
  // 248..255 must be skipped; 0 -> '0', 61 -> 'z', 62 -> '0', 247 -> 247 % 62 = 61 -> 'z'
  const feed = [Buffer.from([248, 255, 0, 61, 62, 247])];
  const s = randomBase62(4, () => feed.shift() ?? Buffer.from([1, 1, 1, 1]));
  assert.equal(s, '0z0z');
});

test('hashKey is SHA-256 hex; displayPrefix is the first 10 chars', () => {
  assert.equal(hashKey('sk-sy-abc'), createHash('sha256').update('sk-sy-abc').digest('hex'));
  assert.equal(displayPrefix('sk-sy-ABCDEFGHIJ'), 'sk-sy-ABCD');
});

test('hashesEqual / verifyKey: equal digests only, non-hex inputs are false', () => {
  const { key, hash } = generateKey();
  assert.equal(verifyKey(key, hash), true);
  assert.equal(verifyKey(key + 'x', hash), false);
  assert.equal(hashesEqual(hash, hash.toUpperCase()), false);
  assert.equal(hashesEqual(hash, hash.slice(0, 62)), false);
  assert.equal(hashesEqual('zz'.repeat(32), 'zz'.repeat(32)), false);
});

test('isVirtualKeyFormat rejects other shapes', () => {
  for (const bad of ['sk-sy-short', 'sk-abc' + 'a'.repeat(40), 'sk-sy-' + 'a'.repeat(31), 'sk-sy-' + 'a'.repeat(40) + '!', ''])
    assert.equal(isVirtualKeyFormat(bad), false, bad);
  assert.equal(isVirtualKeyFormat('sk-sy-' + 'a'.repeat(32)), true);
});

test('extractKey: each SDK header, precedence, malformed headers skipped', () => {
  assert.equal(extractKey({ authorization: 'Bearer sk-sy-1' }), 'sk-sy-1');
  assert.equal(extractKey({ authorization: 'bearer   sk-sy-1  ' }), 'sk-sy-1');
  assert.equal(extractKey({ xApiKey: 'sk-sy-2' }), 'sk-sy-2');
  assert.equal(extractKey({ xGoogApiKey: 'sk-sy-3' }), 'sk-sy-3');
  assert.equal(extractKey({ apiKey: ' sk-sy-4 ' }), 'sk-sy-4');
  assert.equal(extractKey({ authorization: 'Bearer A', xApiKey: 'B', xGoogApiKey: 'C', apiKey: 'D' }), 'A');
  assert.equal(extractKey({ xApiKey: 'B', xGoogApiKey: 'C', apiKey: 'D' }), 'B');
  assert.equal(extractKey({ authorization: 'Basic dXNlcjpwYXNz', xApiKey: 'B' }), 'B');
  assert.equal(extractKey({ authorization: 'Bearer', apiKey: 'D' }), 'D');
  assert.equal(extractKey({ authorization: 'Bearer a b' }), null);
  assert.equal(extractKey({ authorization: '', xApiKey: '  ' }), null);
  assert.equal(extractKey({}), null);
});

test('property: extractKey returns exactly the bearer token for any base62 key', () => {
  fc.assert(
    fc.property(fc.stringMatching(/^[0-9A-Za-z]{1,60}$/), (tok) => {
      assert.equal(extractKey({ authorization: `Bearer ${tok}` }), tok);
    }),
  );
});

function vk(over: Partial<VirtualKey> & { hash: string }): VirtualKey {
  return { id: 'k1', name: 'k', prefix: 'sk-sy-xxxx', active: true, budgets: [], limits: {}, metadata: {}, createdAt: 0, ...over };
}

test('KeyIndex.authenticate: ok, missing, unknown, revoked, expired (boundary inclusive)', () => {
  const a = generateKey();
  const b = generateKey();
  const c = generateKey();
  const idx = new KeyIndex([
    vk({ id: 'a', hash: a.hash }),
    vk({ id: 'b', hash: b.hash, active: false }),
    vk({ id: 'c', hash: c.hash, expiresAt: 1000 }),
  ]);
  const ok = idx.authenticate(a.key, 5);
  assert.equal(ok.ok && ok.key.id, 'a');
  assert.deepEqual(idx.authenticate(null, 5), { ok: false, reason: 'missing' });
  assert.deepEqual(idx.authenticate(generateKey().key, 5), { ok: false, reason: 'unknown' });
  assert.deepEqual(idx.authenticate(b.key, 5), { ok: false, reason: 'revoked' });
  assert.equal(idx.authenticate(c.key, 999).ok, true);
  assert.deepEqual(idx.authenticate(c.key, 1000), { ok: false, reason: 'expired' });
});

test('authError is a 401 that never echoes a key', () => {
  const e = authError('unknown');
  assert.equal(e.status, 401);
  assert.equal(e.type, 'authentication_error');
  assert.equal(e.code, 'invalid_api_key');
  assert.equal(authError('expired').code, 'key_expired');
  assert.equal(authError('missing').code, 'missing_api_key');
});
