import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import {
  AuditLog,
  GENESIS_HASH,
  appendEntry,
  canonicalJson,
  entryHash,
  isSecretField,
  maskSecrets,
  verify,
  verifyChain,
  type AuditEntry,
} from '../../src/governance/index.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');

function build(n: number): AuditEntry[] {
  let t = T0;
  const log = new AuditLog(() => (t += 1000));
  for (let i = 0; i < n; i++) log.append({ actor: `user:u${i % 3}`, action: 'keys.update', target: `key:k${i}`, before: { rpm: i }, after: { rpm: i + 1 } });
  return [...log.entries()];
}

test('canonical JSON sorts keys at every depth and follows JSON rules', () => {
  assert.equal(canonicalJson({ b: 1, a: [3, { d: 1, c: undefined }, undefined], e: NaN, f: 'x' }), '{"a":[3,{"d":1},null],"b":1,"e":null,"f":"x"}');
  assert.equal(canonicalJson(new Date(T0)), '"2026-01-01T00:00:00.000Z"');
});

test('first entry links to the genesis hash; hash is sha256 of the canonical body', () => {
  const e = appendEntry(null, { actor: 'user:alice', action: 'keys.create', target: 'key:k1', after: { name: 'ci' } }, T0);
  assert.equal(e.seq, 1);
  assert.equal(e.at, '2026-01-01T00:00:00.000Z');
  assert.equal(e.prevHash, GENESIS_HASH);
  assert.equal(e.before, null);
  const body = '{"action":"keys.create","actor":"user:alice","after":{"name":"ci"},"at":"2026-01-01T00:00:00.000Z","before":null,"prevHash":"' + GENESIS_HASH + '","seq":1,"target":"key:k1"}';
  assert.equal(e.hash, createHash('sha256').update(body).digest('hex'));
  const e2 = appendEntry(e, { actor: 'user:alice', action: 'keys.revoke', target: 'key:k1' }, T0 + 1);
  assert.equal(e2.seq, 2);
  assert.equal(e2.prevHash, e.hash);
});

test('secrets are masked by field name (any casing) and by shape, before hashing', () => {
  const masked = maskSecrets({
    name: 'openai',
    api_key: 'sk-live-abc',
    apiKey: 'x',
    'X-Api-Key': 'y',
    nested: { secret: { deep: 1 }, token: 't', password: 'p', aws_secret_access_key: 'z', client_secret: 'c', refresh_token: 'r', key: 'k' },
    list: [{ token: 'a' }, 'Bearer sk-sy-ABCDEFGHIJKLMNOPQRSTUV rest'],
    accessKeyId: 'AKIAABCDEFGHIJKLMNOP',
    tokenHash: 'h',
    max_tokens: 5,
    keyId: 'k_1',
    token_missing: null,
  });
  assert.deepEqual(masked, {
    name: 'openai',
    api_key: '***',
    apiKey: '***',
    'X-Api-Key': '***',
    nested: { secret: '***', token: '***', password: '***', aws_secret_access_key: '***', client_secret: '***', refresh_token: '***', key: '***' },
    list: [{ token: '***' }, 'Bearer *** rest'],
    accessKeyId: '***',
    tokenHash: 'h',
    max_tokens: 5,
    keyId: 'k_1',
    token_missing: null,
  });
  assert.equal(isSecretField('keyId'), false);
  const e = appendEntry(null, { actor: 'a', action: 'providers.write', target: 'provider:openai', after: { api_key: 'sk-secret-value-123456789' } }, T0);
  assert.deepEqual(e.after, { api_key: '***' });
  assert.equal(JSON.stringify(e).includes('sk-secret'), false);
});

test('a clean chain verifies; partial chains verify from an anchor; truncation is caught against the head', () => {
  const chain = build(10);
  assert.equal(verify(chain), null);
  assert.equal(verify([]), null);
  const v = verifyChain(chain);
  assert.deepEqual(v, { ok: true, count: 10, head: { seq: 10, hash: chain[9]!.hash } });
  assert.equal(verify(chain.slice(4), { seq: 4, hash: chain[3]!.hash }), null);
  assert.equal(verify(chain.slice(4)), 1); // without the anchor, seq 5 is not where a chain starts
  assert.deepEqual(verifyChain(chain.slice(0, 8), undefined, { seq: 10, hash: chain[9]!.hash }), { ok: false, seq: 9, reason: 'head' });
});

test('each kind of tampering is reported at the right seq', () => {
  const chain = build(6);
  const edited = chain.map((e) => ({ ...e }));
  edited[2] = { ...edited[2]!, after: { rpm: 999 } };
  assert.deepEqual(verifyChain(edited), { ok: false, seq: 3, reason: 'hash' });
  // editor recomputes the hash: the next link breaks
  const rehashed = chain.map((e) => ({ ...e }));
  const { hash: _h, ...body } = { ...rehashed[2]!, actor: 'user:mallory' };
  rehashed[2] = { ...body, hash: entryHash(body) };
  assert.deepEqual(verifyChain(rehashed), { ok: false, seq: 4, reason: 'prev_hash' });
  // deletion and reordering
  assert.deepEqual(verifyChain([...chain.slice(0, 2), ...chain.slice(3)]), { ok: false, seq: 3, reason: 'seq' });
  assert.deepEqual(verifyChain([chain[0]!, chain[2]!, chain[1]!]), { ok: false, seq: 2, reason: 'seq' });
});

test('property: changing any field of any entry is detected at or right after that entry', () => {
  const chain = build(8);
  const fields = ['seq', 'at', 'actor', 'action', 'target', 'before', 'after', 'prevHash', 'hash'] as const;
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 7 }), fc.constantFrom(...fields), fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.object()), (i, field, value) => {
      const original = chain[i]![field];
      fc.pre(canonicalJson(value) !== canonicalJson(original));
      const tampered = chain.map((e) => ({ ...e }));
      (tampered[i] as Record<string, unknown>)[field] = value;
      const broken = verify(tampered);
      assert.ok(broken !== null, `${field}@${i + 1} undetected`);
      assert.equal(broken, i + 1, `${field}@${i + 1} reported at ${broken}`);
    }),
    { numRuns: 500 },
  );
});

test('AuditLog continues an existing chain from its head', () => {
  const first = build(3);
  const head = { seq: 3, hash: first[2]!.hash };
  const log = new AuditLog(() => T0 + 99, head);
  const e = log.append({ actor: 'a', action: 'teams.write', target: 'team:t' });
  assert.equal(e.seq, 4);
  assert.equal(e.prevHash, head.hash);
  assert.equal(log.verify(), null);
  assert.equal(verify([...first, e]), null);
});
