/**
 * Gossip validation: malformed, oversized, wrong-version and semantically invalid payloads are
 * rejected with the right reason; valid ones pass. Plus cluster key parsing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pack } from 'msgpackr';
import { parseClusterKey } from '../../cluster/index.js';
import { TOPICS } from '../../cluster/net/topics.js';
import { validateGossip } from '../../cluster/net/validate-gossip.js';
import { encode } from '../../cluster/wire/index.js';

const ME = '12D3KooWMe';
const OTHER = '12D3KooWOther';
const MY_ORIGIN = `${ME}~3`; // counter/stats origin: peer id ~ incarnation
const limits = { maxMessageBytes: 1024, statsBucketMs: 1000 };
const NOW = 1_700_000_000_000;
const check = (topic: string, body: unknown, from = ME) => validateGossip(topic, encode(body), from, limits, NOW);
const reason = (r: ReturnType<typeof validateGossip>) => (r.ok ? 'ok' : r.reason);

const hb = { v: 1, t: 'hb', version: '0.1.0', http: 'http://10.0.0.1:8080', load: 0.5, sentAt: NOW, addrs: ['/ip4/10.0.0.1/tcp/7946'] };

test('valid messages on each topic are accepted and typed', () => {
  const r = check(TOPICS.members, hb);
  assert.equal(r.ok, true);
  assert.deepEqual(r.ok && r.message, { topic: 'members', message: hb });
  assert.equal(reason(check(TOPICS.counters, { v: 1, t: 'ctr', sentAt: NOW, records: [['spend:vk', MY_ORIGIN, 1.25, 0]] })), 'ok');
  assert.equal(reason(check(TOPICS.stats, { v: 1, t: 'st', sentAt: NOW, records: [[MY_ORIGIN, 'p/m', NOW - (NOW % 1000), 3, [1, 0, 250.5]]] })), 'ok');
  assert.equal(reason(check(TOPICS.config, { v: 1, t: 'cfg', sentAt: NOW, records: [['provider:a', { w: 1 }, NOW, 0, ME], ['provider:b', null, NOW, 1, ME]] })), 'ok');
});

test('malformed payloads are rejected as malformed', () => {
  assert.equal(reason(validateGossip(TOPICS.members, new Uint8Array([0xc1, 0xff, 0x00]), ME, limits, NOW)), 'malformed');
  assert.equal(reason(validateGossip(TOPICS.members, new Uint8Array([]), ME, limits, NOW)), 'malformed');
  assert.equal(reason(check(TOPICS.members, [1, 2, 3])), 'malformed');
  assert.equal(reason(check(TOPICS.members, 'hello')), 'malformed');
  assert.equal(reason(check(TOPICS.members, { ...hb, load: -1 })), 'malformed');
  assert.equal(reason(check(TOPICS.members, { ...hb, addrs: 'x' })), 'malformed');
  assert.equal(reason(check(TOPICS.members, { ...hb, t: 'ctr' })), 'malformed');
  assert.equal(reason(check(TOPICS.counters, { v: 1, t: 'ctr', sentAt: NOW, records: [['spend', MY_ORIGIN, -5, 0]] })), 'malformed');
  assert.equal(reason(check(TOPICS.counters, { v: 1, t: 'ctr', sentAt: NOW, records: [['spend', MY_ORIGIN, 'NaN', 0]] })), 'malformed');
  assert.equal(reason(check(TOPICS.counters, { v: 1, t: 'ctr', sentAt: NOW, records: [['x'.repeat(513), MY_ORIGIN, 1, 0]] })), 'malformed');
  assert.equal(reason(check(TOPICS.counters, { v: 1, t: 'ctr', sentAt: NOW, records: [['', MY_ORIGIN, 1, 0]] })), 'malformed');
  assert.equal(reason(check(TOPICS.stats, { v: 1, t: 'st', sentAt: NOW, records: [[MY_ORIGIN, 'k', 1000, 0, [1]]] })), 'malformed');
  assert.equal(reason(check(TOPICS.config, { v: 1, t: 'cfg', sentAt: NOW, records: [['id', undefined, NOW, 0, ME]] })), 'malformed');
});

test('oversized payloads are rejected before decoding', () => {
  const big = pack({ ...hb, version: 'x'.repeat(2000) });
  assert.equal(reason(validateGossip(TOPICS.members, big, ME, limits, NOW)), 'oversized');
});

test('wrong wire version is rejected as version', () => {
  assert.equal(reason(check(TOPICS.members, { ...hb, v: 2 })), 'version');
  assert.equal(reason(check(TOPICS.members, { ...hb, v: undefined })), 'version');
});

test('records claiming another origin, misaligned buckets and far-future clocks are invalid', () => {
  assert.equal(reason(check(TOPICS.counters, { v: 1, t: 'ctr', sentAt: NOW, records: [['spend', `${OTHER}~1`, 100, 0]] })), 'invalid');
  assert.equal(reason(check(TOPICS.counters, { v: 1, t: 'ctr', sentAt: NOW, records: [['spend', ME, 100, 0]] })), 'invalid');
  assert.equal(reason(check(TOPICS.counters, { v: 1, t: 'ctr', sentAt: NOW, records: [['spend', `${ME}x~1`, 100, 0]] })), 'invalid');
  assert.equal(reason(check(TOPICS.stats, { v: 1, t: 'st', sentAt: NOW, records: [[`${OTHER}~1`, 'k', 1000, 1, [1]]] })), 'invalid');
  assert.equal(reason(check(TOPICS.stats, { v: 1, t: 'st', sentAt: NOW, records: [[MY_ORIGIN, 'k', 1500, 1, [1]]] })), 'invalid');
  assert.equal(reason(check(TOPICS.config, { v: 1, t: 'cfg', sentAt: NOW, records: [['id', 1, NOW, 0, OTHER]] })), 'invalid');
  assert.equal(reason(check(TOPICS.config, { v: 1, t: 'cfg', sentAt: NOW, records: [['id', 1, NOW + 2 * 3600_000, 0, ME]] })), 'invalid');
  assert.equal(reason(validateGossip('/other/topic', encode(hb), ME, limits, NOW)), 'unknown-topic');
});

test('parseClusterKey accepts 64 hex chars or a swarm key file, and never echoes bad input', () => {
  const hex = 'ab'.repeat(32);
  assert.deepEqual(parseClusterKey(`${hex}\n`), new Uint8Array(32).fill(0xab));
  assert.deepEqual(parseClusterKey(`/key/swarm/psk/1.0.0/\n/base16/\n${hex}\n`), new Uint8Array(32).fill(0xab));
  for (const bad of ['', 'abc', 'zz'.repeat(32), 'ab'.repeat(33), `/key/swarm/psk/1.0.0/\n/base64/\n${hex}`]) {
    assert.throws(
      () => parseClusterKey(bad),
      (err: Error) => /invalid cluster key: expected 64 hex characters/.test(err.message) && (bad === '' || !err.message.includes(bad)),
    );
  }
});
