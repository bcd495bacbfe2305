/**
 * Who is in the cluster, from heartbeats: alive while heartbeats arrive, suspect after
 * `suspectAfterMs` without one, dead after `deadAfterMs`. A fresh heartbeat revives a member.
 * Dead members stay listed (their counter contributions live on in the G-counters regardless).
 */
import type { Heartbeat } from './wire/index.js';
import type { MemberInfo, MemberState } from './types.js';

/** How long a dead member's addresses are still dialled (with the dialer's backoff, up to every 30 s). */
const REDIAL_DEAD_FOR_MS = 60 * 60_000;

interface Member {
  nodeId: string;
  state: MemberState;
  addresses: string[];
  version: string;
  httpAddress: string;
  lastHeartbeat: number;
  lagMs: number;
  load: number;
}

export class Membership {
  private readonly peers = new Map<string, Member>();
  load = 0;

  constructor(
    readonly selfId: string,
    private readonly self: { version: string; httpAddress: string },
    private readonly suspectAfterMs: number,
    private readonly deadAfterMs: number,
  ) {}

  /** Records a heartbeat; returns true if membership (not just the timestamp) changed. */
  heartbeat(from: string, hb: Heartbeat, now: number): boolean {
    if (from === this.selfId) return false;
    const prev = this.peers.get(from);
    const member: Member = {
      nodeId: from,
      state: 'alive',
      addresses: hb.addrs,
      version: hb.version,
      httpAddress: hb.http,
      lastHeartbeat: now,
      lagMs: now - hb.sentAt,
      load: hb.load,
    };
    this.peers.set(from, member);
    return (
      prev === undefined ||
      prev.state !== 'alive' ||
      prev.version !== member.version ||
      prev.httpAddress !== member.httpAddress ||
      prev.addresses.join() !== member.addresses.join()
    );
  }

  /** Applies the timeouts; returns true if any member changed state. */
  tick(now: number): boolean {
    let changed = false;
    for (const m of this.peers.values()) {
      const silent = now - m.lastHeartbeat;
      const state: MemberState = silent >= this.deadAfterMs ? 'dead' : silent >= this.suspectAfterMs ? 'suspect' : 'alive';
      if (state !== m.state) {
        m.state = state;
        changed = true;
      }
    }
    return changed;
  }

  stateOf(nodeId: string): MemberState | undefined {
    if (nodeId === this.selfId) return 'alive';
    return this.peers.get(nodeId)?.state;
  }

  /** Peers (not self) currently alive. */
  alivePeers(): string[] {
    return [...this.peers.values()].filter((m) => m.state === 'alive').map((m) => m.nodeId);
  }

  /**
   * Peers (not self) worth dialling, with the addresses they announce: every live one, and dead ones for an
   * hour after they went silent. A dead member may only be on the other side of a healed partition: when
   * the seeds are down too, dialling it is the only way the two sides find each other again (heartbeats
   * do not cross without a connection). A member silent for longer has most likely left for good.
   */
  dialTargets(now: number): Array<{ nodeId: string; addresses: string[] }> {
    return [...this.peers.values()]
      .filter((m) => m.state !== 'dead' || now - m.lastHeartbeat < REDIAL_DEAD_FOR_MS)
      .map((m) => ({ nodeId: m.nodeId, addresses: m.addresses }));
  }

  list(now: number, selfAddresses: string[]): MemberInfo[] {
    const self: MemberInfo = {
      nodeId: this.selfId,
      self: true,
      state: 'alive',
      addresses: selfAddresses,
      version: this.self.version,
      httpAddress: this.self.httpAddress,
      lastHeartbeat: now,
      lagMs: 0,
      load: this.load,
    };
    const others = [...this.peers.values()].map((m) => ({ ...m, addresses: [...m.addresses], self: false }));
    return [self, ...others].sort((a, b) => (a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0));
  }

  counts(): Record<MemberState, number> {
    const counts: Record<MemberState, number> = { alive: 1, suspect: 0, dead: 0 };
    for (const m of this.peers.values()) counts[m.state]++;
    return counts;
  }
}
