/**
 * The ClusterAgent: replicated state + membership + persistence, and (when a key or `insecure` is
 * given) the network. All CRDT operations are local and synchronous; replication happens in the
 * background on timers, so callers on the request path never wait on the network or the disk.
 */
import './polyfill.js';
import type { PrivateKey } from '@libp2p/interface';
import { ClusterMetrics } from './metrics.js';
import { Membership } from './membership.js';
import type { Network } from './net/network.js';
import type { GossipMessage } from './net/validate-gossip.js';
import type { ResolvedOptions } from './options.js';
import { ReplicatedState } from './state.js';
import type { ClusterStore } from './store.js';
import { computeDigest, missingFor } from './sync/digest.js';
import type { ChangeKind, ClusterAgent, ClusterMetricsSnapshot, MemberInfo } from './types.js';
import type { StatsWindowView } from './crdt/index.js';
import { WIRE_VERSION, type SyncState } from './wire/index.js';

const PERSIST_EVERY_MS = 250;
const GC_EVERY_MS = 1000;
const DIAL_EVERY_MS = 500;

export class Agent implements ClusterAgent {
  readonly networked: boolean;
  private readonly state: ReplicatedState;
  private readonly membership: Membership;
  private readonly metricsState = new ClusterMetrics();
  private readonly listeners = new Set<(kind: ChangeKind) => void>();
  private readonly pendingKinds = new Set<ChangeKind>();
  private readonly timers: NodeJS.Timeout[] = [];
  private network: Network | undefined;
  private persisting: Promise<void> = Promise.resolve();
  private started = false;
  private stopped = false;

  constructor(
    private readonly opts: ResolvedOptions,
    private readonly privateKey: PrivateKey,
    readonly nodeId: string,
    private readonly store: ClusterStore,
  ) {
    this.networked = opts.key !== undefined || opts.insecure;
    this.state = new ReplicatedState(nodeId, store.nextIncarnation(), opts.statsBucketMs, opts.statsBuckets, (kind) => this.changed(kind));
    this.membership = new Membership(nodeId, opts.node, opts.suspectAfterMs, opts.deadAfterMs);
    const loaded = store.load(this.state, Date.now());
    this.pendingKinds.clear();
    opts.log('info', 'cluster: state loaded', { nodeId, counterRecords: loaded.counters, configEntries: loaded.config });
  }

  get listenAddresses(): string[] {
    return this.network?.addresses() ?? [];
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const { opts } = this;
    if (this.networked) {
      if (opts.key === undefined) {
        opts.log('warn', 'cluster: INSECURE MODE — no pre-shared key, any host that can reach this port can join the cluster and write state. Use only for local development.');
      }
      const { Network } = await import('./net/network.js');
      this.network = await Network.create(opts, this.privateKey, this.metricsState, {
        deliver: (from, message, receivedAt) => this.deliver(from, message, receivedAt),
        digest: (now) => computeDigest(this.state, now),
        missingFor: (remote, now) => missingFor(this.state, remote, now),
        applySync: (state, from, sentAt, now) => this.applySync(state, from, sentAt, now),
        members: () => this.membership.dialTargets(Date.now()),
        alivePeers: () => this.membership.alivePeers(),
      });
      await this.network.start();
      opts.log('info', 'cluster: listening', { nodeId: this.nodeId, addresses: this.listenAddresses, pnet: opts.key !== undefined });
      this.every(opts.heartbeatMs, () => this.heartbeat());
      this.every(opts.syncIntervalMs, () => this.network?.syncRandomPeer());
      this.every(DIAL_EVERY_MS, () => this.network?.dialTick(Date.now()));
      this.heartbeat();
    } else {
      opts.log('info', 'cluster: running alone (no cluster key configured)', { nodeId: this.nodeId });
    }
    this.every(opts.statsFlushMs, () => void this.flushGossip());
    this.every(PERSIST_EVERY_MS, () => this.persist());
    this.every(GC_EVERY_MS, () => this.state.gc(Date.now()));
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.timers.length = 0;
    if (this.network) {
      await this.flushGossip().catch(() => {});
      await this.network.stop().catch((err: Error) => this.opts.log('warn', 'cluster: network stop failed', { error: err.message }));
      this.network = undefined;
    }
    this.persist();
    await this.persisting;
    await this.store.close();
    this.listeners.clear();
  }

  addCounter(key: string, delta: number, expiresAt?: number): void {
    this.state.addCounter(key, delta, expiresAt ?? 0);
  }

  counter(key: string): number {
    return this.state.counters.value(key);
  }

  counters(prefix: string): Map<string, number> {
    return this.state.counters.values(prefix);
  }

  setConfig(id: string, value: unknown | null): void {
    this.state.setConfig(id, value);
  }

  getConfig(id: string): unknown | undefined {
    return this.state.config.get(id);
  }

  configEntries(prefix?: string): Array<[string, unknown]> {
    return this.state.config.live(prefix);
  }

  recordStats(key: string, values: ArrayLike<number>, now: number = Date.now()): void {
    this.state.recordStats(key, values, now);
  }

  statsWindow(key: string, now: number = Date.now()): StatsWindowView {
    return this.state.stats.window(key, now);
  }

  statsKeys(): string[] {
    return this.state.stats.keys();
  }

  members(): MemberInfo[] {
    const now = Date.now();
    if (this.membership.tick(now)) this.changed('members');
    return this.membership.list(now, this.listenAddresses);
  }

  setLoad(load: number): void {
    if (!Number.isFinite(load) || load < 0) throw new RangeError(`load must be a finite number >= 0, got ${load}`);
    this.membership.load = load;
  }

  onChange(listener: (kind: ChangeKind) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  metrics(): ClusterMetricsSnapshot {
    this.membership.tick(Date.now());
    return this.metricsState.snapshot(this.membership.counts(), this.network?.connectedPeers() ?? 0);
  }

  partition(blockedNodeIds: string[]): void {
    if (!this.opts.testHooks) throw new Error('partition() is only available with testHooks enabled');
    this.network?.partition(blockedNodeIds);
  }

  private every(ms: number, fn: () => void): void {
    const timer = setInterval(() => {
      try {
        fn();
      } catch (err) {
        this.opts.log('error', 'cluster: periodic task failed', { error: (err as Error).message });
      }
    }, ms);
    timer.unref();
    this.timers.push(timer);
  }

  /** Listeners are called once per kind per microtask, however many changes happened. */
  private changed(kind: ChangeKind): void {
    if (this.pendingKinds.size === 0) {
      queueMicrotask(() => {
        const kinds = [...this.pendingKinds];
        this.pendingKinds.clear();
        for (const k of kinds) {
          for (const listener of this.listeners) {
            try {
              listener(k);
            } catch (err) {
              this.opts.log('error', 'cluster: change listener threw', { kind: k, error: (err as Error).message });
            }
          }
        }
      });
    }
    this.pendingKinds.add(kind);
  }

  private heartbeat(): void {
    const now = Date.now();
    if (this.membership.tick(now)) this.changed('members');
    const { version, httpAddress } = this.opts.node;
    void this.network?.gossip.publish('members', [], () => ({
      v: WIRE_VERSION,
      t: 'hb',
      version,
      http: httpAddress,
      load: this.membership.load,
      sentAt: now,
      addrs: this.listenAddresses,
    }));
  }

  private async flushGossip(): Promise<void> {
    if (!this.state.hasOutgoing()) return;
    const out = this.state.takeOutgoing();
    const gossip = this.network?.gossip;
    if (!gossip) return; // running alone: nothing to tell anyone
    const sentAt = Date.now();
    await Promise.all([
      gossip.publish('counters', out.counters, (records) => ({ v: WIRE_VERSION, t: 'ctr', sentAt, records })),
      gossip.publish('stats', out.stats, (records) => ({ v: WIRE_VERSION, t: 'st', sentAt, records })),
      gossip.publish('config', out.config, (records) => ({ v: WIRE_VERSION, t: 'cfg', sentAt, records })),
    ]);
  }

  private persist(): void {
    this.persisting = this.persisting
      .then(() => this.store.flush(this.state))
      .catch((err: Error) => this.opts.log('error', 'cluster: persisting state failed', { error: err.message }));
  }

  private deliver(from: string, m: GossipMessage, now: number): void {
    if (this.stopped) return;
    let changed = false;
    switch (m.topic) {
      case 'members':
        if (this.membership.heartbeat(from, m.message, now)) this.changed('members');
        return;
      case 'counters':
        changed = this.state.applyCounters(m.message.records, now);
        break;
      case 'stats':
        changed = this.state.applyStats(m.message.records, now);
        break;
      case 'config':
        changed = this.state.applyConfig(m.message.records);
        break;
    }
    if (changed) this.metricsState.lastConvergenceLagMs = Math.max(0, now - m.message.sentAt);
  }

  private applySync(s: SyncState, _from: string, sentAt: number, now: number): void {
    if (this.stopped) return;
    const a = this.state.applyCounters(s.counters, now);
    const b = this.state.applyStats(s.stats, now);
    const c = this.state.applyConfig(s.config);
    if (a || b || c) this.metricsState.lastConvergenceLagMs = Math.max(0, now - sentAt);
  }
}
