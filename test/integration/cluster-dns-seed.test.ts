/**
 * DNS seeds and insecure mode: a node knowing only the name "localhost" and the seed port dials
 * every address the name resolves to (without a peer id), learns who answered, and joins.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClusterAgent, type ClusterLogger } from '../../cluster/index.js';
import { waitFor } from './cluster-harness/spawn-node.js';

test('insecure nodes join through a DNS seed name and replicate', { timeout: 30_000 }, async () => {
  const dirs = [mkdtempSync(join(tmpdir(), 'sy-cluster-dns-')), mkdtempSync(join(tmpdir(), 'sy-cluster-dns-'))];
  const warnings: string[] = [];
  const log: ClusterLogger = (level, msg) => {
    if (level === 'warn') warnings.push(msg);
  };
  const base = { host: '127.0.0.1', insecure: true, heartbeatMs: 200, log, node: { version: 't', httpAddress: 'http://127.0.0.1:1' } };
  const a = await createClusterAgent({ ...base, dataDir: dirs[0]!, port: 0 });
  await a.start();
  const seedPort = Number(/\/tcp\/(\d+)\//.exec(a.listenAddresses[0]!)![1]);
  const b = await createClusterAgent({ ...base, dataDir: dirs[1]!, port: 0, seedDns: ['localhost'], seedPort });
  try {
    await b.start();
    assert.equal(a.networked, true);
    assert.ok(warnings.some((w) => w.includes('INSECURE')), 'insecure mode is announced loudly');
    await waitFor('both alive', async () => a.members().filter((m) => m.state === 'alive').length === 2 && b.members().filter((m) => m.state === 'alive').length === 2);
    b.addCounter('requests', 2);
    a.setConfig('team:1', { name: 'one' });
    await waitFor('replicated', async () => a.counter('requests') === 2 && b.getConfig('team:1') !== undefined);
    assert.deepEqual(b.getConfig('team:1'), { name: 'one' });
    assert.deepEqual(
      b.members().map((m) => m.nodeId).sort(),
      [a.nodeId, b.nodeId].sort(),
    );
  } finally {
    await b.stop();
    await a.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
});
