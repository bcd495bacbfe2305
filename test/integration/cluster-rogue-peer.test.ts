/**
 * A peer that holds the cluster key but speaks garbage: a raw libp2p node publishes malformed,
 * oversized, wrong-version and forged payloads straight onto the gossip topics and the sync
 * protocol. The agent drops and counts each one, applies none, keeps working, and still accepts
 * the one valid message.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair } from '@libp2p/crypto/keys';
import type { PrivateKey } from '@libp2p/interface';
import { multiaddr } from '@multiformats/multiaddr';
import { pack } from 'msgpackr';
import { createClusterAgent } from '../../cluster/index.js';
import { createNode } from '../../cluster/net/libp2p-node.js';
import { SYNC_PROTOCOL, TOPICS } from '../../cluster/net/topics.js';
import { resolveOptions } from '../../cluster/options.js';
import { waitFor } from './cluster-harness/spawn-node.js';

test('malformed, oversized, wrong-version and forged messages are dropped and counted, never applied', { timeout: 30_000 }, async () => {
  const key = randomBytes(32);
  const dir = mkdtempSync(join(tmpdir(), 'sy-cluster-rogue-'));
  const agent = await createClusterAgent({
    dataDir: dir,
    host: '127.0.0.1',
    port: 0,
    key,
    maxMessageBytes: 1024,
    node: { version: 'test', httpAddress: 'http://127.0.0.1:1' },
  });
  await agent.start();
  const rogueOpts = resolveOptions({ dataDir: dir, host: '127.0.0.1', port: 0, key, node: { version: 'x', httpAddress: '' } });
  const rogue = await createNode(rogueOpts, (await generateKeyPair('Ed25519')) as unknown as PrivateKey, {});
  try {
    await rogue.start();
    for (const topic of Object.values(TOPICS)) rogue.services.pubsub.subscribe(topic);
    await rogue.dial(multiaddr(agent.listenAddresses[0]!));
    await waitFor('agent subscribed as seen by rogue', async () =>
      Object.values(TOPICS).every((t) => rogue.services.pubsub.getSubscribers(t).some((p) => p.toString() === agent.nodeId)),
    );
    const rogueId = rogue.peerId.toString();
    const now = Date.now();
    const publish = (topic: string, bytes: Uint8Array) => rogue.services.pubsub.publish(topic, bytes);

    await publish(TOPICS.counters, new Uint8Array([0xc1, 0x00, 0xff])); // not msgpack
    await publish(TOPICS.members, pack({ v: 1, t: 'hb', version: 'x'.repeat(2000), http: '', load: 0, sentAt: now, addrs: [] })); // > 1024 bytes
    await publish(TOPICS.counters, pack({ v: 2, t: 'ctr', sentAt: now, records: [['spend', `${rogueId}~1`, 1, 0]] })); // future version
    await publish(TOPICS.counters, pack({ v: 1, t: 'ctr', sentAt: now, records: [['spend', `${agent.nodeId}~1`, 500, 0]] })); // forged origin
    await publish(TOPICS.config, pack({ v: 1, t: 'cfg', sentAt: now, records: [['provider:x', 1, now + 10 * 3600_000, 0, rogueId]] })); // far future
    await publish(TOPICS.stats, pack({ v: 1, t: 'st', sentAt: now, records: [[rogueId, 'k', 1, 1, ['a']]] })); // bad types
    await publish(TOPICS.counters, pack({ v: 1, t: 'ctr', sentAt: now, records: [['spend', `${rogueId}~1`, 5, 0]] })); // valid

    await waitFor('valid counter applied', async () => agent.counter('spend') === 5);
    await waitFor('all drops counted', async () => Object.values(agent.metrics().dropped).reduce((a, b) => a + b, 0) >= 6);
    assert.deepEqual(agent.metrics().dropped, { malformed: 2, oversized: 1, version: 1, invalid: 2 });
    assert.equal(agent.counter('spend'), 5, 'the forged 500 for the agent origin was not applied');
    assert.equal(agent.getConfig('provider:x'), undefined);
    assert.deepEqual(agent.statsKeys(), []);
    assert.equal(agent.metrics().gossipIn.counters, 1);

    // garbage on the sync protocol: the stream is dropped and counted, the agent carries on
    const stream = await rogue.dialProtocol(agent.listenAddresses.map((a) => multiaddr(a)), SYNC_PROTOCOL);
    await stream.sink([new Uint8Array([0x92, 0x01])]);
    await assert.rejects(async () => {
      for await (const _ of stream.source) {
        // the agent answers garbage by resetting the stream
      }
    }, /reset/);
    await waitFor('sync garbage counted', async () => agent.metrics().dropped.malformed === 3);

    agent.addCounter('spend', 1);
    assert.equal(agent.counter('spend'), 6);
  } finally {
    await rogue.stop();
    await agent.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
