/** Membership: who the dialer keeps trying (live members, and dead ones for an hour after they went silent). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Membership } from '../../cluster/membership.js';
import type { Heartbeat } from '../../cluster/wire/index.js';

const hb = (addr: string, sentAt: number) => ({ v: 1, addrs: [addr], version: 't', http: 'http://x', sentAt, load: 0 }) as unknown as Heartbeat;

test('dead members stay dial targets for an hour after their last heartbeat, then are left alone', () => {
  const m = new Membership('self', { version: 't', httpAddress: 'http://self' }, 500, 1500);
  const t0 = 1_000_000;
  m.heartbeat('gone', hb('/ip4/10.0.0.1/tcp/1', t0), t0);
  m.heartbeat('here', hb('/ip4/10.0.0.2/tcp/1', t0), t0);
  const ids = (now: number) => m.dialTargets(now).map((x) => x.nodeId).sort();

  m.tick(t0 + 2_000);
  assert.equal(m.stateOf('gone'), 'dead');
  assert.deepEqual(ids(t0 + 2_000), ['gone', 'here']);
  assert.deepEqual(m.dialTargets(t0 + 2_000).find((x) => x.nodeId === 'gone')?.addresses, ['/ip4/10.0.0.1/tcp/1']);

  // 'here' keeps sending heartbeats; 'gone' stays silent past the hour.
  const later = t0 + 60 * 60_000 + 1;
  m.heartbeat('here', hb('/ip4/10.0.0.2/tcp/1', later), later);
  m.tick(later);
  assert.deepEqual(ids(later), ['here']);
  // A heartbeat from it again makes it a target again (and alive).
  m.heartbeat('gone', hb('/ip4/10.0.0.1/tcp/1', later + 10), later + 10);
  assert.deepEqual(ids(later + 10), ['gone', 'here']);
  assert.equal(m.stateOf('gone'), 'alive');
});
