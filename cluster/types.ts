/** The public contract of the cluster layer; the gateway codes against these types only. */
import type { StatsWindowView } from './crdt/index.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type ClusterLogger = (level: LogLevel, msg: string, fields?: object) => void;

export interface ClusterOptions {
  /** The node's data dir; the cluster owns `${dataDir}/cluster/` (lmdb env + peer key). */
  dataDir: string;
  /** Listen host, default '0.0.0.0'. */
  host?: string;
  /** TCP port for libp2p, default 7946 (0 = ephemeral). */
  port?: number;
  /** 32-byte pre-shared key (pnet). Undefined => run alone unless `insecure`. */
  key?: Uint8Array;
  /** Network without pnet; local development only (logs a loud warning). */
  insecure?: boolean;
  /** Multiaddrs incl. /p2p/<id>; dialled directly, re-dialled with backoff. */
  seeds?: string[];
  /** DNS names: every A/AAAA address is dialled at `port` (the peer id is learned on connect). */
  seedDns?: string[];
  /** Port at which DNS seeds are dialled, default `port` (all nodes usually share one port). */
  seedPort?: number;
  /** Multiaddrs to announce instead of the listen addresses. */
  announce?: string[];
  /** Advertised in heartbeats. */
  node: { version: string; httpAddress: string };
  heartbeatMs?: number;
  suspectAfterMs?: number;
  deadAfterMs?: number;
  /** How often own stats/counter/config deltas are gossiped, default 100. */
  statsFlushMs?: number;
  /** Anti-entropy period, default 5000. */
  syncIntervalMs?: number;
  statsBucketMs?: number;
  /** Window length in buckets, default 60. */
  statsBuckets?: number;
  /** Largest gossip payload accepted or sent, default 256 KiB. */
  maxMessageBytes?: number;
  /** Enables partition() for tests. */
  testHooks?: boolean;
  log?: ClusterLogger;
}

export type MemberState = 'alive' | 'suspect' | 'dead';

export interface MemberInfo {
  nodeId: string;
  self: boolean;
  state: MemberState;
  addresses: string[];
  version: string;
  httpAddress: string;
  /** Local receive time (epoch ms) of the last heartbeat; for self, now. */
  lastHeartbeat: number;
  /** Receive time minus the sender's send time of the last heartbeat (includes clock skew). */
  lagMs: number;
  load: number;
}

export interface ClusterMetricsSnapshot {
  members: Record<MemberState, number>;
  /** Gossip messages received / sent, by topic. */
  gossipIn: Record<string, number>;
  gossipOut: Record<string, number>;
  /** Dropped incoming messages by reason: 'malformed' | 'oversized' | 'version' | 'invalid' | 'blocked' ... */
  dropped: Record<string, number>;
  /** Peers with an open connection right now. */
  connectedPeers: number;
  syncRounds: number;
  /** Receive time minus origin send time of the most recently applied state-changing delta. */
  lastConvergenceLagMs: number;
  bytesIn: number;
  bytesOut: number;
}

export type ChangeKind = 'counters' | 'config' | 'stats' | 'members';

export interface ClusterAgent {
  /** Peer id string. */
  readonly nodeId: string;
  /** False when running alone. */
  readonly networked: boolean;
  /** Full multiaddrs incl. /p2p/<id> (after start). */
  readonly listenAddresses: string[];
  start(): Promise<void>;
  /** Flushes and persists. */
  stop(): Promise<void>;
  /** G-counter add (float allowed); delta >= 0 else throws. `expiresAt` (epoch ms) lets the key be dropped later. */
  addCounter(key: string, delta: number, expiresAt?: number): void;
  counter(key: string): number;
  counters(prefix: string): Map<string, number>;
  /** LWW map write; null deletes. */
  setConfig(id: string, value: unknown | null): void;
  getConfig(id: string): unknown | undefined;
  configEntries(prefix?: string): Array<[string, unknown]>;
  recordStats(key: string, values: ArrayLike<number>, now?: number): void;
  statsWindow(key: string, now?: number): StatsWindowView;
  statsKeys(): string[];
  members(): MemberInfo[];
  setLoad(load: number): void;
  onChange(listener: (kind: ChangeKind) => void): () => void;
  metrics(): ClusterMetricsSnapshot;
  /** testHooks only: drop all traffic to/from these peers (gossip and sync). */
  partition(blockedNodeIds: string[]): void;
}
