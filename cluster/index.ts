/**
 * The cluster layer's one door. The gateway uses createClusterAgent() and the ClusterAgent interface;
 * nothing here imports from src/.
 */
import './polyfill.js';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Agent } from './agent.js';
import { loadOrCreatePeerKey } from './net/peer-key.js';
import { resolveOptions } from './options.js';
import { ClusterStore } from './store.js';
import type { ClusterAgent, ClusterOptions } from './types.js';

export type {
  ClusterAgent,
  ClusterOptions,
  ClusterMetricsSnapshot,
  ClusterLogger,
  ChangeKind,
  LogLevel,
  MemberInfo,
  MemberState,
} from './types.js';
export type { StatsWindowView } from './crdt/index.js';
export { parseClusterKey } from './key.js';

/**
 * Creates (does not start) the agent: loads or creates the peer key and opens the lmdb state in
 * `${dataDir}/cluster/`. All CRDT methods work right away; start() joins the network.
 */
export async function createClusterAgent(opts: ClusterOptions): Promise<ClusterAgent> {
  const resolved = resolveOptions(opts);
  const clusterDir = join(resolved.dataDir, 'cluster');
  mkdirSync(clusterDir, { recursive: true, mode: 0o700 });
  const privateKey = await loadOrCreatePeerKey(clusterDir);
  const nodeId = peerIdFromPrivateKey(privateKey).toString();
  const store = new ClusterStore(clusterDir);
  return new Agent(resolved, privateKey, nodeId, store);
}
