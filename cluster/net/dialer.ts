/**
 * Keeps us connected: seeds (multiaddrs), DNS seeds (every A/AAAA at the cluster port) and every
 * member learned from heartbeats (dead ones too, for an hour: see Membership.dialTargets) are dialled
 * when not connected, with exponential backoff and jitter per target, reset once connected. Dialling
 * members directly gives a full mesh in small clusters, so gossip does not depend on the seed staying up.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { PeerId } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr';
import type { ClusterLogger } from '../types.js';
import type { ClusterLibp2p } from './libp2p-node.js';

const BASE_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 30_000;
const DIAL_TIMEOUT_MS = 5_000;

interface Backoff {
  failures: number;
  nextAt: number;
  inflight: boolean;
}

export interface DialerDeps {
  node: ClusterLibp2p;
  selfId: string;
  seeds: string[];
  seedDns: string[];
  port: number;
  isBlocked: (peerId: string) => boolean;
  members: () => Array<{ nodeId: string; addresses: string[] }>;
  log: ClusterLogger;
}

export class Dialer {
  private readonly backoff = new Map<string, Backoff>();
  private stopped = false;
  private readonly aborter = new AbortController();

  constructor(private readonly deps: DialerDeps) {}

  stop(): void {
    this.stopped = true;
    this.aborter.abort(); // in-flight dials must not hold up shutdown
  }

  private signal(): AbortSignal {
    return AbortSignal.any([this.aborter.signal, AbortSignal.timeout(DIAL_TIMEOUT_MS)]);
  }

  /** Starts whatever dials are due; never throws, never awaits them. */
  tick(now: number): void {
    if (this.stopped) return;
    for (const seed of this.deps.seeds) {
      let addr: Multiaddr;
      try {
        addr = multiaddr(seed);
      } catch {
        continue; // validated at start-up; unreachable
      }
      const id = addr.getPeerId();
      if (id === this.deps.selfId) continue;
      if (id !== null && (this.connected(id) || this.deps.isBlocked(id))) {
        this.backoff.delete(`seed:${seed}`);
        continue;
      }
      this.attempt(`seed:${seed}`, now, async () => {
        await this.deps.node.dial(addr, { signal: this.signal() });
      });
    }
    for (const name of this.deps.seedDns) {
      // Re-resolve now and then even when all went well: the name may gain addresses (scale-up).
      this.attempt(`dns:${name}`, now, () => this.dialDns(name), 10_000);
    }
    for (const member of this.deps.members()) {
      if (member.nodeId === this.deps.selfId || this.deps.isBlocked(member.nodeId) || this.connected(member.nodeId)) {
        this.backoff.delete(`peer:${member.nodeId}`);
        continue;
      }
      const addrs = member.addresses.flatMap((a) => {
        try {
          return [multiaddr(a)];
        } catch {
          return [];
        }
      });
      if (addrs.length === 0) continue;
      this.attempt(`peer:${member.nodeId}`, now, async () => {
        await this.deps.node.dial(addrs, { signal: this.signal() });
      });
    }
  }

  private connected(peerId: string): boolean {
    let id: PeerId;
    try {
      id = peerIdFromString(peerId);
    } catch {
      return false;
    }
    return this.deps.node.getConnections(id).length > 0;
  }

  /** Dials every address a DNS name resolves to that we are not already connected to. */
  private async dialDns(name: string): Promise<void> {
    const results = await lookup(name, { all: true });
    const connectedHosts = new Set(this.deps.node.getConnections().map((c) => c.remoteAddr.nodeAddress().address));
    const own = new Set(this.deps.node.getMultiaddrs().map((a) => `${a.nodeAddress().address}:${a.nodeAddress().port}`));
    let failures = 0;
    for (const { address, family } of results) {
      if (connectedHosts.has(address) || own.has(`${address}:${this.deps.port}`) || isIP(address) === 0) continue;
      const ma = multiaddr(`/${family === 6 ? 'ip6' : 'ip4'}/${address}/tcp/${this.deps.port}`);
      try {
        const conn = await this.deps.node.dial(ma, { signal: this.signal() });
        if (conn.remotePeer.toString() === this.deps.selfId) await conn.close();
      } catch {
        failures++;
      }
    }
    if (failures > 0) throw new Error(`${failures} of ${results.length} addresses of ${name} failed`);
  }

  private attempt(key: string, now: number, dial: () => Promise<void>, afterSuccessMs = BASE_BACKOFF_MS): void {
    const b = this.backoff.get(key) ?? { failures: 0, nextAt: 0, inflight: false };
    this.backoff.set(key, b);
    if (b.inflight || now < b.nextAt) return;
    b.inflight = true;
    dial().then(
      () => {
        b.failures = 0;
        b.nextAt = Date.now() + afterSuccessMs;
        b.inflight = false;
      },
      (err: Error) => {
        b.failures++;
        const delay = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** Math.min(b.failures, 10));
        b.nextAt = Date.now() + delay * (0.8 + Math.random() * 0.4);
        b.inflight = false;
        if (!this.stopped) this.deps.log('debug', 'cluster: dial failed', { target: key, failures: b.failures, error: err.message });
      },
    );
  }
}
