/**
 * Everything that touches sockets: the libp2p node, gossip, the sync protocol, the dialer and the
 * test-only partition switch. The agent feeds it callbacks into the replicated state.
 */
import '../polyfill.js';
import type { ConnectionGater, PeerId, PrivateKey } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { multiaddr } from '@multiformats/multiaddr';
import type { ClusterMetrics } from '../metrics.js';
import type { ResolvedOptions } from '../options.js';
import { SyncProtocol } from '../sync/protocol.js';
import type { Digest, SyncState } from '../wire/index.js';
import { Dialer } from './dialer.js';
import { Gossip } from './gossip.js';
import { createNode, type ClusterLibp2p } from './libp2p-node.js';
import type { GossipMessage } from './validate-gossip.js';

const SYNC_TIMEOUT_MS = 10_000;
const SYNC_AFTER_CONNECT_MS = 50;

export interface NetworkCallbacks {
  deliver: (from: string, message: GossipMessage, receivedAt: number) => void;
  digest: (now: number) => Digest;
  missingFor: (remote: Digest, now: number) => SyncState;
  applySync: (state: SyncState, from: string, sentAt: number, now: number) => void;
  /** Non-dead members with their announced addresses (dial targets). */
  members: () => Array<{ nodeId: string; addresses: string[] }>;
  alivePeers: () => string[];
}

export class Network {
  readonly gossip: Gossip;
  private readonly sync: SyncProtocol;
  private readonly dialer: Dialer;
  private blocked = new Set<string>();
  private readonly syncing = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  private readonly syncAgain = new Set<string>();

  // Join / reconnect (e.g. a healed partition): pull and push whatever either side missed.
  private readonly onConnect = (evt: CustomEvent<PeerId>): void => this.syncSoon(evt.detail);
  // Gossip published before the peer's subscriptions arrived never reached it: sync again once they do.
  private readonly onSubscriptionChange = (evt: CustomEvent<{ peerId: PeerId }>): void => this.syncSoon(evt.detail.peerId);

  private constructor(
    readonly node: ClusterLibp2p,
    private readonly opts: ResolvedOptions,
    private readonly metrics: ClusterMetrics,
    private readonly callbacks: NetworkCallbacks,
  ) {
    const isBlocked = (id: string) => this.blocked.has(id);
    this.gossip = new Gossip({
      pubsub: node.services.pubsub,
      limits: { maxMessageBytes: opts.maxMessageBytes, statsBucketMs: opts.statsBucketMs },
      metrics,
      isBlocked,
      deliver: callbacks.deliver,
      log: opts.log,
    });
    this.sync = new SyncProtocol({
      node,
      maxSyncBytes: opts.maxSyncBytes,
      timeoutMs: SYNC_TIMEOUT_MS,
      metrics,
      isBlocked,
      digest: callbacks.digest,
      missingFor: callbacks.missingFor,
      apply: callbacks.applySync,
      log: opts.log,
    });
    this.dialer = new Dialer({
      node,
      selfId: node.peerId.toString(),
      seeds: opts.seeds,
      seedDns: opts.seedDns,
      port: opts.seedPort,
      isBlocked,
      members: callbacks.members,
      log: opts.log,
    });
  }

  static async create(opts: ResolvedOptions, privateKey: PrivateKey, metrics: ClusterMetrics, callbacks: NetworkCallbacks): Promise<Network> {
    for (const seed of opts.seeds) {
      try {
        multiaddr(seed);
      } catch (err) {
        throw new Error(`invalid cluster seed multiaddr ${JSON.stringify(seed)}: ${(err as Error).message}`);
      }
    }
    let network: Network | undefined;
    const denyPeer = (peerId: PeerId) => network?.blocked.has(peerId.toString()) ?? false;
    const gater: ConnectionGater = {
      denyDialPeer: denyPeer,
      denyInboundEncryptedConnection: denyPeer,
      denyOutboundEncryptedConnection: denyPeer,
    };
    const node = await createNode(opts, privateKey, gater);
    network = new Network(node, opts, metrics, callbacks);
    return network;
  }

  async start(): Promise<void> {
    await this.node.start();
    this.gossip.start();
    await this.sync.start();
    this.node.addEventListener('peer:connect', this.onConnect);
    this.node.services.pubsub.addEventListener('subscription-change', this.onSubscriptionChange);
    this.dialer.tick(Date.now());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.dialer.stop();
    this.node.removeEventListener('peer:connect', this.onConnect);
    this.node.services.pubsub.removeEventListener('subscription-change', this.onSubscriptionChange);
    this.gossip.stop();
    await this.sync.stop();
    await this.node.stop();
  }

  /** Our addresses including /p2p/<id>, as announced. */
  addresses(): string[] {
    return this.node.getMultiaddrs().map((a) => a.toString());
  }

  connectedPeers(): number {
    return this.node.getPeers().length;
  }

  dialTick(now: number): void {
    if (this.stopped) return;
    this.dropStaleConnections();
    this.dialer.tick(now);
  }

  /**
   * Drops connections libp2p closed without telling anyone (see stale-connections.ts), so that the
   * dialer, which runs right after, sees the peer as disconnected and dials it again.
   */
  private dropStaleConnections(): void {
    for (const peer of this.node.services.staleConnections.reap(this.node.getConnections())) {
      this.opts.log('info', 'cluster: dropped a connection libp2p had closed without an event', { peer: peer.toString() });
      // Gossipsub may have put its stream to this peer on the dead connection and is only told to
      // start over by a full disconnect: close the peer's other connections too, the dialer reconnects.
      if (this.node.getConnections(peer).length > 0) this.node.hangUp(peer).catch(() => {});
    }
  }

  /** Anti-entropy with one random connected live peer. */
  syncRandomPeer(): void {
    if (this.stopped) return;
    const connected = new Set(this.node.getPeers().map((p) => p.toString()));
    const alive = this.callbacks.alivePeers().filter((id) => connected.has(id) && !this.blocked.has(id));
    const candidates = alive.length > 0 ? alive : [...connected].filter((id) => !this.blocked.has(id));
    if (candidates.length === 0) return;
    const pick = candidates[Math.floor(Math.random() * candidates.length)]!;
    void this.syncWith(peerIdFromString(pick));
  }

  private syncSoon(peer: PeerId): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.syncWith(peer);
    }, SYNC_AFTER_CONNECT_MS);
    this.timers.add(timer);
  }

  /** One round with `peer`; a request made while a round is running runs once more afterwards. */
  async syncWith(peer: PeerId): Promise<void> {
    const id = peer.toString();
    if (this.stopped || this.blocked.has(id)) return;
    if (this.syncing.has(id)) {
      this.syncAgain.add(id);
      return;
    }
    this.syncing.add(id);
    try {
      const { received, sent } = await this.sync.syncWith(peer);
      this.opts.log('debug', 'cluster: sync round done', { peer: id, received, sent });
    } catch (err) {
      if (!this.stopped) this.opts.log('debug', 'cluster: sync round failed', { peer: id, error: (err as Error).message });
    } finally {
      this.syncing.delete(id);
    }
    if (this.syncAgain.delete(id)) await this.syncWith(peer);
  }

  /** Test hook: cut all traffic to/from these peers (connections closed, new ones refused). */
  partition(blockedNodeIds: string[]): void {
    this.blocked = new Set(blockedNodeIds);
    for (const id of this.blocked) {
      let peer: PeerId;
      try {
        peer = peerIdFromString(id);
      } catch {
        continue;
      }
      this.node.hangUp(peer).catch(() => {});
    }
    this.dialTick(Date.now()); // reconnect right away to anyone no longer blocked
  }
}
